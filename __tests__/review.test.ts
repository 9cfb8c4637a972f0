import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { ExplicitRole } from "../src/analysis/classify";
import { loadConfig } from "../src/cli/config";
import { run } from "../src/cli/program";
import { rememberDecisions } from "../src/cli/remember";
import { captureIO, tempTree } from "./helpers/tmp";

const CLI = path.join(__dirname, "..", "dist", "cli.js");
const PTY = path.join(__dirname, "..", "scripts", "pty-session.py");

/** A blog whose database publishes its port, behind the shared proxy. */
const BLOG = `services:
  web:
    image: ghost:5
    environment:
      VIRTUAL_HOST: blog.example.org
  db:
    image: mysql:8
    ports:
      - "3306:3306"
networks:
  default:
    external:
      name: proxy
`;

/** A wiki whose `app` composemod takes for the app; the user says it is a backend. */
const WIKI = BLOG.replace("ghost:5", "ghcr.io/example/wiki:3")
  .replace("blog.example.org", "wiki.example.org")
  .replace("mysql:8", "postgres:16")
  .replace(/3306/g, "5432")
  .replace("  web:", "  app:");

/** A shop on the proxy network, to be left as it is. */
const SHOP = `services:
  shop:
    image: example/shop:2
    ports:
      - "8000:8000"
  redis:
    image: redis:7
networks:
  default:
    external:
      name: proxy
`;

/** The review, on a pseudo-terminal 90 columns wide, answered step by step: its output and status. */
function reviewOnTerminal(cwd: string, steps: [string, string][], args: string[] = []) {
  const stepsFile = path.join(cwd, "..", `steps-${path.basename(cwd)}.json`);
  writeFileSync(stepsFile, JSON.stringify(steps));
  const result = spawnSync(
    "python3",
    [
      PTY,
      "--cols",
      "90",
      "--timeout",
      "20",
      stepsFile,
      "--",
      process.execPath,
      CLI,
      "review",
      ...args,
    ],
    { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "" } },
  );
  return { out: result.stdout, status: result.status, err: result.stderr };
}

/** The answers of one review: accept blog, make wiki's app a backend and accept, skip shop. */
const STEPS: [string, string][] = [
  ["blog: accept\\?", "y"],
  ["shop: accept\\?", "n"],
  ["wiki: accept\\?", "r"],
  ["which service\\?", "1"],
  ["role of app\\?", "b"],
  ["wiki: accept\\?", "y"],
];

