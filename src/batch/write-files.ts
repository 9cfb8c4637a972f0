import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import * as nodePath from "node:path";
import { isWithin } from "./within";

/** The file changed on disk between reading and writing it. */
export class ChangedOnDiskError extends Error {}

/** The file's real path lies outside the paths the run was given. */
export class OutsideError extends Error {}

/** The backup of a file could not be made; the file is left as it is. */
export class BackupError extends Error {}

export interface PendingWrite {
  path: string;
  content: string;
  /** What the file held when it was read; the write is refused when it holds something else now. */
  expected: string;
}

/** How the temporary files of a write are named: `.NAME.composemod-PID-RANDOM.tmp` beside NAME. */
const TEMP = /^\.(.+)\.composemod-(\d+)-[a-z0-9]*\.tmp$/;

function tempBeside(target: string): string {
  return nodePath.join(
    nodePath.dirname(target),
    `.${nodePath.basename(target)}.composemod-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`,
  );
}

/** Whether process `pid` is gone (not merely another user's, which `kill 0` may not signal). */
function gone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Removes what an earlier run killed outright (`kill -9`, a power loss) left beside `target`:
 * its temporary files, named after the target and a process that is no longer there.
 */
function removeStaleTemps(target: string): void {
  const name = nodePath.basename(target);
  let entries: string[];
  try {
    entries = readdirSync(nodePath.dirname(target));
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = TEMP.exec(entry);
    if (match && match[1] === name && gone(Number(match[2]))) {
      rmSync(nodePath.join(nodePath.dirname(target), entry), { force: true });
    }
  }
}

/** Directories whose renames are not yet flushed to the disk: see {@link syncWrittenDirectories}. */
const unsynced = new Set<string>();

/**
 * Flushes to the disk the directories that writes with `laterSync` renamed files in, and forgets
 * them. A batch calls it once its files are written: the journal has mostly carried their
 * renames to the disk by then, and each flush costs a fraction of what it costs after each
 * write.
 */
export function syncWrittenDirectories(): void {
  for (const dir of unsynced) syncDirectory(dir);
  unsynced.clear();
}

/** Makes a directory's entries (a rename) durable; where a directory cannot be synced, as good as it gets. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // some file systems refuse to sync a directory; the rename stands all the same
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `content` to a new file `temp` (never one that exists, never through a link), noted in
 * `made` as soon as it exists, with the owner (where allowed) of `like` and `mode`, and flushes
 * it to the disk. The owner comes first: changing it clears the setuid and setgid bits, which
 * the mode then sets again.
 */
function writeTemp(
  temp: string,
  content: string | Buffer,
  like: Stats,
  mode: number,
  made: string[],
): void {
  const fd = openSync(temp, "wx", 0o600);
  made.push(temp);
  try {
    writeFileSync(fd, content);
    try {
      // keep the owner when running as root over another user's file; a normal user cannot and need not
      fchownSync(fd, like.uid, like.gid);
    } catch {
      // not allowed: the file keeps its writer as owner, as any editor would leave it
    }
    fchmodSync(fd, mode);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces files' content atomically and durably: for each, a temporary file in the same
 * directory with the original's owner (where allowed) and mode, flushed to the disk and checked
 * against what was read, and only when every file is ready, renamed over its target, and the
 * directory flushed (with `laterSync`, by the next {@link syncWrittenDirectories}: a power loss
 * before it leaves the old file or the new, whole). A symbolic link is written through to its
 * target and stays a link. With `within`, a file whose real path lies outside all of those real
 * paths is refused. With a backup suffix, each original is copied to FILE + suffix first, as a
 * new file renamed into place: a link already there is replaced, never written through. Every
 * temporary file is removed when anything fails; the writes being synchronous, no signal
 * handler runs while one exists, and one that a killed run left beside the file is removed by
 * the next write of it.
 * Synchronous on purpose: a batch writes many small files, each cheaper without promises.
 */
export function writeFilesAtomic(
  writes: PendingWrite[],
  backupSuffix?: string,
  within?: readonly string[],
  laterSync = false,
): void {
  const made: string[] = [];
  const ready: { temp: string; target: string; stat: Stats }[] = [];
  try {
    for (const write of writes) {
      const target = realpathSync(write.path);
      if (within && !within.some((root) => isWithin(root, target))) {
        throw new OutsideError(
          `its real path ${target} lies outside the paths given; composemod writes only below them; left as it is`,
        );
      }
      const stat = statSync(target);
      // a file the user may not write is left alone, though its directory would take a rename
      // (root may write any file, as with any editor)
      accessSync(target, constants.W_OK);
      removeStaleTemps(target);
      const temp = tempBeside(target);
      writeTemp(temp, write.content, stat, stat.mode & 0o7777, made);
      ready.push({ temp, target, stat });
      if (readFileSync(target, "utf8") !== write.expected) {
        throw new ChangedOnDiskError("the file changed since it was read; left as it is");
      }
    }
    if (backupSuffix) {
      for (const { target, stat } of ready) {
        const backup = target + backupSuffix;
        removeStaleTemps(backup);
        const temp = tempBeside(backup);
        try {
          // the copy keeps the permission bits, but not setuid or setgid: a backup runs nothing
          writeTemp(temp, readFileSync(target), stat, stat.mode & 0o777, made);
          renameSync(temp, backup);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? String(error);
          throw new BackupError(`cannot write the backup ${backup} (${code}); left as it is`);
        }
      }
    }
    for (const { temp, target } of ready) renameSync(temp, target);
    for (const { target } of ready) unsynced.add(nodePath.dirname(target));
    if (!laterSync) syncWrittenDirectories();
  } catch (error) {
    for (const temp of made) rmSync(temp, { force: true });
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
