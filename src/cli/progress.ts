import { escapeControl } from "../base/escape";
import type { RunIO } from "./io";

/** How often the progress line may change. */
const REDRAW_MS = 100;

const ERASE_LINE = "\r\u001b[K";

export interface ProgressLine {
  /** `done` of the run's files are through; `path` is the one being worked on. */
  update(done: number, path: string): void;
  /** Prints output and messages above the line, which stays at the bottom of the terminal. */
  print(stdout: string, stderr: string): void;
  /** Takes the line away, once, at the end of the run. */
  end(): void;
}

/**
 * The line `composemod: 120/3600 stacks/wiki/compose.yaml` at the bottom of standard error, a
 * terminal, redrawn in place at most every 100 ms. It stays visible for the whole run: messages
 * are written over it and it is drawn again below them in the same write (when standard output
 * is the same terminal, it steps aside for the output); it is erased only at the end.
 */
export function progressLine(io: RunIO, total: number): ProgressLine {
  const width = Math.min(100, (io.stderrColumns ?? 101) - 1);
  let last = -Infinity;
  let text = "";
  return {
    update(done, path) {
      const line = `composemod: ${done}/${total} ${escapeControl(path)}`;
      const now = io.now();
      if (now - last < REDRAW_MS && done < total) return;
      last = now;
      text = line.length > width ? line.slice(0, width - 3) + "..." : line;
      io.stderr(ERASE_LINE + text);
    },
    print(stdout, stderr) {
      if (!text) {
        if (stdout) io.stdout(stdout);
        if (stderr) io.stderr(stderr);
      } else if (stdout && io.stdoutIsTTY) {
        io.stderr(ERASE_LINE);
        io.stdout(stdout);
        io.stderr(stderr + text);
      } else {
        if (stdout) io.stdout(stdout);
        if (stderr) io.stderr(ERASE_LINE + stderr + text);
      }
    },
    end() {
      if (text) io.stderr(ERASE_LINE);
      text = "";
    },
  };
}
