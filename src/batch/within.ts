import { realpathSync } from "node:fs";
import * as nodePath from "node:path";

/** Whether `path` is `root` or lies below it; both real paths, as `realpath` gives them. */
export function isWithin(root: string, path: string): boolean {
  if (path === root) return true;
  const prefix = root.endsWith(nodePath.sep) ? root : root + nodePath.sep;
  return path.startsWith(prefix);
}

/** A path's real path, or none when it cannot be had (it is not there, a link dangles). */
export function realPathOf(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

/**
 * Which of a project's files composemod may edit, by their real paths: a file included from
 * outside the project's directory never; any file only below one of `within` (the real paths
 * of what the run was given), when there are such.
 */
export function editableFiles(
  dir: string,
  within: readonly string[] | undefined,
): (absolute: string, included: boolean) => boolean {
  const realDir = realPathOf(dir) ?? dir;
  return (absolute, included) => {
    // a file that is not on the disk (standard input's path) is judged by its path
    const real = realPathOf(absolute) ?? absolute;
    if (included && !isWithin(realDir, real)) return false;
    return !within || within.some((root) => isWithin(root, real));
  };
}
