import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { run } from "../src/cli/program";
import { discover } from "../src/batch/discover";
import { mayFixNames } from "../src/batch/scan-host";
import { ChangedOnDiskError, writeFileAtomic } from "../src/batch/write-files";
import { WIKI_BEHIND_PROXY } from "./helpers/fixtures";
import { captureIO, tempTree } from "./helpers/tmp";

const STACK = WIKI_BEHIND_PROXY;

const rel = (dir: string, files: string[]) => files.map((f) => path.relative(dir, f));

describe("discovery", () => {
  test("compose file names, overrides and *.compose.yml; not .git, node_modules or other YAML", async () => {
    const dir = tempTree({
      "a/compose.yaml": STACK,
      "a/compose.override.yaml": STACK,
      "b/docker-compose.yml": STACK,
      "b/docker-compose.prod.yml": STACK,
      "c/web.compose.yml": STACK,
      "c/values.yml": STACK,
      ".git/compose.yaml": STACK,
      "d/node_modules/x/compose.yaml": STACK,
    });
    const { files } = await discover([dir]);
    expect(rel(dir, files)).toEqual([
      "a/compose.override.yaml",
      "a/compose.yaml",
      "b/docker-compose.prod.yml",
      "b/docker-compose.yml",
      "c/web.compose.yml",
    ]);
  });

  test("--ignore patterns and .composemodignore files, in gitignore syntax", async () => {
    const dir = tempTree({
      "keep/compose.yaml": STACK,
      "old/compose.yaml": STACK,
      "nested/.composemodignore": "legacy/\n!legacy/keep/\n",
      "nested/legacy/compose.yaml": STACK,
      "nested/current/compose.yaml": STACK,
    });
    const { files } = await discover([dir], { ignore: ["old/"] });
    expect(rel(dir, files)).toEqual(["keep/compose.yaml", "nested/current/compose.yaml"]);
  });

  test("a symbolic link loop ends; a linked directory is walked once", async () => {
    const dir = tempTree({ "stacks/wiki/compose.yaml": STACK });
    symlinkSync(path.join(dir, "stacks"), path.join(dir, "stacks", "wiki", "loop"));
    symlinkSync(path.join(dir, "stacks"), path.join(dir, "alias"));
    const { files } = await discover([dir]);
    expect(files).toHaveLength(1);
  });
});

describe("writes", () => {
  test("a symlinked compose file named is edited through its target and stays a link", async () => {
    const dir = tempTree({ "real/compose.yaml": STACK });
    mkdirSync(path.join(dir, "stack"));
    symlinkSync("../real/compose.yaml", path.join(dir, "stack", "compose.yaml"));
    expect(await run(["--write", "-q", "stack/compose.yaml"], captureIO(dir))).toBe(0);
    expect(lstatSync(path.join(dir, "stack", "compose.yaml")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(dir, "stack", "compose.yaml"))).toBe("../real/compose.yaml");
    expect(readFileSync(path.join(dir, "real", "compose.yaml"), "utf8")).toContain("- internal");
  });

  test("--backup keeps the original beside the file", async () => {
    const dir = tempTree({ "compose.yaml": STACK, "other/compose.yaml": STACK });
    await run(["--write", "-q", "--backup", "compose.yaml"], captureIO(dir));
    expect(readFileSync(path.join(dir, "compose.yaml.bak"), "utf8")).toBe(STACK);
    await run(["--write", "-q", "--backup=.orig", "other"], captureIO(dir));
    expect(readFileSync(path.join(dir, "other", "compose.yaml.orig"), "utf8")).toBe(STACK);
  });

  test("--backup without --write is refused before anything is read", async () => {
    const io = captureIO(tempTree({}));
    expect(await run(["--backup", "x"], io)).toBe(2);
    expect(io.err()).toContain("--backup goes with --write");
  });

  test("a file that changed since it was read is left alone", () => {
    const dir = tempTree({ "compose.yaml": "services: {}\n" });
    const file = path.join(dir, "compose.yaml");
    expect(() => writeFileAtomic(file, "new", "what was read")).toThrow(ChangedOnDiskError);
    expect(readFileSync(file, "utf8")).toBe("services: {}\n");
  });
});

