/** The outside world of a run: output streams, working directory and clock. */
export interface RunIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  now: () => number;
  /** Standard error is a terminal: a progress line is worth drawing. */
  stderrIsTTY?: boolean;
}

/** The process's own streams, directory and clock. */
export const processIO = (): RunIO => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  now: () => performance.now(),
  stderrIsTTY: process.stderr.isTTY === true,
});
