import * as nodePath from "node:path";
import { hostIndex } from "../analysis/host-index";
import { describeMissing, discover } from "../batch/discover";
import { PARALLEL_THRESHOLD, processUnits, startWorkers } from "../batch/pool";
import { errorReport, FileOutcome, processUnit } from "../batch/process-unit";
import { ResultCache } from "../batch/cache";
import { FileTexts } from "../batch/file-texts";
import { displayPath } from "../batch/read-files";
import { scanHost, unitHost } from "../batch/scan-host";
import { projectUnits } from "../batch/units";
import { normalizeProjectName } from "../compose/project-name";
import { diagnosticAt } from "../report/diagnostic";
import { FileReport, Report, summarize } from "../report/file-report";
import { renderFileMessages, renderJson, renderSummary } from "../report/render-text";
import { colorDiff } from "../yaml/diff";
import type { RunIO } from "./io";
import { noComposeFiles } from "./no-compose-files";
import type { RunOptions } from "./options";
import { progressLine } from "./progress";
import { readStdin, stdinPath } from "./stdin";

/** Role overrides (`service` or `project/service`) that no service of the run answers to: a typo, most likely. */
function unmatchedOverrides(options: RunOptions, reports: FileReport[]): string[] {
  const names = new Set<string>();
  for (const report of reports) {
    for (const service of Object.keys(report.services)) {
      names.add(service);
      names.add(`${report.project}/${service}`);
    }
  }
  const asProjectNames = (name: string) => {
    const slash = name.lastIndexOf("/");
    return slash === -1
      ? name
      : `${normalizeProjectName(name.slice(0, slash))}/${name.slice(slash + 1)}`;
  };
  return [...options.overrides.keys()].filter((name) => !names.has(asProjectNames(name)));
}

/**
 * The options an outcome depends on, for the cache's key: all but how the run is carried out
 * (paths, worker count, colour, quietness and the cache file itself). What a project depends
 * on of the others is keyed with each project.
 */
function cacheKeyOptions(options: RunOptions): { write: boolean } & object {
  const {
    paths: _paths,
    jobs: _jobs,
    color: _color,
    quiet: _quiet,
    cacheLocation: _cache,
    sources: { jobs: _jobsSource, ...sources },
    ...rest
  } = options;
  const key = { ...rest, sources };
  return key;
}

/** What a file's outcome puts on standard output: its diff, its name (-l), or its new text (stdin). */
function productOf(outcome: FileOutcome, options: RunOptions): string {
  const { report } = outcome;
  if (options.listDifferent) return report.status === "changed" ? report.path + "\n" : "";
  if (outcome.output !== undefined) return outcome.output;
  if (options.explain || options.write || options.check || !report.diff) return "";
  return options.color ? colorDiff(report.diff) : report.diff;
}

/**
 * Runs the rewrite over the given paths, or standard input (`-`); returns the exit status (0
 * done, 1 --check or --list-different found changes, 2 an error, or no compose file at all).
 */
