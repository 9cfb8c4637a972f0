import { rewriteRun } from "../batch/rewrite-run";
import { normalizeProjectName } from "../compose/project-name";
import { FileOutcome, FileReport, summarize } from "../report/file-report";
import { renderFileMessages, renderJson, renderSummary } from "../report/render-text";
import { colorDiff } from "../yaml/diff";
import { RunIO, STOP_STATUS, StopReason } from "./io";
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
  if (options.listDifferent) return outcome.status === "changed" ? outcome.path + "\n" : "";
  if (outcome.output !== undefined) return outcome.output;
  if (options.explain || options.write || options.check || !outcome.diff) return "";
  return options.color ? colorDiff(outcome.diff) : outcome.diff;
}

/** At most this many names of a list are printed when a run is interrupted; the rest are counted. */
const NAMES_SHOWN = 10;

function someNames(paths: string[]): string {
  const shown = paths.slice(0, NAMES_SHOWN).map((p) => `  ${p}\n`);
  const more = paths.length - NAMES_SHOWN;
  return shown.join("") + (more > 0 ? `  and ${more} more\n` : "");
}

/** What an interrupted run says: which files were written, and which were left as they are. */
function interrupted(
  why: StopReason,
  outcomes: FileOutcome[],
  unreached: string[],
  write: boolean,
): string {
  const written = write ? outcomes.filter((o) => o.status === "changed").map((o) => o.path) : [];
  const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`;
  let text = `composemod: interrupted (${why}): ${files(outcomes.length)} done, ${files(unreached.length)} not reached\n`;
  if (write) text += `written (${files(written.length)}):\n${someNames(written)}`;
  if (unreached.length) text += `not reached, left as they are:\n${someNames(unreached)}`;
  return text;
}

/**
 * Runs the rewrite over the given paths, or standard input (`-`); returns the exit status (0
 * done, 1 --check or --list-different found changes, 2 an error, or no compose file at all).
 */
export async function runRewrite(options: RunOptions, io: RunIO): Promise<number> {
  const started = io.now();
  const stdin = options.paths[0] === "-" ? stdinPath(options, io.cwd) : undefined;
  const cache = options.cacheLocation
    ? { location: options.cacheLocation, key: cacheKeyOptions(options) }
    : undefined;
  const run = await rewriteRun(
    stdin ? { stdin: { path: stdin, read: await readStdin(io) } } : { paths: options.paths },
    { ...options, cache },
    io.cwd,
  );
  if (run.files === 0 && run.missing === 0) {
    io.stderr(noComposeFiles(options.paths));
    return 2;
  }
  const outcomes: FileOutcome[] = [];
  const explained: string[] = [];
  const progress =
    io.stderrIsTTY && !options.quiet && run.files > 1 ? progressLine(io, run.files) : undefined;
  const emit = (outcome: FileOutcome) => {
    outcomes.push(outcome);
    if (outcome.explain) explained.push(outcome.explain);
    if (options.format === "json") return;
    const product = productOf(outcome, options);
    const messages = renderFileMessages(outcome).filter(
      () => outcome.status === "error" || !options.quiet,
    );
    if (outcome.status === "changed" && (options.write || options.check)) {
      if (!options.quiet && !options.listDifferent && !stdin) {
        messages.push(`${options.write ? "changed" : "would change"}: ${outcome.path}`);
      }
    }
    const said = messages.map((line) => line + "\n").join("");
    if (progress) progress.print(product, said);
    else {
      if (product) io.stdout(product);
      if (said) io.stderr(said);
    }
  };
  const stop = new AbortController();
  const stopListening = io.onStop?.((why) => stop.abort(why));
  let end;
  try {
    end = await run.start({
      outcome: emit,
      progress: progress && ((done, at) => progress.update(done, at)),
      warning: (message) => {
        if (!options.quiet) io.stderr(`warning: ${message}\n`);
      },
      signal: stop.signal,
    });
  } finally {
    stopListening?.();
  }
  progress?.end();
  if (stop.signal.aborted) {
    const why = stop.signal.reason as StopReason;
    // the reader has gone: nobody hears more
    if (why !== "EPIPE") io.stderr(interrupted(why, outcomes, end.unreached, options.write));
    return STOP_STATUS[why];
  }
  if (!options.quiet && options.format !== "json") {
    for (const name of unmatchedOverrides(options, outcomes)) {
      io.stderr(`warning: the role given to \`${name}\` matched no service\n`);
    }
  }
  const summary = summarize(outcomes, (io.now() - started) / 1000);
  if (options.format === "json") io.stdout(renderJson(outcomes, summary));
  else if (options.explain) io.stdout(explained.join(""));
  if (!options.quiet) io.stderr(renderSummary(summary, !options.write || !!stdin) + "\n");
  if (summary.error > 0) return 2;
  const changesFound = options.check || (options.listDifferent && !options.write);
  if (changesFound && summary.changed > 0) return 1;
  return 0;
}
