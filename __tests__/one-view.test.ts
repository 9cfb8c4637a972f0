import { readdirSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { run } from "../src/cli/program";
import { applyPlan } from "../src/rewrite/apply-plan";
import { analyseProject } from "../src/rewrite/rewrite-project";
import { loadProject } from "../src/compose/load-project";
import { splitPlan } from "../src/rewrite/split-plan";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import { TRANSFORMS } from "../src/rewrite/transforms";
import { captureIO, tempTree } from "./helpers/tmp";
import { aliasBombLines } from "./helpers/mutate";

type Dict = Record<string, any>;

const WIKI = `services:
  app:
    image: ghcr.io/requarks/wiki:2
    environment:
      VIRTUAL_HOST: wiki.example.org
    networks: [proxy]
`;
const WIKI_DB = `services:
  db:
    image: postgres:16
    networks: [proxy]
networks:
  proxy:
    external: true
`;

async function json(dir: string, args: string[]): Promise<{ status: number; report: Dict }> {
  const io = captureIO(dir);
  const status = await run([...args, "--json"], io);
  return { status, report: JSON.parse(io.out()) };
}

describe("rewrite, audit and graph read a project the same way", () => {
  test("a database that comes in through include: is changed by the rewrite and reachable in the audit, and no longer after", async () => {
    const dir = tempTree({
      "wiki/compose.yaml": `include:\n  - database.yaml\n${WIKI}`,
      "wiki/database.yaml": WIKI_DB,
      "blog/compose.yaml": `services:
  blog:
    image: ghost:5
    environment: {VIRTUAL_HOST: blog.example.org}
    networks: [proxy]
networks:
  proxy: {external: true}
`,
    });
    const before = await json(dir, ["audit", "."]);
    expect(before.status).toBe(1);
    expect(
      before.report.findings
        .filter((f: Dict) => f.level === "error")
        .map((f: Dict) => `${f.project}/${f.service} ${f.file}`),
    ).toEqual(["wiki/db wiki/database.yaml"]);
    expect(before.report.summary.after.databasesReachable).toBe(0);

    const dry = await json(dir, ["."]);
    const byPath = Object.fromEntries(dry.report.files.map((f: Dict) => [f.path, f]));
    // the included file is part of the wiki's project: reported once, with it
    expect(Object.keys(byPath).sort()).toEqual([
      "blog/compose.yaml",
      "wiki/compose.yaml",
      "wiki/database.yaml",
    ]);
    expect(byPath["wiki/database.yaml"]).toMatchObject({ status: "changed", project: "wiki" });
    expect(byPath["wiki/database.yaml"].services.db.role).toBe("database");

    expect(await run(["--write", "-q", "."], captureIO(dir))).toBe(0);
    const after = await json(dir, ["audit", "."]);
    expect(after.status).toBe(0);
    expect(after.report.summary.databasesReachable).toBe(0);
  });

  test.each([
    ["the directory's name, normalised", {}, "myblog"],
    ["the top-level name:", { name: "Press-Room" }, "press-room"],
    [
      "COMPOSE_PROJECT_NAME in the project's .env, over name:",
      { name: "press", env: "COMPOSE_PROJECT_NAME=Newsroom\n" },
      "newsroom",
    ],
  ] as [string, { name?: string; env?: string }, string][])(
    "one project name everywhere: %s",
    async (_what, { name: named, env }, name) => {
      const compose = `${named ? `name: ${named}\n` : ""}services:
  web:
    image: ghcr.io/example/blog:1
    ports: ["8080:80"]
    networks: [proxy]
  cache:
    image: ghcr.io/example/cache:1
    networks: [proxy]
  db:
    image: postgres:16
    ports: ["5432:5432"]
networks:
  proxy: {external: true}
`;
      const files: Record<string, string> = { "My.Blog/compose.yaml": compose };
      if (env) files["My.Blog/.env"] = env;
      const dir = tempTree(files);
      // the role given to project/service matches with the name as Compose computes it
      const rewrite = await json(dir, [
        "--virtual-host",
        "{project}.example.org",
        "--database",
        `${name.toUpperCase()}/cache`,
        ".",
      ]);
      const [file] = rewrite.report.files;
      expect(file.project).toBe(name);
      expect(file.services.cache).toMatchObject({ role: "database", rule: "flag" });
      expect(file.diff).toContain(`+      VIRTUAL_HOST: ${name}.example.org`);
      const audit = await json(dir, ["audit", "."]);
      expect(new Set(audit.report.findings.map((f: Dict) => f.project))).toEqual(new Set([name]));
      const graph = captureIO(dir);
      await run(["graph", "."], graph);
      expect(graph.out().split("\n")[0]).toBe(name);
    },
  );

  test("an alias bomb in an included file is a clean error of the including file; nothing is written", async () => {
    const bomb = `${aliasBombLines("")}\nservices:\n  db:\n    image: postgres\n    labels: *lol9\n`;
    const dir = tempTree({
      "wiki/compose.yaml": `include:\n  - database.yaml\n${WIKI}networks:\n  proxy: {external: true}\n`,
      "wiki/database.yaml": bomb,
    });
    const { status, report } = await json(dir, ["--write", "."]);
    expect(status).toBe(2);
    expect(report.files.map((f: Dict) => [f.path, f.status])).toEqual([
      ["wiki/compose.yaml", "error"],
    ]);
    expect(report.files[0].reason).toMatch(
      /^wiki\/compose\.yaml:2:3: the included file wiki\/database\.yaml:1:1 cannot be read \(its aliases expand to [\d,]+ nodes from \d+: an alias bomb, not a compose file\); left as it is$/,
    );
    expect(readFileSync(path.join(dir, "wiki/database.yaml"), "utf8")).toBe(bomb);
  });

  test("an included file that cannot be read is an error at the include:, not ignored", async () => {
    const dir = tempTree({ "wiki/compose.yaml": `include:\n  - database.yaml\n${WIKI}` });
    const { status, report } = await json(dir, ["."]);
    expect(status).toBe(2);
    expect(report.files.map((f: Dict) => [f.path, f.status, f.reason])).toEqual([
      [
        "wiki/compose.yaml",
        "error",
        "wiki/compose.yaml:2:3: cannot read the included file `database.yaml` (ENOENT); left as it is",
      ],
    ]);
  });

  test("a file that an include: names through a variable of the .env is part of the project that includes it, once", async () => {
    const dir = tempTree({
      "wiki/.env": "DB_DIR=db\n",
      "wiki/compose.yaml": `include:\n  - \${DB_DIR}/compose.yaml\n${WIKI}`,
      "wiki/db/compose.yaml": WIKI_DB,
    });
    const { report } = await json(dir, ["."]);
    expect(report.files.map((f: Dict) => [f.path, f.project, f.status])).toEqual([
      ["wiki/compose.yaml", "wiki", "changed"],
      ["wiki/db/compose.yaml", "wiki", "changed"],
    ]);
  });

  test("a compose file that is not UTF-8 is the same error in the rewrite, the audit and the graph", async () => {
    const dir = tempTree({ "wiki/compose.yaml": "" });
    writeFileSync(
      path.join(dir, "wiki/compose.yaml"),
      Buffer.concat([Buffer.from("services:\n  app:\n    image: caf"), Buffer.from([0xe9, 0x0a])]),
    );
    const error = {
      code: "read-error",
      message: "not UTF-8 text (compose files are UTF-8); left as it is",
      line: 3,
      col: 15,
    };
    const rewrite = await json(dir, ["."]);
    expect(rewrite.report.files[0].error).toEqual(error);
    const audit = await json(dir, ["audit", "."]);
    expect(audit.report.errors).toEqual([{ ...error, path: "wiki/compose.yaml" }]);
    const graph = captureIO(dir);
    expect(await run(["graph", "."], graph)).toBe(2);
    expect(graph.err()).toContain(`wiki/compose.yaml:3:15: ${error.message} [read-error]`);
  });

  test("a flag wins over the configuration file, and --explain names where each role comes from", async () => {
    const dir = tempTree({
      "composemod.config.json": JSON.stringify({ database: ["cache"], backend: ["app"] }),
      "blog/compose.yaml": `services:
  app:
    image: ghcr.io/example/blog:1
    environment: {VIRTUAL_HOST: blog.example.org}
    networks: [proxy]
  cache:
    image: ghcr.io/example/cache:1
    networks: [proxy]
  worker:
    image: ghcr.io/example/blog:1
    networks: [proxy]
networks:
  proxy: {external: true}
`,
    });
    const { report } = await json(dir, ["--app", "app", "--ignore-service", "worker", "."]);
    const services = report.files[0].services;
    expect(services.app).toMatchObject({
      role: "app",
      rule: "flag",
      reason: "set on the command line (--app)",
    });
    expect(services.cache).toMatchObject({
      role: "database",
      rule: "config",
      reason: "set in composemod.config.json (database)",
    });
    expect(services.worker).toMatchObject({
      role: "ignore",
      reason: "set on the command line (--ignore-service)",
    });
    const io = captureIO(dir);
    await run(["--explain", "--app", "app", "--ignore-service", "worker", "."], io);
    expect(io.out()).toMatch(/  app +app +set on the command line \(--app\) \[flag\] /);
    expect(io.out()).toMatch(
      /  cache +database +set in composemod\.config\.json \(database\) \[config\] /,
    );
    expect(io.out()).toMatch(
      /  worker +ignore +set on the command line \(--ignore-service\) \[flag\] /,
    );
  });
});

test("the transforms give the same text whatever order they run in", () => {
  const root = path.resolve(__dirname, "..", "examples");
  const inputs = readdirSync(root)
    .map((name) => path.join(root, name, "docker-compose.yml"))
    .filter((file) => existsSync(file));
  const orders = [
    [...TRANSFORMS],
    [...TRANSFORMS].reverse(),
    [...TRANSFORMS.slice(3), ...TRANSFORMS.slice(0, 3)],
  ];
  let compared = 0;
  for (const file of inputs) {
    const text = readFileSync(file, "utf8");
    const load = loadProject({
      dir: path.dirname(file),
      files: [{ path: file, absolute: file, text }],
      readText: () => ({ code: "ENOENT" }),
      show: (p) => p,
    });
    if (load.kind !== "ok") continue;
    const options = { ...DEFAULT_PLAN_OPTIONS, proxyNetwork: "proxy" };
    const { plan } = analyseProject(load.project, options);
    if (plan.action !== "change") continue;
    const model = load.project.files[0].model;
    const [filePlan] = splitPlan(plan, [model]);
    const outputs = orders.map((order) => {
      const applied = applyPlan(model, filePlan, file, order);
      return applied.kind === "changed" ? applied.output : applied.kind;
    });
    expect(new Set(outputs).size).toBe(1);
    compared++;
  }
  expect(compared).toBeGreaterThan(15);
});