export async function runRewrite(options: RunOptions, io: RunIO): Promise<number> {
  const started = io.now();
  const stdin = options.paths[0] === "-" ? stdinPath(options, io.cwd) : undefined;
  const discovered = stdin
    ? undefined
    : await discover(
        options.paths.map((p) => nodePath.resolve(io.cwd, p)),
        { ignore: options.ignore },
      );
  const { files, missing } = discovered ?? { files: [stdin!], missing: [] };
  if (files.length === 0 && missing.length === 0) {
    io.stderr(noComposeFiles(options.paths));
    return 2;
  }
  const reports: FileReport[] = [];
  const explained: string[] = [];
  const progress =
    io.stderrIsTTY && !options.quiet && files.length > 1
      ? progressLine(io, files.length)
      : undefined;
  const emit = (outcome: FileOutcome) => {
    const report = outcome.report;
    reports.push(report);
    if (outcome.explain) explained.push(outcome.explain);
    if (options.format === "json") return;
    const product = productOf(outcome, options);
    const messages = renderFileMessages(report).filter(
      () => report.status === "error" || !options.quiet,
    );
    if (report.status === "changed" && (options.write || options.check)) {
      if (!options.quiet && !options.listDifferent && !stdin) {
        messages.push(`${options.write ? "changed" : "would change"}: ${report.path}`);
      }
    }
    const said = messages.map((line) => line + "\n").join("");
    if (progress) progress.print(product, said);
    else {
      if (product) io.stdout(product);
      if (said) io.stderr(said);
    }
  };
  for (const m of missing) {
    const shown = displayPath(m.path, io.cwd);
    const message = describeMissing(m.message);
    emit({
      report: errorReport(shown, "", diagnosticAt(undefined, shown, 0, "read-error", message)),
    });
  }
  if (stdin) {
    const texts = new FileTexts();
    texts.provide(stdin, await readStdin(io));
    const batch = { ...options, write: false, withOutput: options.write, host: hostIndex([]) };
    const outcomes = processUnit([stdin], batch, io.cwd, texts);
    // the files it includes are read, never written nor printed: standard input is the product
    for (const outcome of outcomes) {
      emit(
        outcome.report.path === displayPath(stdin, io.cwd) ? outcome : { report: outcome.report },
      );
    }
  } else {
    // a large run starts its workers now, so that they load while the host is read; with the
    // cache, only the projects it does not hold are worked on, and the pool starts when needed
    const started =
      !options.cacheLocation && files.length >= PARALLEL_THRESHOLD
        ? startWorkers(Math.min(options.jobs, files.length))
        : undefined;
    // outcomes come back in any order from parallel workers; they are shown in discovery order
    const texts = new FileTexts(discovered);
    const cache = options.cacheLocation
      ? ResultCache.open(options.cacheLocation, cacheKeyOptions(options), io.cwd)
      : undefined;
    if (cache?.problem && !options.quiet) {
      io.stderr(`warning: the cache ${options.cacheLocation}: ${cache.problem}\n`);
    }
    const remember = cache?.remembering(texts);
    const { units, warnings: apart } = projectUnits(files, texts, remember);
    const scan = scanHost(units, io.cwd, texts, remember);
    const runOptions = { ...options, host: scan.index };
    const pending = new Map<number, FileOutcome[]>();
    let shown = 0;
    let filesShown = 0;
    // units whose outcome the cache holds are not processed again
    const todo: number[] = [];
    const cached: [number, FileOutcome[]][] = [];
    // a project's outcome depends on the others only through the networks it shares with them
    const hosts: unknown[] = [];
    units.forEach((unit, i) => {
      if (!cache) return todo.push(i);
      hosts[i] = unitHost(scan, i);
      const hit = cache.lookup(unit, hosts[i], (f) => texts.peek(f));
      if (hit) {
        cached.push([i, hit]);
        for (const file of unit) texts.take(file);
      } else todo.push(i);
    });
    for (const [i, outcomes] of cached) onUnit(i, outcomes);
    await processUnits(
      todo.map((i) => units[i]),
      cache ? { ...runOptions, recordReads: true } : runOptions,
      io.cwd,
      (at, outcomes, reads) => {
        const index = todo[at];
        if (cache && reads) cache.store(units[index], hosts[index], reads, outcomes);
        onUnit(index, outcomes);
      },
      texts,
      started,
    );
    /** A unit's outcomes with the warnings on how its files were grouped, on the files they are about. */
    function withGroupingWarnings(outcomes: FileOutcome[], unit: string[]): FileOutcome[] {
      const byPath = new Map(unit.map((f) => [displayPath(f, io.cwd), apart.get(f)]));
      return outcomes.map((outcome) => {
        const more = byPath.get(outcome.report.path);
        if (!more) return outcome;
        const report = { ...outcome.report, warnings: [...outcome.report.warnings, ...more] };
        return { ...outcome, report };
      });
    }
    const failure = cache?.save();
    if (failure && !options.quiet) {
      io.stderr(`warning: the cache ${options.cacheLocation}: ${failure}\n`);
    }
    function onUnit(index: number, outcomes: FileOutcome[]) {
      pending.set(index, apart.size ? withGroupingWarnings(outcomes, units[index]) : outcomes);
      while (pending.has(shown)) {
        for (const outcome of pending.get(shown)!) emit(outcome);
        filesShown += units[shown].length;
        pending.delete(shown);
        shown++;
      }
      const at = units[Math.min(shown, units.length - 1)][0];
      progress?.update(Math.min(filesShown, files.length), displayPath(at, io.cwd));
    }
  }
  progress?.end();
  if (!options.quiet && options.format !== "json") {
    for (const name of unmatchedOverrides(options, reports)) {
      io.stderr(`warning: the role given to \`${name}\` matched no service\n`);
    }
  }
  const summary = summarize(reports, (io.now() - started) / 1000);
  const report: Report = { files: reports, summary };
  if (options.format === "json") io.stdout(renderJson(report));
  else if (options.explain) io.stdout(explained.join(""));
  if (!options.quiet) io.stderr(renderSummary(summary, !options.write || !!stdin) + "\n");
  if (summary.error > 0) return 2;
  const changesFound = options.check || (options.listDifferent && !options.write);
  if (changesFound && summary.changed > 0) return 1;
  return 0;
}