describe("configuration", () => {
  test("composemod.config.json upward from the working directory; flags win", async () => {
    const dir = tempTree({
      "composemod.config.json": JSON.stringify({
        internalNetwork: "backend_net",
        ignore: ["skip/"],
      }),
      "host/wiki/compose.yaml": STACK,
      "host/skip/compose.yaml": STACK,
    });
    const io = captureIO(path.join(dir, "host"));
    await run(["--json", "."], io);
    const report = JSON.parse(io.out());
    expect(report.files.map((f: { path: string }) => f.path)).toEqual(["wiki/compose.yaml"]);
    expect(report.files[0].diff).toContain("+      - backend_net");
    const flagged = captureIO(path.join(dir, "host"));
    await run(["--json", "--internal-network", "priv", "wiki"], flagged);
    expect(JSON.parse(flagged.out()).files[0].diff).toContain("+      - priv");
  });

  test("a composemod key in package.json; a bad key is an error before any file is read", async () => {
    const dir = tempTree({
      "package.json": JSON.stringify({ name: "host", composemod: { ignoreService: ["db"] } }),
      "wiki/compose.yaml": STACK,
    });
    const io = captureIO(dir);
    await run(["--json", "wiki"], io);
    expect(JSON.parse(io.out()).files[0].services.db.role).toBe("ignore");
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ composemod: { proxy: "x" } }));
    const bad = captureIO(dir);
    expect(await run(["wiki"], bad)).toBe(2);
    expect(bad.err()).toMatch(
      /package.json:1:16: unknown key `proxy` \(the keys are ignore, proxyNetwork, /,
    );
  });
});

describe("parallel runs", () => {
  test("--jobs 2 gives the same output, in the same order, as --jobs 1", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 80; i++) {
      files[`p${String(i).padStart(2, "0")}/compose.yaml`] = i % 7 === 0 ? "services: [" : STACK;
    }
    const dir = tempTree(files);
    const cli = path.resolve(__dirname, "..", "dist", "cli.js");
    const runWith = (jobs: string) => {
      try {
        return execFileSync("node", [cli, "--jobs", jobs, "--json", "."], {
          cwd: dir,
          encoding: "utf8",
        });
      } catch (error) {
        return (error as { stdout: string }).stdout;
      }
    };
    const one = JSON.parse(runWith("1"));
    const two = JSON.parse(runWith("2"));
    const strip = (r: { files: unknown[] }) => r.files;
    expect(strip(two)).toEqual(strip(one));
    expect(one.summary).toMatchObject({ files: 80, changed: 68, error: 12 });
  });

  test("--jobs 4 over 3,000 files named on the command line: the workers get their options over IPC", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++)
      files[`stack-${String(i).padStart(4, "0")}/compose.yaml`] = STACK;
    const dir = tempTree(files);
    const cli = path.resolve(__dirname, "..", "dist", "cli.js");
    const names = Object.keys(files);
    const result = spawnSync(
      process.execPath,
      [cli, "--jobs", "4", "-q", "--check", "--json", ...names],
      {
        cwd: dir,
        encoding: "utf8",
        maxBuffer: 1 << 28,
      },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { files: { path: string }[]; summary: object };
    expect(report.summary).toMatchObject({ files: 3000, changed: 3000, error: 0 });
    expect(report.files.map((f) => f.path)).toEqual(names);
  });
});

describe("permissions", () => {
  // as root every file is writable: the user who is refused is played by nobody
  const asNobody = process.getuid?.() === 0 && existsSync("/usr/sbin/runuser");
  const runAs = (dir: string, args: string[]) => {
    // the CLI and its dependencies where nobody may read them, wherever the clone is
    const repo = path.resolve(__dirname, "..");
    const cli = path.join(dir, "cli.js");
    copyFileSync(path.join(repo, "dist", "cli.js"), cli);
    const { dependencies } = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8"));
    for (const name of Object.keys(dependencies)) {
      cpSync(path.join(repo, "node_modules", name), path.join(dir, "node_modules", name), {
        recursive: true,
      });
    }
    chmodSync(dir, 0o777);
    const command = asNobody ? "/usr/sbin/runuser" : process.execPath;
    const argv = asNobody ? ["-u", "nobody", "--", process.execPath, cli, ...args] : [cli, ...args];
    return spawnSync(command, argv, { cwd: dir, encoding: "utf8" });
  };

  test("a read-only file is an error of its own; the run goes on", () => {
    const dir = tempTree({ "a/compose.yaml": STACK, "b/compose.yaml": STACK });
    chmodSync(path.join(dir, "a"), 0o777);
    chmodSync(path.join(dir, "b"), 0o777);
    chmodSync(path.join(dir, "a/compose.yaml"), 0o444);
    chmodSync(path.join(dir, "b/compose.yaml"), 0o666);
    const result = runAs(dir, ["--write", "a", "b"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      "a/compose.yaml: cannot write the file (EACCES); left as it is",
    );
    expect(readFileSync(path.join(dir, "a/compose.yaml"), "utf8")).toBe(STACK);
    expect(readFileSync(path.join(dir, "b/compose.yaml"), "utf8")).not.toBe(STACK);
  });

  (asNobody ? test : test.skip)(
    "a directory the user may not read, and an ignore file they may not read, are errors; the run goes on",
    () => {
      const dir = tempTree({
        "locked/compose.yaml": STACK,
        "hidden/.composemodignore": "*.yml\n",
        "hidden/compose.yaml": STACK,
        "open/compose.yaml": STACK,
      });
      chmodSync(path.join(dir, "locked"), 0o700);
      chmodSync(path.join(dir, "hidden/.composemodignore"), 0o600);
      const result = runAs(dir, ["--json", "."]);
      expect(result.status).toBe(2);
      const report = JSON.parse(result.stdout) as {
        files: { path: string; status: string; reason: string }[];
      };
      // what could not be read comes first, in the order of the walk
      expect(report.files.map((f) => [f.path, f.status])).toEqual([
        ["hidden/.composemodignore", "error"],
        ["locked", "error"],
        ["open/compose.yaml", "changed"],
      ]);
      expect(report.files[1].reason).toMatch(/permission denied$/);
      expect(report.files[0].reason).toMatch(
        /cannot read this ignore file \(EACCES\); nothing under its directory is taken$/,
      );
    },
  );

  test("a directory the user may not write to is an error, not a crash", () => {
    const dir = tempTree({ "wiki/compose.yaml": STACK });
    chmodSync(path.join(dir, "wiki"), 0o555);
    const result = runAs(dir, ["--write", "wiki"]);
    chmodSync(path.join(dir, "wiki"), 0o755);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      "wiki/compose.yaml: cannot write the file (EACCES); left as it is",
    );
    expect(readFileSync(path.join(dir, "wiki/compose.yaml"), "utf8")).toBe(STACK);
  });
});

