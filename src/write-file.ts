import { promises as fs } from "node:fs";
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
 */
export async function writeFilesAtomic(
  writes: PendingWrite[],
  backupSuffix?: string,
): Promise<void> {
  const ready: { temp: string; target: string }[] = [];
  try {
    for (const write of writes) {
      const target = await fs.realpath(write.path);
      const stat = await fs.stat(target);
      const temp = nodePath.join(
        nodePath.dirname(target),
        `.${nodePath.basename(target)}.composemod-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`,
      );
      await fs.writeFile(temp, write.content, { mode: stat.mode & 0o7777, flag: "wx" });
      ready.push({ temp, target });
      await fs.chmod(temp, stat.mode & 0o7777);
      // keep the owner when running as root over another user's file; a normal user cannot and need not
      await fs.chown(temp, stat.uid, stat.gid).catch(() => undefined);
      const now = await fs.readFile(target, "utf8");
      if (now !== write.expected) {
        throw new ChangedOnDiskError(`${write.path} changed since it was read; left as it is`);
      }
    }
    for (const { target } of ready)
      if (backupSuffix) await fs.copyFile(target, target + backupSuffix);
    for (const { temp, target } of ready) await fs.rename(temp, target);
  } catch (error) {
    await Promise.all(ready.map(({ temp }) => fs.rm(temp, { force: true })));
    throw error;
  }
}

/** {@link writeFilesAtomic} for one file. */
export function writeFileAtomic(
  path: string,
  content: string,
  expected: string,
  backupSuffix?: string,
): Promise<void> {
  return writeFilesAtomic([{ path, content, expected }], backupSuffix);
}
