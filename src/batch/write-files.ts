import {
  accessSync,
  chmodSync,
  constants,
  chownSync,
  copyFileSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import * as nodePath from "node:path";

/** The file changed on disk between reading and writing it. */
export class ChangedOnDiskError extends Error {}

export interface PendingWrite {
  path: string;
  content: string;
  /** What the file held when it was read; the write is refused when it holds something else now. */
  expected: string;
}

/**
 * Replaces files' content atomically: for each, a temporary file in the same directory with the
 * original's mode (and owner, where allowed), checked against what was read, and only when every
 * file is ready, renamed over its target. A symbolic link is written through to its target and
 * stays a link. With a backup suffix, each original is copied to FILE + suffix first.
 * Synchronous on purpose: a batch writes many small files, each cheaper without promises.
 */
export function writeFilesAtomic(writes: PendingWrite[], backupSuffix?: string): void {
  const ready: { temp: string; target: string }[] = [];
  try {
    for (const write of writes) {
      const target = realpathSync(write.path);
      const stat = statSync(target);
      // a file the user may not write is left alone, though its directory would take a rename
      // (root may write any file, as with any editor)
      accessSync(target, constants.W_OK);
      const temp = nodePath.join(
        nodePath.dirname(target),
        `.${nodePath.basename(target)}.composemod-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`,
      );
      writeFileSync(temp, write.content, { mode: stat.mode & 0o7777, flag: "wx" });
      ready.push({ temp, target });
      chmodSync(temp, stat.mode & 0o7777);
      try {
        // keep the owner when running as root over another user's file; a normal user cannot and need not
        chownSync(temp, stat.uid, stat.gid);
      } catch {
        // not allowed: the file keeps its writer as owner, as any editor would leave it
      }
      if (readFileSync(target, "utf8") !== write.expected) {
        throw new ChangedOnDiskError("the file changed since it was read; left as it is");
      }
    }
    for (const { target } of ready) {
      if (!backupSuffix) continue;
      const backup = target + backupSuffix;
      copyFileSync(target, backup);
      const stat = statSync(target);
      try {
        chownSync(backup, stat.uid, stat.gid);
      } catch {
        // not allowed: the backup belongs to whoever made it
      }
    }
    for (const { temp, target } of ready) renameSync(temp, target);
  } catch (error) {
    for (const { temp } of ready) rmSync(temp, { force: true });
    throw error;
  }
}

/** {@link writeFilesAtomic} for one file. */
export function writeFileAtomic(
  path: string,
  content: string,
  expected: string,
  backupSuffix?: string,
): void {
  writeFilesAtomic([{ path, content, expected }], backupSuffix);
}