test("a progress line on a terminal, cleared before the summary; none with --quiet", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 5; i++) files[`p${i}/compose.yaml`] = STACK;
  const dir = tempTree(files);
  let clock = 0;
  const io = { ...captureIO(dir), stderrIsTTY: true, now: () => (clock += 150) };
  await run(["--check", "."], io);
  expect(io.err()).toMatch(/\r\u001b\[Kcomposemod: \d\/5 p\d\/compose.yaml/);
  // the line is cleared before anything else is printed, and before the summary
  expect(io.err()).toMatch(/\r\u001b\[Kwould change: p1\/compose.yaml/);
  expect(io.err()).toMatch(/\r\u001b\[K5 to change, 0 unchanged, 0 skipped, 0 errors in /);
  const quiet = { ...captureIO(dir), stderrIsTTY: true, now: () => (clock += 150) };
  await run(["--check", "--quiet", "."], quiet);
  expect(quiet.err()).toBe("");
});

describe("discovery details", () => {
  test("one real file reached by two paths is processed once", async () => {
    const dir = tempTree({ "real/p1/compose.yaml": STACK });
    mkdirSync(path.join(dir, "tree"));
    symlinkSync(path.join(dir, "real"), path.join(dir, "tree", "r1"));
    const { files } = await discover([path.join(dir, "real"), path.join(dir, "tree")]);
    expect(files).toHaveLength(1);
  });

  test("a deeper .composemodignore can take back what a higher one left out", async () => {
    const dir = tempTree({
      ".composemodignore": "*.compose.yml\n",
      "p/.composemodignore": "!r.compose.yml\n",
      "p/r.compose.yml": STACK,
      "p/s.compose.yml": STACK,
    });
    const { files } = await discover([dir]);
    expect(rel(dir, files)).toEqual(["p/r.compose.yml"]);
  });

  test("a path that is not a regular file (a fifo) is an error", async () => {
    const dir = tempTree({});
    const fifo = path.join(dir, "pipe.yml");
    execFileSync("mkfifo", [fifo]);
    const io = captureIO(dir);
    expect(await run(["pipe.yml"], io)).toBe(2);
    expect(io.err()).toContain("pipe.yml: not a regular file");
  });

  test("--backup= without a suffix and a bad network name in the configuration are refused", async () => {
    const dir = tempTree({ "composemod.config.json": JSON.stringify({ internalNetwork: "a: b" }) });
    const io = captureIO(dir);
    expect(await run(["--write", "--backup=", "."], io)).toBe(2);
    expect(io.err()).toContain("--backup= needs a suffix");
    const bad = captureIO(dir);
    expect(await run(["."], bad)).toBe(2);
    expect(bad.err()).toContain("`internalNetwork` must be a network name");
  });
});

test.each([
  ["a fixed name in block style", "networks:\n  shared:\n    name: common_net\n", true],
  ["a fixed name in a flow entry", "networks:\n  shared: {name: common_net}\n", true],
  ["the legacy external form", "networks:\n  default:\n    external:\n      name: proxy\n", false],
  [
    "an external network with a name",
    "networks:\n  web:\n    external: true\n    name: proxy\n",
    false,
  ],
  ["a flow-style networks block", "networks: {shared: {name: x}}\n", true],
  ["no name at all", "networks:\n  internal:\n    driver: bridge\n", false],
  ["no networks block", "services:\n  a:\n    container_name: x\n", false],
] as [string, string, boolean][])(
  "which files the host scan reads for networks with a fixed name: %s",
  (_what, text, reads) => {
    expect(mayFixNames(`services:\n  a:\n    image: x\n${text}`)).toBe(reads);
  },
);
