import { rewriteRun } from "../batch/rewrite-run";
import { normalizeProjectName } from "../compose/project-name";
import { FileOutcome, FileReport, Tally } from "../report/file-report";
import { renderFileMessages, renderJson, renderSummary } from "../report/render-text";
import { colorDiff } from "../yaml/diff";
import { defaultWorkersFrom } from "./default-jobs";
import type { RunIO } from "./io";
import { noComposeFiles } from "./no-compose-files";
import type { RunOptions } from "./options";
import { progressLine } from "./progress";
import { readStdin, stdinPath } from "./stdin";

/** The names a role override can give a file's services: `service` and `project/service`. */
function serviceNames(report: FileReport, into: Set<string>): void {
  for (const service of Object.keys(report.services)) {
    into.add(service);
    into.add(`${report.project}/${service}`);
  }
}

/** Role overrides (`service` or `project/service`) that no service of the run answers to: a typo, most likely. */
function unmatchedOverrides(options: RunOptions, names: Set<string>): string[] {
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
  // workers by default only where they pay: on two cores, for a run of many projects
  const workersFrom = options.sources.jobs === "default" ? defaultWorkersFrom() : undefined;
  const run = await rewriteRun(
    stdin ? { stdin: { path: stdin, read: await readStdin(io) } } : { paths: options.paths },
    { ...options, cache, workersFrom },
    io.cwd,
  );
  if (run.files === 0 && run.missing === 0) {
    io.stderr(noComposeFiles(options.paths));
    return 2;
  }
  // an outcome is let go once it is printed: only the JSON report holds them all
  const tally = new Tally();
  const reported: FileOutcome[] | undefined = options.format === "json" ? [] : undefined;
  const named = options.overrides.size > 0 ? new Set<string>() : undefined;
  const explained: string[] = [];
  const progress =
    io.stderrIsTTY && !options.quiet && run.files > 1 ? progressLine(io, run.files) : undefined;
  const emit = (outcome: FileOutcome) => {
    tally.add(outcome);
    reported?.push(outcome);
    if (named) serviceNames(outcome, named);
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
  await run.start({
    outcome: emit,
    progress: progress && ((done, at) => progress.update(done, at)),
    warning: (message) => {
      if (!options.quiet) io.stderr(`warning: ${message}\n`);
    },
  });
  progress?.end();
  if (!options.quiet && options.format !== "json" && named) {
    for (const name of unmatchedOverrides(options, named)) {
      io.stderr(`warning: the role given to \`${name}\` matched no service\n`);
    }
  }
  const summary = tally.summary((io.now() - started) / 1000);
  if (reported) io.stdout(renderJson(reported, summary));
  else if (options.explain) io.stdout(explained.join(""));
  if (!options.quiet) io.stderr(renderSummary(summary, !options.write || !!stdin) + "\n");
  if (summary.error > 0) return 2;
  const changesFound = options.check || (options.listDifferent && !options.write);
  if (changesFound && summary.changed > 0) return 1;
  return 0;
}
