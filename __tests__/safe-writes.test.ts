import { ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { OutsideError, writeFilesAtomic } from "../src/batch/write-files";
import { StopReason } from "../src/cli/io";
import { run } from "../src/cli/program";
import { WIKI_BEHIND_PROXY } from "./helpers/fixtures";
import { captureIO, tempTree } from "./helpers/tmp";

// Writes go only where the user pointed, never through a link left in the way, keep the mode,
// leave no temporary file behind, and a run stops cleanly when told to or when nobody reads.

const cli = path.resolve(__dirname, "..", "dist", "cli.js");
const asRoot = process.getuid?.() === 0;
const rootOnly = asRoot ? test : test.skip;

/** A wiki whose rewrite changes the file: the rewritten text holds the project's internal network. */
const STACK = WIKI_BEHIND_PROXY;
const rewritten = (file: string) => readFileSync(file, "utf8") !== STACK;

/** Every temporary file of a write under `dir`. */
function temps(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.name.includes(".composemod-")) found.push(path.join(entry.parentPath, entry.name));
  }
  return found;
}

describe("nothing outside the paths given is written", () => {
  test("an include through a symlinked directory leaves the file it leads to alone", async () => {
    const root = tempTree({
      "proj/compose.yml": "include:\n  - link/compose.yml\n",
      "outside/compose.yml": STACK,
    });
    symlinkSync("../outside", path.join(root, "proj", "link"));
    const io = captureIO(root);
    const status = await run(["--write", "--json", "proj/compose.yml"], io);
    expect(readFileSync(path.join(root, "outside", "compose.yml"), "utf8")).toBe(STACK);
    expect(status).toBe(0);
    const files = (JSON.parse(io.out()) as { files: { path: string; reason: string }[] }).files;
    expect(files.map((f) => f.path)).toEqual(["proj/compose.yml", "proj/link/compose.yml"]);
    expect(files[1].reason).toContain(
      "a change falls to proj/link/compose.yml, which is included from outside the project or the paths given (by its real path)",
    );
  });

  test("so does a run of one project whose host scan loads it first (the load the rewrite takes over)", async () => {
    // the base file names the shared network itself, so that the host scan reads the project
    const root = tempTree({
      "proj/compose.yml":
        "include:\n  - link/compose.yml\nnetworks:\n  proxy:\n    external: true\n",
      "outside/compose.yml": STACK,
    });
    symlinkSync("../outside", path.join(root, "proj", "link"));
    const io = captureIO(root);
    await run(["--write", "--json", "proj/compose.yml"], io);
    expect(readFileSync(path.join(root, "outside", "compose.yml"), "utf8")).toBe(STACK);
    const files = (JSON.parse(io.out()) as { files: { path: string; reason: string }[] }).files;
    expect(files[1].reason).toContain("included from outside the project or the paths given");
  });

  test("a directory walk leaves out links that lead outside it, and says so", async () => {
    const root = tempTree({
      "tree/own/compose.yaml": STACK,
      "elsewhere/q/compose.yaml": STACK,
      "elsewhere2/compose.yaml": STACK,
    });
    symlinkSync("../elsewhere", path.join(root, "tree", "linked"));
    mkdirSync(path.join(root, "tree", "p"));
    symlinkSync("../../elsewhere2/compose.yaml", path.join(root, "tree", "p", "compose.yaml"));
    // a link that stays inside the tree is followed as before (and its file taken once)
    symlinkSync("own", path.join(root, "tree", "alias"));
    const io = captureIO(root);
    expect(await run(["--write", "tree"], io)).toBe(0);
    expect(rewritten(path.join(root, "tree", "own", "compose.yaml"))).toBe(true);
    expect(readFileSync(path.join(root, "elsewhere", "q", "compose.yaml"), "utf8")).toBe(STACK);
    expect(readFileSync(path.join(root, "elsewhere2", "compose.yaml"), "utf8")).toBe(STACK);
    const real = (p: string) => path.join(root, p);
    expect(io.err()).toContain(
      `warning: tree/linked is a symbolic link to ${real("elsewhere")}, outside the paths given; left out (name it, or use --follow-symlinks)\n`,
    );
    expect(io.err()).toContain(
      `warning: tree/p/compose.yaml is a symbolic link to ${real("elsewhere2/compose.yaml")}, outside the paths given;`,
    );
    expect(io.err()).toContain("1 changed, 0 unchanged");

    // the audit walks the same way, and says the same
    const audit = captureIO(root);
    await run(["audit", "tree"], audit);
    expect(audit.err()).toContain(
      `tree/linked is a symbolic link to ${real("elsewhere")}, outside the paths given; left out`,
    );

    // naming the link is asking for its file; --follow-symlinks asks for all of them
    expect(await run(["--write", "-q", "tree/p/compose.yaml"], captureIO(root))).toBe(0);
    expect(rewritten(real("elsewhere2/compose.yaml"))).toBe(true);
    expect(lstatSync(real("tree/p/compose.yaml")).isSymbolicLink()).toBe(true);
    expect(await run(["--write", "-q", "--follow-symlinks", "tree"], captureIO(root))).toBe(0);
    expect(rewritten(real("elsewhere/q/compose.yaml"))).toBe(true);
  });

  test("the write itself refuses a file whose real path lies outside the paths given", () => {
    const root = tempTree({ "inside/x": "", "outside/compose.yaml": STACK });
    symlinkSync("../outside/compose.yaml", path.join(root, "inside", "compose.yaml"));
    const write = {
      path: path.join(root, "inside", "compose.yaml"),
      content: "new",
      expected: STACK,
    };
    expect(() => writeFilesAtomic([write], undefined, [path.join(root, "inside")])).toThrow(
      OutsideError,
    );
    expect(readFileSync(path.join(root, "outside", "compose.yaml"), "utf8")).toBe(STACK);
    expect(temps(root)).toEqual([]);
  });

  test("--backup replaces a link in the backup's place, and never writes through it", async () => {
    const root = tempTree({ "victim.txt": "not yours\n", "stack/compose.yaml": STACK });
    symlinkSync("../victim.txt", path.join(root, "stack", "compose.yaml.bak"));
    expect(await run(["--write", "-q", "--backup", "stack"], captureIO(root))).toBe(0);
    expect(readFileSync(path.join(root, "victim.txt"), "utf8")).toBe("not yours\n");
    const backup = path.join(root, "stack", "compose.yaml.bak");
    expect(lstatSync(backup).isFile()).toBe(true);
    expect(readFileSync(backup, "utf8")).toBe(STACK);
    expect(rewritten(path.join(root, "stack", "compose.yaml"))).toBe(true);
    expect(temps(root)).toEqual([]);
  });

  test("a backup that cannot be made leaves the file as it is, with the reason", async () => {
    const root = tempTree({ "stack/compose.yaml": STACK });
    mkdirSync(path.join(root, "stack", "compose.yaml.bak"));
    const io = captureIO(root);
    expect(await run(["--write", "--backup", "stack"], io)).toBe(2);
    expect(io.err()).toMatch(
      /cannot write the backup .*compose\.yaml\.bak \(EISDIR\); left as it is/,
    );
    expect(readFileSync(path.join(root, "stack", "compose.yaml"), "utf8")).toBe(STACK);
    expect(temps(root)).toEqual([]);
  });
});

