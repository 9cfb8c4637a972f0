import * as nodePath from "node:path";
import { hostIndex } from "../analysis/host-index";
import { diagnosticAt } from "../base/diagnostic";
import { errorOutcome, FileOutcome } from "../rewrite/file-outcome";
import type { BatchOptions } from "./batch-options";
import { ResultCache } from "./cache";
import { describeMissing, discover, Discovered, givenRoots } from "./discover";
import { FileTexts } from "./file-texts";
import { PARALLEL_THRESHOLD, processUnits, startWorkers } from "./pool";
import { processUnit } from "./process-unit";
import { displayPath, ReadOutcome } from "./read-files";
import { scanHost, unitHost } from "./scan-host";
import { projectUnits } from "./units";

/** What a rewrite reads: the compose files under paths, or standard input as the file it stands for. */
export type RewriteInput = { paths: string[] } | { stdin: { path: string; read: ReadOutcome } };

export interface RewriteRunOptions extends BatchOptions {
  /** Outcomes kept from run to run in the cache file `location`, under `key`: the options they depend on. */
  cache?: { location: string; key: { write: boolean } & object };
}

/** What a rewrite run tells as it goes. */
export interface RewriteHooks {
  /** Each file's outcome, in the order the files were found. */
  outcome(outcome: FileOutcome): void;
  /** `done` of the files are through; `at` is the next one. */
  progress?(done: number, at: string): void;
  /** A problem of the run itself, not of a file (the cache file's). */
  warning(message: string): void;
  /**
   * Once aborted, the run begins no project more: the outcomes of those done are told (each
   * project written whole or not at all), and the files of the others are left as they are.
   */
  signal?: AbortSignal;
}

/** How a run ended: the files it did not reach, when it was stopped (as shown, in the order found). */
export interface RewriteEnd {
  unreached: string[];
}

/** A rewrite run whose files are found: how many, and the run itself. */
export interface RewriteRun {
  /** Compose files found (standard input is one), and paths that are not there. */
  files: number;
  missing: number;
  /** Reads, rewrites and (with --write) writes the files; resolves once every outcome is told. */
  start(hooks: RewriteHooks): Promise<RewriteEnd>;
}

/**
 * Finds the files of a rewrite run: the compose files the paths lead to, or standard input. A
 * path that is not there is an `error` outcome, told first.
 */
export async function rewriteRun(
  input: RewriteInput,
  options: RewriteRunOptions,
  cwd: string,
): Promise<RewriteRun> {
  if ("stdin" in input) {
    return {
      files: 1,
      missing: 0,
      start: async (hooks) => {
        rewriteStdin(input.stdin, options, cwd, hooks);
        return { unreached: [] };
      },
    };
  }
  const paths = input.paths.map((p) => nodePath.resolve(cwd, p));
  const found = await discover(paths, {
    ignore: options.ignore,
    followSymlinks: options.followSymlinks,
  });
  const within = options.followSymlinks ? undefined : givenRoots(paths);
  return {
    files: found.files.length,
    missing: found.missing.length,
    start: async (hooks) => {
      for (const m of found.missing) {
        const shown = displayPath(m.path, cwd);
        const d = diagnosticAt(undefined, shown, 0, "read-error", describeMissing(m.message));
        hooks.outcome(errorOutcome(d, ""));
      }
      for (const link of found.outside) {
        hooks.warning(
          `${displayPath(link.path, cwd)} is a symbolic link to ${link.real}, outside the paths given; left out (name it, or use --follow-symlinks)`,
        );
      }
      return rewriteFound(found, { ...options, within }, cwd, hooks);
    },
  };
}

/** A file whose project's configuration cannot be used: an error, with what is wrong with it. */
function configErrorOutcome(shown: string, errors: string[]): FileOutcome {
  const message = `its project's configuration cannot be used: ${errors.join("; ")}`;
  return errorOutcome(diagnosticAt(undefined, shown, 0, "config-error", message), "");
}

/**
 * Rewrites standard input as the file it stands for, on a host of its own: the files it
 * includes are read, never written nor printed (standard input's product is its own text).
 */
function rewriteStdin(
  stdin: { path: string; read: ReadOutcome },
  options: RewriteRunOptions,
  cwd: string,
  hooks: RewriteHooks,
): void {
  const texts = new FileTexts();
  texts.provide(stdin.path, stdin.read);
  const shown = displayPath(stdin.path, cwd);
  const settings = options.settingsFor?.(nodePath.dirname(stdin.path));
  if (settings && "errors" in settings) {
    hooks.outcome(configErrorOutcome(shown, settings.errors));
    return;
  }
  const batch = {
    ...options,
    ...settings?.options,
    write: false,
    withOutput: options.write,
    host: hostIndex([]),
  };
  for (const outcome of processUnit([stdin.path], batch, cwd, texts)) {
    if (outcome.path !== shown) {
      delete outcome.output;
      delete outcome.explain;
    }
    hooks.outcome(outcome);
  }
}

