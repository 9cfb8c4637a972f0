import { availableParallelism } from "node:os";

/**
 * One worker process a core (at most 8) where there are more than two: the main process only
 * reads, orders and prints while they work, so a core of its own would idle. On one or two
 * cores the rewrite runs in the main process: one process already keeps about one and a half
 * cores busy (its garbage collector and compiler run beside it), and each worker would pay its
 * own start-up and warm-up (measured: `--jobs 2` 10-20% slower than `--jobs 1` on 2 cores).
 */
export function defaultJobs(cores: number = availableParallelism()): number {
  return cores <= 2 ? 1 : Math.min(8, cores);
}

/** {@link defaultJobs} in words, for help. */
export const DEFAULT_JOBS_TEXT = "one per core, at most 8, on more than two cores; else none";