describe("files", () => {
  rootOnly("--write as root keeps the setuid and setgid bits", async () => {
    const root = tempTree({ "compose.yaml": STACK });
    const file = path.join(root, "compose.yaml");
    chmodSync(file, 0o6755);
    expect(await run(["--write", "-q", "compose.yaml"], captureIO(root))).toBe(0);
    expect(rewritten(file)).toBe(true);
    expect((statSync(file).mode & 0o7777).toString(8)).toBe("6755");
  });

  test("a temporary file that a killed run left beside the file is removed by the next write", async () => {
    const root = tempTree({ "compose.yaml": STACK, "other.yaml": "" });
    // no process has this number (above the kernel's pid_max); the test runner's parent is alive
    const dead = path.join(root, ".compose.yaml.composemod-4194999-abc123.tmp");
    const alive = path.join(root, `.compose.yaml.composemod-${process.ppid}-def456.tmp`);
    const otherFile = path.join(root, ".other.yaml.composemod-4194999-abc123.tmp");
    for (const file of [dead, alive, otherFile]) writeFileSync(file, "");
    expect(await run(["--write", "-q", "compose.yaml"], captureIO(root))).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    // another file's leftovers are its own write's to remove
    expect(existsSync(otherFile)).toBe(true);
  });

  describe("on a full disk", () => {
    let mount: string | undefined;
    beforeAll(() => {
      if (!asRoot) return;
      const dir = mkdtempSync(path.join(tmpdir(), "composemod-full-"));
      const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]);
      if (mounted.status === 0) mount = dir;
      else rmSync(dir, { recursive: true });
    });
    afterAll(() => {
      if (!mount) return;
      spawnSync("umount", [mount]);
      rmSync(mount, { recursive: true });
    });

    rootOnly(
      "the write fails with ENOSPC, the file is as it was and no temporary file is left",
      async () => {
        if (!mount)
          return console.warn("no tmpfs could be mounted: the full-disk test did not run");
        mkdirSync(path.join(mount, "p"));
        const file = path.join(mount, "p", "compose.yaml");
        writeFileSync(file, STACK);
        // fill the file system to its last byte
        spawnSync("dd", ["if=/dev/zero", `of=${path.join(mount, "filler")}`, "bs=1k", "count=128"]);
        const io = captureIO(mount);
        expect(await run(["--write", "p"], io)).toBe(2);
        expect(io.err()).toContain("p/compose.yaml: cannot write the file (ENOSPC); left as it is");
        expect(readFileSync(file, "utf8")).toBe(STACK);
        expect(temps(mount)).toEqual([]);
      },
    );
  });

  const straceable = spawnSync("strace", ["-V"]).status === 0;
  (straceable ? test : test.skip)(
    "the new text is flushed to the disk before the rename, and the directory after it",
    () => {
      const root = tempTree({ "compose.yaml": STACK });
      const log = path.join(root, "trace.log");
      const traced = spawnSync(
        "strace",
        [
          "-f",
          "-o",
          log,
          "-e",
          "trace=openat,fsync,rename",
          process.execPath,
          cli,
          "-w",
          "-q",
          ".",
        ],
        { cwd: root, encoding: "utf8" },
      );
      expect(traced.status).toBe(0);
      const lines = readFileSync(log, "utf8").split("\n");
      const opened = lines.findIndex((l) =>
        /openat\(.*\.compose\.yaml\.composemod-.*O_EXCL/.test(l),
      );
      const fd = /= (\d+)$/.exec(lines[opened])![1];
      const renamed = lines.findIndex((l) =>
        /rename\(".*\.composemod-.*", ".*compose\.yaml"\)/.test(l),
      );
      expect(opened).toBeGreaterThan(-1);
      expect(renamed).toBeGreaterThan(opened);
      const between = lines.slice(opened, renamed);
      expect(between.some((l) => l.includes(`fsync(${fd})`))).toBe(true);
      const dirOpened = lines.findIndex(
        (l, i) => i > renamed && l.includes(`openat(AT_FDCWD, "${root}", O_RDONLY`),
      );
      expect(dirOpened).toBeGreaterThan(renamed);
      const dirFd = /= (\d+)$/.exec(lines[dirOpened])![1];
      expect(lines.slice(dirOpened).some((l) => l.includes(`fsync(${dirFd})`))).toBe(true);
    },
  );
});

