import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  copyFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Engine } from "./engine";
import { runOk } from "./exec";

/** The image every service of the host runs; tagged under each image name the host uses. */
export const STANDIN_IMAGE = "composemod-e2e/standin:latest";

const APPLETS = [
  "sh",
  "nc",
  "httpd",
  "nslookup",
  "sleep",
  "cat",
  "echo",
  "printf",
  "mkdir",
  "tail",
  "hostname",
  "ls",
  "ip",
];

const BUSYBOX_PATHS = ["/bin/busybox", "/usr/bin/busybox"];

/** A statically linked busybox on this machine (it runs in an empty image), if there is one. */
export function staticBusybox(): string | undefined {
  return BUSYBOX_PATHS.find(isStaticElf);
}

/** Whether the file is an ELF executable without a program interpreter, i.e. linked statically. */
export function isStaticElf(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const header = Buffer.alloc(64);
    readSync(fd, header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2) return false;
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) {
      // PT_INTERP: the dynamic loader a dynamically linked program names
      if (table.readUInt32LE(i * phentsize) === 3) return false;
    }
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Imports the stand-in image (a static busybox with links for a shell, nc and httpd) into the
 * engine when it is not there yet, and tags it under every name given, so that no service of the
 * host needs a pull. Returns the image id.
 */
export async function ensureStandinImage(engine: Engine, names: Iterable<string>): Promise<string> {
  const env = engine.env;
  let id = (await runOk("docker", ["images", "-q", STANDIN_IMAGE], { env })).trim();
  if (!id) {
    const busybox = staticBusybox();
    if (!busybox) throw new Error("no static busybox to build the stand-in image from");
    const root = mkdtempSync(path.join(tmpdir(), "composemod-standin-"));
    try {
      for (const d of ["bin", "tmp", "www", "etc"]) mkdirSync(path.join(root, d));
      copyFileSync(busybox, path.join(root, "bin", "busybox"));
      for (const applet of APPLETS) symlinkSync("busybox", path.join(root, "bin", applet));
      writeFileSync(path.join(root, "etc", "passwd"), "root:x:0:0:root:/:/bin/sh\n");
      await runOk("sh", ["-c", `tar -C '${root}' -c . | docker import - ${STANDIN_IMAGE}`], {
        env,
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    id = (await runOk("docker", ["images", "-q", STANDIN_IMAGE], { env })).trim();
  }
  for (const name of new Set(names)) {
    await runOk("docker", ["tag", STANDIN_IMAGE, name], { env });
  }
  return id;
}
