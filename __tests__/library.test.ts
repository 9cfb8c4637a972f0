import { readFileSync } from "node:fs";
import * as path from "node:path";
import { WIKI_BEHIND_PROXY, WIKI_WITH_PORT } from "./helpers/fixtures";
import { captureIO, tempTree } from "./helpers/tmp";

const repo = path.resolve(__dirname, "..");
/** The library as its users get it: the bundle `main` names (built before the tests). */
const lib = require(path.join(repo, "dist", "index.js")) as typeof import("../src/index");

/** The names of the first column of docs/library.md's table. */
function documented(): string[] {
  const section = readFileSync(path.join(repo, "docs", "library.md"), "utf8");
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .flatMap((line) => [...line.split("|")[1].matchAll(/`(\w+)/g)].map((m) => m[1]));
}

/** The type-only names src/index.ts exports. */
function typeExports(): string[] {
  const index = readFileSync(path.join(repo, "src", "index.ts"), "utf8");
  return [...index.matchAll(/export type \{([^}]*)\}/g)].flatMap((m) =>
    m[1]
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean),
  );
}

test("the package exports what docs/library.md documents, and nothing else", () => {
  const values = Object.keys(lib).sort();
  const types = typeExports();
  const names = documented();
  expect(names.filter((n) => !types.includes(n)).sort()).toEqual(values);
  for (const name of names) expect([...values, ...types]).toContain(name);
});

test("a library user's code names every export, each type among them (__tests__/consumer)", () => {
  const consumer = readFileSync(path.join(__dirname, "consumer", "consumer.ts"), "utf8");
  for (const name of Object.keys(lib)) expect(consumer).toMatch(new RegExp(`\\b${name}\\b`));
  for (const name of typeExports()) expect(consumer).toContain(`type ${name},`);
});

test("rewriteText, with the plan's defaults and their choices", () => {
  const { DEFAULT_PLAN_OPTIONS, DRIVERS, PORTS_MODES, PROXY_KINDS } = lib;
  expect(PORTS_MODES).toContain(DEFAULT_PLAN_OPTIONS.ports);
  expect(DRIVERS).toContain(DEFAULT_PLAN_OPTIONS.driver);
  expect(PROXY_KINDS).toContain("traefik");
  const result = lib.rewriteText(WIKI_WITH_PORT, "wiki/compose.yaml", DEFAULT_PLAN_OPTIONS);
  expect(result.status).toBe("changed");
  expect(result.output).toContain("    # ports:\n");
  expect(result.output).toContain(`  ${DEFAULT_PLAN_OPTIONS.internalNetwork}:\n`);
});

test("loadProject and rewriteProject: the files of a project, read through readText", () => {
  const override = "services:\n  app:\n    ports:\n      - 8080:80\n";
  const texts: Record<string, string> = {
    "/srv/wiki/compose.yaml": WIKI_BEHIND_PROXY,
    "/srv/wiki/compose.override.yaml": override,
  };
  const load = lib.loadProject({
    dir: "/srv/wiki",
    files: Object.entries(texts).map(([absolute, text]) => ({
      path: path.relative("/srv", absolute),
      absolute,
      text,
    })),
    readText: (p) => texts[p] ?? { code: "ENOENT" },
    show: (p) => path.relative("/srv", p),
  });
  expect(load.kind).toBe("ok");
  const { project, files } = lib.rewriteProject(load, lib.DEFAULT_PLAN_OPTIONS);
  expect(project).toBe("wiki");
  expect(files.map((f) => [f.path, f.status])).toEqual([
    ["wiki/compose.yaml", "changed"],
    ["wiki/compose.override.yaml", "changed"],
  ]);
  expect(files[1].output).toContain("    # ports:\n");
});

test("the steps: parseComposeFile, buildModel, classifyServices, planProject, TRANSFORMS, applyEdits", () => {
  const parsed = lib.parseComposeFile(WIKI_WITH_PORT, "compose.yaml");
  if (parsed.kind !== "ok") throw new Error(parsed.kind);
  const model = lib.buildModel(parsed.file);
  const roles = lib.classifyServices(model, "wiki");
  expect([...roles].map(([name, c]) => [name, c.role])).toEqual([
    ["app", "app"],
    ["db", "database"],
  ]);
  const plan = lib.planProject({ model, roles, project: "wiki" }, lib.DEFAULT_PLAN_OPTIONS);
  expect(plan.action).toBe("change");
  expect(plan.services.find((s) => s.name === "app")?.commentPorts).toEqual([0]);
  expect(lib.TRANSFORMS.length).toBeGreaterThan(0);
  for (const t of lib.TRANSFORMS) {
    expect([typeof t.name, typeof t.description, typeof t.apply]).toEqual([
      "string",
      "string",
      "function",
    ]);
  }
  expect(lib.applyEdits("a b", [{ start: 1, end: 2, text: "-" }])).toBe("a-b");
  expect(() =>
    lib.applyEdits("abc", [
      { start: 0, end: 2, text: "" },
      { start: 1, end: 3, text: "" },
    ]),
  ).toThrow(lib.OverlappingEditsError);
});

test("loadHost and auditHost: the findings of the projects of a host, each of a rule of RULES", async () => {
  const shared = "networks:\n  default:\n    name: shared\n";
  const dir = tempTree({
    "wiki/compose.yaml": "services:\n  db:\n    image: postgres:16\n" + shared,
    "blog/compose.yaml": "services:\n  app:\n    image: ghost:5\n" + shared,
  });
  const host = await lib.loadHost(["."], dir, lib.DEFAULT_PLAN_OPTIONS);
  expect(host.projects.map((p) => p.name).sort()).toEqual(["blog", "wiki"]);
  const findings = lib.auditHost(host);
  const shares = findings.find((f) => f.rule === "database-shared-with-other-project");
  expect(shares).toMatchObject({ project: "wiki", service: "db", level: "error" });
  for (const f of findings) expect(lib.RULES[f.rule].level).toBe(f.level);
});

test("formatDiagnostic prints an error as the command line does", () => {
  const result = lib.rewriteText("services:\n  app:\n\timage: x\n", "compose.yaml");
  expect(result.status).toBe("error");
  expect(lib.formatDiagnostic(result.error!)).toMatch(/^compose\.yaml:3:1: .*\[tab-indent\]/);
});

test("run: the command line in-process, and VERSION the package's version", async () => {
  const io = captureIO("/");
  expect(await lib.run(["--version"], io)).toBe(0);
  expect(io.out()).toBe(`${lib.VERSION}\n`);
  const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8"));
  expect(lib.VERSION).toBe(pkg.version);
});
