/** The outside world of a run: output streams, working directory and clock. */
export interface RunIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  now: () => number;
  /** Standard error is a terminal: a progress line is worth drawing. */
  stderrIsTTY?: boolean;
  /** Standard output is a terminal too: the progress line is cleared before the output is. */
  stdoutIsTTY?: boolean;
  /** The width of the terminal standard output is on, in columns. */
  columns?: number;
  /** The width of the terminal standard error is on, in columns. */
  stderrColumns?: number;
  /** Standard input, whole (for the path `-`). */
  readStdin?: () => Promise<Uint8Array>;
  /** Standard input is a terminal: one that can be asked questions. */
  stdinIsTTY?: boolean;
  /** The keys pressed on standard input's terminal, one at a time, without Enter. */
  keys?: () => KeyReader;
  /**
   * Resolves once standard output has taken what it was given (or is gone): a long report is
   * handed on as a slow reader takes it, not held in memory until it does.
   */
  drained?: () => Promise<void>;
  /**
   * Listens, until the returned function is called, for what should stop a run: Ctrl-C
   * (SIGINT), SIGTERM, or standard output's reader leaving (EPIPE).
   */
  onStop?: (listener: (why: StopReason) => void) => () => void;
}

/** Keys pressed, one at a time; closing gives the terminal back as it was. */
export interface KeyReader {
  /** The next key: a character, or a whole escape sequence (an arrow); `""` once input ends. */
  next(): Promise<string>;
  close(): void;
}

/** The keys of a terminal in raw mode: each as it is pressed, not echoed, no Enter needed. */
function terminalKeys(input: NodeJS.ReadStream): KeyReader {
  const queue: string[] = [];
  const waiting: ((key: string) => void)[] = [];
  let ended = false;
  const give = (key: string) => {
    const next = waiting.shift();
    if (next) next(key);
    else queue.push(key);
  };
  const onData = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    // an escape sequence is one key; anything else, one key a character
    if (text.startsWith("\u001b")) give(text);
    else for (const key of text) give(key);
  };
  const onEnd = () => {
    ended = true;
    while (waiting.length) waiting.shift()!("");
  };
  input.setRawMode?.(true);
  input.on("data", onData);
  input.on("end", onEnd);
  input.resume();
  return {
    next: () =>
      queue.length
        ? Promise.resolve(queue.shift()!)
        : ended
          ? Promise.resolve("")
          : new Promise((resolve) => waiting.push(resolve)),
    close: () => {
      input.off("data", onData);
      input.off("end", onEnd);
      input.setRawMode?.(false);
      input.pause();
    },
  };
}

/** What stops a run early. */
export type StopReason = "SIGINT" | "SIGTERM" | "EPIPE";

/** The exit status of a run stopped early: 128 and the signal's number, as a shell shows it. */
export const STOP_STATUS: Record<StopReason, number> = { SIGINT: 130, SIGTERM: 143, EPIPE: 141 };

/** The process's streams, directory and clock, with what went wrong writing standard output. */
export interface ProcessIO extends RunIO {
  /** Why standard output could not be written (an errno code), other than its reader leaving. */
  outputFailure: () => string | undefined;
}

/**
 * A writer that stops, quietly, once the stream's reader has gone (EPIPE: `composemod x | head
 * -1`), and says so to `onGone`. Any other write error is kept for `failure`, and nothing more
 * is written.
 */
function endsQuietly(stream: NodeJS.WriteStream, onGone?: () => void) {
  let closed = false;
  let failure: string | undefined;
  const failed = (error: NodeJS.ErrnoException) => {
    const first = !closed;
    closed = true;
    const code = error.code ?? "EIO";
    if (code !== "EPIPE" && code !== "ERR_STREAM_DESTROYED") failure ??= code;
    else if (first) onGone?.();
  };
  stream.on("error", failed);
  return {
    write: (text: string) => {
      if (closed) return;
      // to a file, some Node versions throw where others emit the error
      try {
        stream.write(text);
      } catch (error) {
        failed(error as NodeJS.ErrnoException);
      }
    },
    failure: () => failure,
    /** Whether writing has stopped: the reader left, or a write failed. */
    closed: () => closed,
  };
}

function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

/** Resolves once the stream has written what it holds, or has closed or failed. */
function drained(out: NodeJS.WriteStream): Promise<void> {
  // with nothing pending there is no drain to come (a write that failed leaves the flag set)
  if (!out.writableNeedDrain || out.writableLength === 0 || out.destroyed) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ["drain", "close", "error"]) out.off(event, done);
      resolve();
    };
    for (const event of ["drain", "close", "error"]) out.once(event, done);
  });
}

/**
 * The stop listeners of the process: SIGINT and SIGTERM are listened for only while a run
 * listens (else they end the process as usual); a second signal ends it at once. Handlers run
 * between synchronous steps, never inside a file's write.
 */
function stopListeners() {
  const listeners = new Set<(why: StopReason) => void>();
  let stopped = false;
  const onSignal = (signal: "SIGINT" | "SIGTERM") => {
    if (stopped) process.exit(STOP_STATUS[signal]);
    stopped = true;
    for (const listener of listeners) listener(signal);
  };
  const tell = (why: StopReason) => {
    stopped = true;
    for (const listener of listeners) listener(why);
  };
  const onStop = (listener: (why: StopReason) => void) => {
    if (listeners.size === 0) {
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    };
  };
  return { onStop, tell };
}

/** The process's own streams, directory and clock. */
export function processIO(): ProcessIO {
  const stop = stopListeners();
  const stdout = endsQuietly(process.stdout, () => stop.tell("EPIPE"));
  const stderr = endsQuietly(process.stderr);
  return {
    stdout: stdout.write,
    stderr: stderr.write,
    cwd: process.cwd(),
    now: () => performance.now(),
    stderrIsTTY: process.stderr.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    stderrColumns: process.stderr.isTTY ? process.stderr.columns : undefined,
    readStdin: () => readAll(process.stdin),
    stdinIsTTY: process.stdin.isTTY === true,
    keys: () => terminalKeys(process.stdin),
    outputFailure: stdout.failure,
    // once the reader has left, nothing is written, and nothing is waited for
    drained: () => (stdout.closed() ? Promise.resolve() : drained(process.stdout)),
    onStop: stop.onStop,
  };
}
