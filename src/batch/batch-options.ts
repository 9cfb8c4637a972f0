import type { RewriteOptions } from "../rewrite/rewrite-project";

/** What a batch run over many files does besides the rewrite itself. */
export interface BatchOptions extends RewriteOptions {
  write: boolean;
  check: boolean;
  json: boolean;
  explain: boolean;
  /** Columns the --explain tables fit in; none: as wide as their cells. */
  explainWidth?: number;
  /** Keep each file's rewritten text in its outcome (standard input with --write prints it). */
  withOutput?: boolean;
  /** With --write: keep each original as FILE + this suffix. */
  backup?: string;
  /** gitignore-style patterns a directory walk leaves out. */
  ignore: string[];
  /** Record the files each unit's outcome was made from, and what they held (for the cache). */
  recordReads?: boolean;
  /** Worker processes for large runs. */
  jobs: number;
  /** The projects a run needs for its workers to start (else PARALLEL_THRESHOLD): fewer are rewritten in this process. */
  workersFrom?: number;
}
