import { availableParallelism } from "node:os";
import { PARALLEL_THRESHOLD } from "../batch/pool";

/**
 * The projects from which a run on two cores starts its two workers by default. Below, one
 * process is faster: it keeps about one and a half cores busy (its garbage collector and
 * compiler run beside it), and each worker pays its own start-up and warm-up (measured: `--jobs
 * 2` 10-30% slower than one process over 2,000 projects). Far above, the workers win: the main
 * process only reads, orders and prints while two cores rewrite, and no one heap holds the
 * garbage of every parse (measured over 50,000 projects on a busy machine: 68 s against 102 s,
 * and no process above 300 MB where the one process reached 385 MB; the three together hold
 * more).
 */
export const TWO_CORES_WORKERS_FROM = 10_000;

/**
 * Worker processes a run's rewrite may use by default: one a core, at most 8; none on one core.
 * How large a run must be for them to start is {@link defaultWorkersFrom}.
 */
export function defaultJobs(cores: number = availableParallelism()): number {
  return cores <= 1 ? 1 : Math.min(8, cores);
}

/**
 * The projects (units of files) a run needs for its default workers to start: the pool's own
 * threshold on more than two cores, where the main process would idle beside them; on two,
 * {@link TWO_CORES_WORKERS_FROM}.
 */
export function defaultWorkersFrom(cores: number = availableParallelism()): number {
  return cores <= 2 ? TWO_CORES_WORKERS_FROM : PARALLEL_THRESHOLD;
}

/** {@link defaultJobs} in words, for help. */
export const DEFAULT_JOBS_TEXT =
  "one per core, at most 8, on more than two cores; on two, two for runs of 10,000 projects or more; else none";
