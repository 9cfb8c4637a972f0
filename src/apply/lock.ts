import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import * as nodePath from "node:path";
import { ownDirectory } from "./durable";

const LOCK_FILE = "apply.lock";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes composemod's lock in `dir` for one apply or rollback at a time: a lock whose process is
 * gone (killed) is taken over. Returns the release function, or the pid that holds it.
 */
export function takeLock(dir: string): { release: () => void } | { heldBy: number } {
  ownDirectory(dir);
  const path = nodePath.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(path, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        return { heldBy: pid };
      rmSync(path, { force: true });
    }
  }
  return { heldBy: -1 };
}
