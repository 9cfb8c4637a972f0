import { promises as fs } from "node:fs";
import * as nodePath from "node:path";

/** The file changed on disk between reading and writing it. */
export class ChangedOnDiskError extends Error {}

/**
 * Replaces a file's content atomically: a temporary file in the same directory, with the
 * original's mode, renamed over the target. A symbolic link is written through to its target
 * and stays a link. The write is refused when the file no longer holds `expected`. With a
 * backup suffix, the original is copied to FILE + suffix first.
 */
export async function writeFileAtomic(
  path: string,
  content: string,
  expected: string,
  backupSuffix?: string,
): Promise<void> {
  const target = await fs.realpath(path);
  const stat = await fs.stat(target);
  const dir = nodePath.dirname(target);
  const temp = nodePath.join(
    dir,
    `.${nodePath.basename(target)}.composemod-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`,
  );
  await fs.writeFile(temp, content, { mode: stat.mode & 0o7777, flag: "wx" });
  try {
    const now = await fs.readFile(target, "utf8");
    if (now !== expected)
      throw new ChangedOnDiskError(`${path} changed since it was read; left as it is`);
    await fs.chmod(temp, stat.mode & 0o7777);
    // keep the owner when running as root over another user's file; a normal user cannot and need not
    await fs.chown(temp, stat.uid, stat.gid).catch(() => undefined);
    if (backupSuffix) await fs.copyFile(target, target + backupSuffix);
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}
