import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { run } from "../src/cli/program";
import { WIKI_BEHIND_PROXY, WIKI_WITH_PORT } from "./helpers/fixtures";
import { captureIO, tempTree } from "./helpers/tmp";

const cli = path.resolve(__dirname, "..", "dist", "cli.js");

/** Projects enough that the output outgrows a pipe's buffer many times over. */
function manyProjects(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`p${i}/compose.yaml`] = WIKI_WITH_PORT;
  return files;
}

describe("a reader that leaves early (| head -1)", () => {
  const dir = tempTree(manyProjects(300));
  const headOne = (args: string) =>
    spawnSync("bash", ["-c", `node ${cli} ${args} | head -1; exit "\${PIPESTATUS[0]}"`], {
      cwd: dir,
      encoding: "utf8",
    });

  test("the dry run stops quietly, with 141 as a program ended by SIGPIPE", () => {
    const result = headOne("-q .");
    expect(result.stdout).toBe("--- a/p0/compose.yaml\n");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(141);
  });

  test("audit ends quietly with 1: databases are reachable from other projects", () => {
    const result = headOne("audit .");
    expect(result.stdout).toMatch(/^p0\/compose\.yaml:\d+:\d+: (error|warning) [a-z-]+ [^\n]*\n$/);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(1);
  });

  test("a full disk under > file is an error, exit 2, with no stack trace", () => {
    const result = spawnSync("bash", ["-c", `node ${cli} -q . > /dev/full`], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("composemod: cannot write standard output (ENOSPC)\n");
    expect(result.status).toBe(2);
  });
});

describe("paths that lead to no compose file", () => {
  test("an empty directory, or one without compose files, is exit 2 (--check does not pass)", async () => {
    const dir = tempTree({ "other/notes.yml": "a: 1\n", "empty/.keep": "" });
    for (const args of [["empty"], ["--check", "other"], ["audit", "empty"], ["graph", "other"]]) {
      const io = captureIO(dir);
      expect(await run(args, io)).toBe(2);
      expect(io.err()).toMatch(/^error: no compose files found in (empty|other) /);
      expect(io.out()).toBe("");
    }
  });

  test("a path that does not exist is named without a position", async () => {
    const dir = tempTree({});
    const io = captureIO(dir);
    expect(await run(["nosuch"], io)).toBe(2);
    expect(io.err()).toContain("nosuch: no such file or directory [read-error]\n");
    const json = captureIO(dir);
    expect(await run(["--json", "nosuch"], json)).toBe(2);
    const [file] = JSON.parse(json.out()).files;
    expect(file.reason).toBe("nosuch: no such file or directory");
    expect(file.error).toEqual({ code: "read-error", message: "no such file or directory" });
    const audit = captureIO(dir);
    expect(await run(["audit", "--json", "nosuch"], audit)).toBe(2);
    expect(JSON.parse(audit.out()).errors).toEqual([
      { code: "read-error", message: "no such file or directory", path: "nosuch" },
    ]);
  });
});

test("a merge-conflict marker is named as such, at its line", async () => {
  const conflicted = WIKI_BEHIND_PROXY.replace(
    "  db:\n    image: postgres:16\n",
    "<<<<<<< HEAD\n  db:\n    image: postgres:16\n=======\n  db:\n    image: postgres:17\n>>>>>>> upgrade\n",
  );
  const dir = tempTree({ "compose.yaml": conflicted });
  const io = captureIO(dir);
  expect(await run(["--write", "compose.yaml"], io)).toBe(2);
  expect(io.err()).toContain(
    "compose.yaml:6:1: an unresolved merge conflict (a `<<<<<<<` line); resolve it, then run composemod again [merge-conflict]",
  );
  expect(io.err()).toContain("> 6 | <<<<<<< HEAD");
  expect(readFileSync(path.join(dir, "compose.yaml"), "utf8")).toBe(conflicted);
});

// what the README says: root may write any file, as with any editor; the file stays read-only
(process.getuid?.() === 0 ? test : test.skip)(
  "as root, a read-only file is written like any other and stays read-only",
  async () => {
    const dir = tempTree({ "compose.yaml": WIKI_WITH_PORT });
    const file = path.join(dir, "compose.yaml");
    chmodSync(file, 0o444);
    const io = captureIO(dir);
    expect(await run(["--write", "compose.yaml"], io)).toBe(0);
    expect(readFileSync(file, "utf8")).not.toBe(WIKI_WITH_PORT);
    expect(statSync(file).mode & 0o777).toBe(0o444);
  },
);

describe("flag clashes are refused before any file is read", () => {
  test.each([
    [["--json", "--explain", "nosuch"], "--explain and --json cannot be used together"],
    [["--format", "json", "--explain", "nosuch"], "--explain and --json cannot be used together"],
    [["--check", "-l", "nosuch"], "--check and --list-different cannot be used together"],
    [["-l", "--json", "nosuch"], "--list-different prints file names"],
    [["--json", "--format", "text", "nosuch"], "--format text and --json cannot be used together"],
    [["audit", "--json", "--sarif", "nosuch"], "--json and --sarif cannot be used together"],
    [["audit", "--format", "mermaid", "nosuch"], "Allowed choices are text, table, json, sarif"],
    [["graph", "--format", "sarif", "nosuch"], "Allowed choices are text, mermaid, dot, json"],
    [["--backup", "nosuch"], "--backup goes with --write"],
    [["--write", "--backup", "-"], "--backup has no file to keep with standard input"],
    [["-", "nosuch"], "- (standard input) cannot be used with other paths"],
    [["audit", "-"], "standard input (-) is for the rewrite"],
    [["--stdin-filepath", "x/compose.yaml", "nosuch"], "--stdin-filepath names standard input"],
    [[], "missing paths: compose files or directories to read (- for standard input)"],
  ])("%j", async (args, message) => {
    const io = captureIO(tempTree({}));
    expect(await run(args, io)).toBe(2);
    expect(io.err()).toContain(message);
    expect(io.err()).not.toContain("no such file");
  });
});

test("-q everywhere: only errors on standard error, the same exit status", async () => {
  const dir = tempTree({
    "blog/compose.yaml": WIKI_BEHIND_PROXY,
    "wiki/compose.yaml": WIKI_BEHIND_PROXY,
  });
  for (const command of [[], ["audit"], ["graph"]]) {
    const loud = captureIO(dir);
    const quiet = captureIO(dir);
    const status = await run([...command, "."], loud);
    expect(await run([...command, "-q", "."], quiet)).toBe(status);
    expect(quiet.err()).toBe("");
    expect(quiet.out()).toBe(loud.out());
  }
});