describe("composemod review on a terminal", () => {
  const root = tempTree({
    "host/blog/compose.yaml": BLOG,
    "host/wiki/compose.yaml": WIKI,
    "host/shop/compose.yaml": SHOP,
    // an existing configuration keeps its layout and its other keys
    "host/wiki/composemod.config.json": '{\n    "modernize": false\n}\n',
  });
  const host = path.join(root, "host");
  const read = (name: string) => readFileSync(path.join(host, name), "utf8");
  let session: ReturnType<typeof reviewOnTerminal>;

  beforeAll(() => {
    session = reviewOnTerminal(host, STEPS);
  });

  test("shows each project's roles and reasons and its diff, in colour, within the terminal's width", () => {
    expect(session.status).toBe(0);
    const plain = session.out.replace(/\u001b\[[0-9;]*m/g, "");
    expect(plain).toMatch(/── blog \(1\/3\) blog\/compose\.yaml/);
    expect(plain).toMatch(/ {2}web {2}app {7}routed by the proxy: VIRTUAL_HOST/);
    expect(plain).toMatch(/ {2}db {3}database {2}data store image mysql:8/);
    expect(session.out).toContain('\u001b[32m+    #   - "3306:3306"');
    for (const line of plain.split(/\r?\n/)) expect([...line].length).toBeLessThanOrEqual(90);
  });

  test("a role changed shows the new plan: the reason, and a diff without the proxy network", () => {
    const plain = session.out.replace(/\u001b\[[0-9;]*m/g, "").replace(/\r/g, "");
    const [before, after] = plain.split("role of app? a app, d database, b backend, i ignore > b");
    expect(before).toMatch(/wiki\/compose\.yaml[\s\S]*\+ {6}- default/);
    expect(after).toMatch(/ {2}app {2}backend {3}set in composemod\.config\.json \(backend\)/);
    const newDiff = after.slice(0, after.indexOf("wiki: accept?"));
    expect(newDiff).toContain("+++ b/wiki/compose.yaml");
    expect(newDiff).not.toContain("+      - default");
  });

  test("writes the accepted projects, leaves the skipped one, and says what it remembered where", () => {
    expect(read("blog/compose.yaml")).toContain('#   - "3306:3306"');
    expect(read("wiki/compose.yaml")).toContain('#   - "5432:5432"');
    expect(read("shop/compose.yaml")).toBe(SHOP);
    expect(read("wiki/composemod.config.json")).toBe(
      '{\n    "modernize": false,\n    "backend": [\n        "app"\n    ]\n}\n',
    );
    expect(JSON.parse(read("shop/composemod.config.json"))).toEqual({ skip: true });
    const plain = session.out.replace(/\u001b\[[0-9;]*m/g, "");
    expect(plain).toMatch(/written: blog\/compose\.yaml\r?\n {2}written: wiki\/compose\.yaml/);
    expect(plain).toContain("skipped: shop");
    expect(plain).toContain("remembered in shop/composemod.config.json (new): skip: true");
    expect(plain).toContain("remembered in wiki/composemod.config.json: backend: app");
    expect(plain).toContain("2 files written, 1 skipped, 2 configurations updated");
  });

  test("a plain composemod --check agrees, with no flag: nothing to do, shop left alone saying why", async () => {
    const io = captureIO(host);
    expect(await run(["--check", "."], io)).toBe(0);
    expect(io.err()).toContain(
      "shop/compose.yaml: skipped by review, in shop/composemod.config.json; remove `skip` there to have composemod rewrite it",
    );
    expect(io.err()).toMatch(/0 to change, 2 unchanged, 1 skipped, 0 errors/);
    const audit = captureIO(host);
    await run(["audit", "--json", "."], audit);
    expect(audit.out()).toContain("skipped by review, in shop/composemod.config.json");
  });

  test("a second review shows the remembered decisions; a skipped project accepted loses its skip, keeps its ports' treatment", () => {
    const again = reviewOnTerminal(host, [
      ["blog: accept\\?", "y"],
      ["shop: accept\\?", "p"],
      ["ports \\(now auto\\)\\?", "c"],
      ["shop: accept\\?", "y"],
      ["wiki: accept\\?", "q"],
    ]);
    const plain = again.out.replace(/\u001b\[[0-9;]*m/g, "");
    expect(again.status).toBe(0);
    expect(plain).toContain("blog/compose.yaml: unchanged");
    expect(plain).toContain("skipped until now (`skip` in shop/composemod.config.json)");
    const [, afterPorts] = plain.split("a auto, c comment, k keep, r rebind > c");
    expect(afterPorts).toContain('+    #   - "8000:8000"');
    expect(plain).toContain("not reviewed: wiki");
    expect(read("shop/compose.yaml")).toContain('#   - "8000:8000"');
    expect(JSON.parse(read("shop/composemod.config.json"))).toEqual({ ports: "comment" });
    expect(plain).toContain(
      "remembered in shop/composemod.config.json: ports: comment; skip removed",
    );
  });
});

describe("composemod review interrupted", () => {
  const root = tempTree({ "host/blog/compose.yaml": BLOG, "host/wiki/compose.yaml": WIKI });
  const host = path.join(root, "host");

  test("Ctrl-C writes nothing and remembers nothing, even what was accepted (exit 130)", () => {
    const session = reviewOnTerminal(host, [
      ["blog: accept\\?", "Y"],
      ["wiki: accept\\?", "\u0003"],
    ]);
    expect(session.status).toBe(130);
    expect(session.out).toContain("review interrupted: nothing written, nothing remembered");
    expect(readFileSync(path.join(host, "blog/compose.yaml"), "utf8")).toBe(BLOG);
    expect(existsSync(path.join(host, "blog/composemod.config.json"))).toBe(false);
  });
});

describe("composemod review without a terminal", () => {
  const dir = tempTree({ "blog/compose.yaml": BLOG });

  test("is a clear error, at once, exit 2, nothing read or written", () => {
    const result = spawnSync(process.execPath, [CLI, "review", "."], {
      cwd: dir,
      input: "y\ny\n",
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "error: composemod review asks about each project, one key at a time, and standard input is not a terminal; run it in one (to rewrite without asking: composemod --write)\n",
    );
    expect(readFileSync(path.join(dir, "blog/compose.yaml"), "utf8")).toBe(BLOG);
  });

  test("help lists its own options only", async () => {
    const io = captureIO(dir);
    expect(await run(["review", "--help"], io)).toBe(0);
    const flags = io
      .out()
      .match(/^ {2}(-\w, )?--[\w-]+/gm)!
      .map((f) => f.trim());
    expect(flags.sort()).toEqual(["--ignore", "--no-color", "-h, --help"].sort());
  });
});

describe("decisions kept in a project's configuration", () => {
  const decided = (roles: [string, ExplicitRole][], skip = false) => ({
    roles: new Map(roles),
    skip,
  });

  test("a new file starts with the settings the project had from further up", () => {
    const root = tempTree({
      "composemod.config.json": JSON.stringify({ proxyNetwork: "web", app: ["blog/db"] }),
      "blog/compose.yaml": BLOG,
    });
    const dir = path.join(root, "blog");
    const saved = rememberDecisions(dir, "blog", loadConfig(dir), decided([["db", "database"]]));
    expect(saved).toEqual({
      path: path.join(dir, "composemod.config.json"),
      created: true,
      keys: ["app removed", "database: db"],
    });
    // the service leaves every other list, by its name or with its project's
    expect(loadConfig(dir)).toEqual({
      config: { proxyNetwork: "web", database: ["db"] },
      path: path.join(dir, "composemod.config.json"),
    });
  });

  test("a package.json's composemod key is edited in place, its layout and other keys kept", () => {
    const pkg = '{\n\t"name": "blog",\n\t"composemod": {\n\t\t"ports": "keep"\n\t}\n}\n';
    const root = tempTree({ "blog/package.json": pkg, "blog/compose.yaml": BLOG });
    const dir = path.join(root, "blog");
    const saved = rememberDecisions(dir, "blog", loadConfig(dir), decided([["web", "app"]], true));
    expect(saved).toMatchObject({ created: false, keys: ["app: web", "skip: true"] });
    expect(readFileSync(path.join(dir, "package.json"), "utf8")).toBe(
      '{\n\t"name": "blog",\n\t"composemod": {\n\t\t"ports": "keep",\n\t\t"app": [\n\t\t\t"web"\n\t\t],\n\t\t"skip": true\n\t}\n}\n',
    );
  });

  test("nothing decided: no file made", () => {
    const root = tempTree({ "blog/compose.yaml": BLOG });
    const dir = path.join(root, "blog");
    expect(rememberDecisions(dir, "blog", loadConfig(dir), decided([]))).toMatchObject({
      keys: [],
    });
    expect(existsSync(path.join(dir, "composemod.config.json"))).toBe(false);
  });
});
