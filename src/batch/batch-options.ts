import type { RewriteOptions } from "../rewrite/rewrite-project";

/**
 * A project's own settings, from the configuration nearest to it: its plan's options and roles,
 * over the run's (plain data, handed to workers with the project); `key` tells them apart for
 * the cache. Or why they cannot be read: the project is an error.
 */
export type UnitSettings = { options: Partial<RewriteOptions>; key: string } | { errors: string[] };

/** Each project's own settings, by its directory (absolute). */
export type SettingsFor = (dir: string) => UnitSettings;

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
  /** A directory walk follows links outside the paths given, and writes what they lead to. */
  followSymlinks?: boolean;
  /**
   * The real paths below which files may be written (those of the paths given, see
   * `givenRoots`); none: anywhere (standard input, which writes nothing, or --follow-symlinks).
   */
  within?: string[];
  /** Record the files each unit's outcome was made from, and what they held (for the cache). */
  recordReads?: boolean;
  /** Worker processes for large runs. */
  jobs: number;
  /** Each project's own settings over these; none: these are every project's. */
  settingsFor?: SettingsFor;
  /** The projects a run needs for its workers to start (else PARALLEL_THRESHOLD): fewer are rewritten in this process. */
  workersFrom?: number;
}