/**
 * Rewrites the files found, as Compose groups them into projects, each knowing what it shares
 * with the others; a large run in worker processes, and with the cache, only the projects it
 * does not hold.
 */
async function rewriteFound(
  found: Discovered,
  options: RewriteRunOptions,
  cwd: string,
  hooks: RewriteHooks,
): Promise<RewriteEnd> {
  const { files } = found;
  const cache = options.cache && ResultCache.open(options.cache.location, options.cache.key, cwd);
  // a large run starts its workers now, so that they load while the host is read; with the
  // cache, only the projects it does not hold are worked on, and the pool starts when needed
  const started =
    !cache && files.length >= (options.workersFrom ?? PARALLEL_THRESHOLD)
      ? startWorkers(Math.min(options.jobs, files.length))
      : undefined;
  const texts = new FileTexts(found);
  if (cache?.problem) hooks.warning(`the cache ${options.cache!.location}: ${cache.problem}`);
  const remember = cache?.remembering(texts);
  const { units, warnings: apart } = projectUnits(files, texts, remember);
  // one project, rewritten here: the project the scan loads is the one the rewrite loads
  const scan = scanHost(units, cwd, texts, remember, !cache && units.length === 1, options.within);
  const { cache: _cache, ...batch } = options;
  const runOptions = { ...batch, host: scan.index };

  // outcomes come back in any order from parallel workers; they are told in discovery order
  const pending = new Map<number, FileOutcome[]>();
  let shown = 0;
  let filesShown = 0;
  /** A unit's outcomes with the warnings on how its files were grouped, on the files they are about. */
  const withGroupingWarnings = (outcomes: FileOutcome[], unit: string[]): FileOutcome[] => {
    const byPath = new Map(unit.map((f) => [displayPath(f, cwd), apart.get(f)]));
    return outcomes.map((outcome) => {
      const more = byPath.get(outcome.path);
      return more ? { ...outcome, warnings: [...outcome.warnings, ...more] } : outcome;
    });
  };
  const onUnit = (index: number, outcomes: FileOutcome[]) => {
    pending.set(index, apart.size ? withGroupingWarnings(outcomes, units[index]) : outcomes);
    while (pending.has(shown)) {
      for (const outcome of pending.get(shown)!) hooks.outcome(outcome);
      filesShown += units[shown].length;
      pending.delete(shown);
      shown++;
    }
    const at = units[Math.min(shown, units.length - 1)][0];
    hooks.progress?.(Math.min(filesShown, files.length), displayPath(at, cwd));
  };

  // each project's own settings; a project whose configuration cannot be read is an error
  const settings = units.map((unit) => options.settingsFor?.(nodePath.dirname(unit[0])));
  const unusable: number[] = [];
  // units whose outcome the cache holds are not processed again
  const todo: number[] = [];
  const cached: [number, FileOutcome[]][] = [];
  // a project's outcome depends on the others only through the networks it shares with them
  const hosts: unknown[] = [];
  units.forEach((unit, i) => {
    const own = settings[i];
    if (own && "errors" in own) return unusable.push(i);
    if (!cache) return todo.push(i);
    hosts[i] = own ? { host: unitHost(scan, i), settings: own.key } : unitHost(scan, i);
    const hit = cache.lookup(unit, hosts[i], texts);
    if (hit) {
      cached.push([i, hit]);
      for (const file of unit) texts.take(file);
    } else todo.push(i);
  });
  for (const i of unusable) {
    const { errors } = settings[i] as { errors: string[] };
    for (const file of units[i]) texts.take(file);
    onUnit(
      i,
      units[i].map((file) => configErrorOutcome(displayPath(file, cwd), errors)),
    );
  }
  for (const [i, outcomes] of cached) onUnit(i, outcomes);
  await processUnits(
    todo.map((i) => units[i]),
    cache ? { ...runOptions, recordReads: true } : runOptions,
    cwd,
    (at, outcomes, reads) => {
      const index = todo[at];
      if (cache && reads) cache.store(units[index], hosts[index], reads, outcomes);
      onUnit(index, outcomes);
    },
    texts,
    started,
    (at) => {
      const own = settings[todo[at]];
      return own && "options" in own ? own.options : undefined;
    },
    hooks.signal,
  );
  if (cache?.rejected) {
    const entries = cache.rejected === 1 ? "an entry" : `${cache.rejected} entries`;
    hooks.warning(
      `the cache ${options.cache!.location}: ${entries} of it did not hold together (shape, files, digests or diff); worked out again`,
    );
  }
  const unreached: string[] = [];
  if (hooks.signal?.aborted) {
    // what was done is told, in order, and what was not is left as it is
    for (let i = shown; i < units.length; i++) {
      const done = pending.get(i);
      if (done) for (const outcome of done) hooks.outcome(outcome);
      else unreached.push(...units[i].map((f) => displayPath(f, cwd)));
    }
  }
  const failure = cache?.save();
  if (failure) hooks.warning(`the cache ${options.cache!.location}: ${failure}`);
  return { unreached };
}