/** `n` projects, each one that the rewrite changes. */
function projects(n: number): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`p${String(i).padStart(4, "0")}/compose.yaml`] = STACK;
  return tempTree(files);
}

describe("a run that is stopped", () => {
  test.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "%s: the run ends with %i and says which files were written and which not",
    async (signal, exit) => {
      const root = projects(2000);
      const child: ChildProcess = spawn(process.execPath, [cli, "--write", "."], { cwd: root });
      let err = "";
      let signalled = false;
      child.stderr!.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        if (!signalled && err.includes("changed: ")) {
          signalled = true;
          child.kill(signal);
        }
      });
      const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(status).toBe(exit);
      const head = new RegExp(
        `composemod: interrupted \\(${signal}\\): (\\d+) files? done, (\\d+) files? not reached\nwritten \\((\\d+) files?\\):\n`,
      ).exec(err);
      expect(head).not.toBeNull();
      const [done, unreached, written] = head!.slice(1).map(Number);
      expect(done + unreached).toBe(2000);
      expect(unreached).toBeGreaterThan(0);
      expect(err).toContain("not reached, left as they are:\n");
      // what it says is what the disk holds: each file whole, old or new
      const dirs = readdirSync(root).filter((d) => d.startsWith("p"));
      const changed = dirs.filter((d) => rewritten(path.join(root, d, "compose.yaml")));
      expect(changed.length).toBe(written);
      expect(err.match(/^changed: /gm)?.length).toBe(written);
      expect(temps(root)).toEqual([]);
    },
  );

  test("the progress line is erased before the interrupted run says what it did", async () => {
    const root = projects(5);
    let stop: ((why: StopReason) => void) | undefined;
    let clock = 0;
    const base = captureIO(root);
    const io = {
      ...base,
      stderrIsTTY: true,
      now: () => (clock += 150),
      onStop: (listener: (why: StopReason) => void) => {
        stop = listener;
        return () => (stop = undefined);
      },
      // Ctrl-C as the first file's diff is printed
      stdout: (text: string) => {
        base.stdout(text);
        stop?.("SIGINT");
      },
    };
    expect(await run(["."], io)).toBe(130);
    expect(base.out().match(/^--- a\//gm)).toHaveLength(1);
    expect(io.err()).toMatch(
      /\r\u001b\[Kcomposemod: interrupted \(SIGINT\): 1 file done, 4 files not reached\nnot reached, left as they are:\n {2}p0001\/compose.yaml\n/,
    );
  });

  test("a reader that leaves (| head -1) stops the work at once: exit 141, nothing said", () => {
    const root = projects(1500);
    const result = spawnSync(
      "bash",
      ["-c", `node ${cli} --write -l . | head -1; exit "\${PIPESTATUS[0]}"`],
      { cwd: root, encoding: "utf8" },
    );
    expect(result.stdout).toBe("p0000/compose.yaml\n");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(141);
    const dirs = readdirSync(root).filter((d) => d.startsWith("p"));
    const changed = dirs.filter((d) => rewritten(path.join(root, d, "compose.yaml")));
    // those under way when the reader left are finished; the rest are not begun
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(dirs.length / 2);
    expect(temps(root)).toEqual([]);
  });
});
