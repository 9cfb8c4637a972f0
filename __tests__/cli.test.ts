import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { run } from "../src/cli/program";
import { WIKI_WITH_PORT } from "./helpers/fixtures";
import { captureIO, tempTree } from "./helpers/tmp";

const STACK = WIKI_WITH_PORT;

const BROKEN = `services:
  app:
    image: x
  app:
    image: y
`;

describe("run() in-process", () => {
  test("dry run prints a diff, changes nothing, exits 0", async () => {
    const dir = tempTree({ "wiki/compose.yaml": STACK });
    const io = captureIO(dir);
    expect(await run(["wiki"], io)).toBe(0);
    expect(io.out()).toMatch(/^--- a\/wiki\/compose.yaml\n\+\+\+ b\/wiki\/compose.yaml\n@@ /);
    expect(io.out()).toContain("+    # ports:\n");
    expect(readFileSync(path.join(dir, "wiki/compose.yaml"), "utf8")).toBe(STACK);
    expect(io.err()).toMatch(/1 to change, 0 unchanged, 0 skipped, 0 errors in \d+\.\d\d s/);
    expect(io.out()).not.toContain("\u001b[");
  });

  test("--check exits 1 when a file would change, 0 once written", async () => {
    const dir = tempTree({ "compose.yaml": STACK });
    const file = path.join(dir, "compose.yaml");
    chmodSync(file, 0o640);
    expect(await run(["--check", "compose.yaml"], captureIO(dir))).toBe(1);
    expect(await run(["--write", "compose.yaml"], captureIO(dir))).toBe(0);
    expect(readFileSync(file, "utf8")).not.toBe(STACK);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(await run(["--check", "compose.yaml"], captureIO(dir))).toBe(0);
  });

  test("--json prints the report of DESIGN.md", async () => {
    const dir = tempTree({ "wiki/compose.yaml": STACK, "other/compose.yaml": "services: {}\n" });
    const io = captureIO(dir);
    expect(await run(["--json", "."], io)).toBe(0);
    const report = JSON.parse(io.out());
    expect(report.summary).toMatchObject({ files: 2, changed: 1, unchanged: 1 });
    const wiki = report.files.find((f: { path: string }) => f.path === "wiki/compose.yaml");
    expect(wiki).toMatchObject({
      project: "wiki",
      status: "changed",
      services: { app: { role: "app" }, db: { role: "database" } },
    });
    expect(wiki.diff).toContain("+      - internal");
    expect(Object.keys(wiki).sort()).toEqual(
      ["diff", "path", "project", "reason", "reasonCode", "services", "status", "warnings"].sort(),
    );
  });

  test("bad input: error with file:line:col and a code frame, untouched, batch goes on, exit 2", async () => {
    const dir = tempTree({ "a/compose.yaml": BROKEN, "b/compose.yaml": STACK });
    const io = captureIO(dir);
    expect(await run(["--write", "a", "b"], io)).toBe(2);
    expect(readFileSync(path.join(dir, "a/compose.yaml"), "utf8")).toBe(BROKEN);
    expect(readFileSync(path.join(dir, "b/compose.yaml"), "utf8")).not.toBe(STACK);
    expect(io.err()).toContain("a/compose.yaml:4:3: Map keys must be unique [duplicate-key]");
    expect(io.err()).toContain("> 4 |   app:");
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  test("--json carries the error's position", async () => {
    const dir = tempTree({ "compose.yaml": "services:\n  app:\n\timage: x\n" });
    const io = captureIO(dir);
    expect(await run(["--json", "compose.yaml"], io)).toBe(2);
    const [file] = JSON.parse(io.out()).files;
    expect(file.status).toBe("error");
    expect(file.error).toMatchObject({ code: "tab-indent", line: 3, col: 1 });
    expect(file.reason).toMatch(/^compose.yaml:3:1: /);
  });

  test("a missing path is an error, exit 2", async () => {
    const io = captureIO(tempTree({}));
    expect(await run(["nope.yml"], io)).toBe(2);
    expect(io.err()).toContain("nope.yml: no such file or directory [read-error]");
    expect(io.err()).not.toContain("nope.yml:1:1");
  });

  test("no path at all is a usage error that says where help is, standard input or not", async () => {
    for (const [argv, help] of [
      [[], "composemod --help"],
      [["audit"], "composemod audit --help"],
      [["graph"], "composemod graph --help"],
    ] as const) {
      const io = captureIO(tempTree({}), WIKI_WITH_PORT);
      expect(await run([...argv], io)).toBe(2);
      expect(io.out()).toBe("");
      expect(io.err()).toMatch(new RegExp(`^error: .*\n(Try '${help}' for more information\.\n)$`));
    }
  });

  test("flag mistakes are reported before any file is read", async () => {
    const io = captureIO(tempTree({}));
    expect(await run(["--write", "--check", "x"], io)).toBe(2);
    expect(io.err()).toContain("--write and --check cannot be used together");
    expect(await run(["--ports", "sometimes", "x"], io)).toBe(2);
    expect(io.err()).toContain("Allowed choices are auto, comment, keep");
    expect(await run(["--internal-network", "bad name", "x"], io)).toBe(2);
  });

  test("colour only on a terminal, and never with NO_COLOR or --no-color", async () => {
    const dir = tempTree({ "compose.yaml": STACK });
    const tty = captureIO(dir);
    await run(["compose.yaml"], tty, true, {});
    expect(tty.out()).toContain("\u001b[32m+");
    const noColor = captureIO(dir);
    await run(["compose.yaml"], noColor, true, { NO_COLOR: "1" });
    expect(noColor.out()).not.toContain("\u001b[");
    const flag = captureIO(dir);
    await run(["--no-color", "compose.yaml"], flag, true, {});
    expect(flag.out()).not.toContain("\u001b[");
  });

  test("--explain gives each service's role and reason", async () => {
    const dir = tempTree({ "compose.yaml": STACK });
    const io = captureIO(dir);
    await run(["--explain", "compose.yaml"], io);
    expect(io.out()).toMatch(
      /  app +app +routed by the proxy: VIRTUAL_HOST environment \(nginx-proxy\) \[routed\] +default \(proxy\) -> internal, default \(proxy\) +commented out: 8080:80 +-\n/,
    );
    expect(io.out()).toMatch(
      /  db +database +data store image postgres:16 \[database\] +default \(proxy\) -> internal +- +-\n/,
    );
  });

  test("--explain says which ports are commented out, which are rebound to loopback, which are kept", async () => {
    const dir = tempTree({
      "compose.yaml": `services:
  homeassistant:
    image: ghcr.io/home-assistant/home-assistant:stable
    network_mode: host
  influxdb:
    image: influxdb:2.7
    ports:
      - "8086:8086"
  postgres:
    image: postgres:16
    ports:
      - "5432:5432"
      - "127.0.0.1:5433:5432"
`,
    });
    const auto = captureIO(dir);
    await run(["--explain", "compose.yaml"], auto);
    expect(auto.out()).toMatch(/  influxdb +database .* rebound to 127\.0\.0\.1: 8086:8086 +-\n/);
    const rebind = captureIO(dir);
    await run(["--explain", "--ports", "rebind", "compose.yaml"], rebind);
    expect(rebind.out()).toMatch(
      /  postgres +database .* rebound to 127\.0\.0\.1: 5432:5432; kept: 127\.0\.0\.1:5433:5432 +-\n/,
    );
  });

  test("--app / --database / --ignore-service override roles", async () => {
    const dir = tempTree({ "blog/compose.yaml": STACK });
    const io = captureIO(dir);
    await run(["--json", "--ignore-service", "blog/db", "blog"], io);
    const [file] = JSON.parse(io.out()).files;
    expect(file.services.db.role).toBe("ignore");
  });
});

describe("the built binary", () => {
  const cli = path.resolve(__dirname, "..", "dist", "cli.js");
  const examples = path.resolve(__dirname, "..", "examples");

  test("its dry-run diff applies with patch -p1 and git apply, to the bytes --write gives", () => {
    const work = mkdtempSync(path.join(tmpdir(), "composemod-patch-"));
    for (const copy of ["patched", "written", "git"])
      cpSync(examples, path.join(work, copy, "examples"), { recursive: true });
    const diff = execFileSync("node", [cli, "examples"], { cwd: path.join(work, "patched") });
    expect(diff.length).toBeGreaterThan(0);
    execFileSync("patch", ["-p1", "-s", "--binary"], {
      cwd: path.join(work, "patched"),
      input: diff,
    });
    execFileSync("git", ["init", "-q"], { cwd: path.join(work, "git") });
    execFileSync("git", ["apply", "-"], { cwd: path.join(work, "git"), input: diff });
    spawnSync("node", [cli, "--write", "-q", "examples"], { cwd: path.join(work, "written") });
    const read = (copy: string, name: string) =>
      readFileSync(path.join(work, copy, "examples", name, "docker-compose.yml"), "utf8");
    for (const name of [
      "crlf-line-endings",
      "no-final-newline",
      "comments-everywhere",
      "article-2-behind-proxy",
    ]) {
      expect(read("patched", name)).toBe(read("written", name));
      expect(read("git", name)).toBe(read("written", name));
    }
  });

  test("bad input reaches the user as a message with no stack trace, exit 2", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "composemod-bad-"));
    writeFileSync(path.join(dir, "compose.yaml"), "services:\n  a: [1, 2\n");
    const result = spawnSync("node", [cli, "compose.yaml"], { cwd: dir, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^compose.yaml:\d+:\d+: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test("--help lists every option", () => {
    const help = execFileSync("node", [cli, "--help"], { encoding: "utf8" });
    for (const flag of [
      "--write",
      "--check",
      "--json",
      "--explain",
      "--proxy-network",
      "--internal-network",
      "--ports",
      "--app",
      "--database",
      "--backend",
      "--ignore-service",
      "--ignore",
      "--jobs",
      "--backup",
      "--driver",
      "--no-egress",
      "--no-color",
      "--quiet",
    ]) {
      expect(help).toContain(flag);
    }
  });
});

test("a role given to a service that no file has is warned about", async () => {
  const dir = tempTree({ "blog/compose.yaml": STACK });
  const io = captureIO(dir);
  await run(["--app", "blog/wordpres", "--database", "db", "blog"], io);
  expect(io.err()).toContain("warning: the role given to `blog/wordpres` matched no service");
  expect(io.err()).not.toContain("`db` matched no service");
});
