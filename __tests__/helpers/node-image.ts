import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/** The busybox applets npm's scripts and a Dockerfile's RUN lines use. */
const APPLETS = ["sh", "env", "ls", "rm", "mkdir", "cat", "cp", "mv", "ln", "chmod", "tar"];

/** The shared libraries a program loads, as `ldd` lists them, with the loader. */
function librariesOf(program: string): string[] {
  const out = execFileSync("ldd", [program], { encoding: "utf8" });
  return [...out.matchAll(/(\/[^\s]+) \(0x/g)].map((m) => m[1]);
}

/**
 * A root filesystem for a Node base image, made from this machine's own node, npm and libraries
 * with a static busybox for the shell: no image registry needed. Returns the directory.
 */
export function nodeRootfs(dir: string, busybox: string): string {
  const node = realpathSync(
    execFileSync("sh", ["-c", "command -v node"], { encoding: "utf8" }).trim(),
  );
  const npm = path.resolve(
    path.dirname(
      realpathSync(execFileSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).trim()),
    ),
    "..",
  );
  const put = (from: string, to = from) => {
    mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    copyFileSync(from, path.join(dir, to));
  };
  put(node, "/usr/bin/node");
  for (const lib of librariesOf(node)) put(realpathSync(lib), lib);
  cpSync(npm, path.join(dir, "usr/lib/node_modules/npm"), { recursive: true, dereference: true });
  symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", path.join(dir, "usr/bin/npm"));
  put(busybox, "/bin/busybox");
  for (const applet of APPLETS) {
    const target = applet === "env" ? "usr/bin/env" : `bin/${applet}`;
    symlinkSync("/bin/busybox", path.join(dir, target));
  }
  put("/etc/ssl/certs/ca-certificates.crt");
  mkdirSync(path.join(dir, "tmp"), { mode: 0o1777 });
  mkdirSync(path.join(dir, "root"));
  writeFileSync(path.join(dir, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  writeFileSync(path.join(dir, "etc/group"), "root:x:0:\n");
  return dir;
}
