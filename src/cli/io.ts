/** The outside world of a run: output streams, working directory and clock. */
export interface RunIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  now: () => number;
  /** Standard error is a terminal: a progress line is worth drawing. */
  stderrIsTTY?: boolean;
  /**
   * Resolves once standard output has taken what it was given (or is gone): a long report is
   * handed on as a slow reader takes it, not held in memory until it does.
   */
  drained?: () => Promise<void>;
}

/** The process's own streams, directory and clock. */
export const processIO = (): RunIO => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  now: () => performance.now(),
  stderrIsTTY: process.stderr.isTTY === true,
  drained: () => {
    const out = process.stdout;
    if (!out.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        for (const event of ["drain", "close", "error"]) out.off(event, done);
        resolve();
      };
      for (const event of ["drain", "close", "error"]) out.once(event, done);
    });
  },
});
