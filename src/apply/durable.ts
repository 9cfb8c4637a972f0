import { createHash } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import * as nodePath from "node:path";
import { writeFilesAtomic } from "../batch/write-files";

/** The digest apply records of a text: sha256, hex. */
export const digest = (text: string) => createHash("sha256").update(text).digest("hex");

/** Flushes a file (or a directory's entries) to the disk. */
function sync(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A directory of composemod's own, made when missing, readable by its owner only. */
export function ownDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Replaces files as the rewrite does (atomic, checked against what was read), then flushes each
 * file and its directory to the disk and reads it back: a file is written when it holds, on the
 * disk, what it should. Throws when it does not.
 */
export function writeDurably(writes: { path: string; content: string; expected: string }[]): void {
  writeFilesAtomic(writes);
  for (const w of writes) {
    sync(w.path);
    sync(nodePath.dirname(w.path));
    if (readFileSync(w.path, "utf8") !== w.content) {
      throw new Error(`${w.path} does not hold what was written`);
    }
  }
}

/** Writes a file of composemod's own (a saved plan) whole or not at all, flushed to the disk. */
export function writeOwnFile(path: string, content: string, mode = 0o600): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, "w", mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  sync(nodePath.dirname(path));
}

/** Appends a line to a file and flushes it to the disk before going on. */
export function appendDurably(path: string, line: string): void {
  const fd = openSync(path, "a", 0o600);
  try {
    writeSync(fd, line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
