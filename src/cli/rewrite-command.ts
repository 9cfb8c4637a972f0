import { escapeControl, escapeLines } from "../base/escape";
import { rewriteRun } from "../batch/rewrite-run";
import { normalizeProjectName } from "../compose/project-name";
import { FileOutcome, FileReport, Tally } from "../report/file-report";
import { renderFileMessages, renderJson, renderSummary } from "../report/render-text";
import { colorDiff } from "../yaml/diff";
import { defaultWorkersFrom } from "./default-jobs";
import { RunIO, STOP_STATUS, StopReason } from "./io";
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

/**
 * What a file's outcome puts on standard output: its diff, its name (-l), or its new text
 * (stdin, the file's own bytes). Names and diffs are shown with their control characters
 * escaped: a compose file's (or a cache's) text never drives the terminal.
 */
function productOf(outcome: FileOutcome, options: RunOptions): string {
  if (options.listDifferent) {
    return outcome.status === "changed" ? escapeControl(outcome.path) + "\n" : "";
  }
  if (outcome.output !== undefined) return outcome.output;
  if (options.explain || options.write || options.check || !outcome.diff) return "";
  const diff = escapeLines(outcome.diff);
  return options.color ? colorDiff(diff) : diff;
}

/** Beyond this many, the files left alone are told by reason rather than one a line. */
export const LEFT_ALONE_ONE_A_LINE = 20;

/** A reason's headline: its words before the first colon (`not behind a shared proxy`). */
const headline = (reason: string) => reason.split(/: /)[0];

type Alone = Pick<FileOutcome, "path" | "status" | "reason" | "reasonCode">;

/**
 * The files a run leaves alone (unchanged or skipped), gathered as they come, each with its
 * reason: told one a line, or when there are many, one line per reason with how many files and
 * the first of them. What is kept does not grow with the host: the files themselves only up to
 * the limit, then a count and three names per reason.
 */
export class LeftAlone {
  private readonly files: Alone[] = [];
  private count = 0;
  private readonly groups = new Map<
    string,
    { first: Alone; said: string | undefined; count: number; named: string[] }
  >();

  add(o: FileOutcome): void {
    if (o.status !== "unchanged" && o.status !== "skipped") return;
    this.count++;
    const { path, status, reason, reasonCode } = o;
    if (this.files.length <= LEFT_ALONE_ONE_A_LINE)
      this.files.push({ path, status, reason, reasonCode });
    const key = `${status} ${reasonCode}`;
    const group = this.groups.get(key);
    if (!group) {
      const first = { path, status, reason, reasonCode };
      this.groups.set(key, { first, said: headline(reason), count: 1, named: [path] });
      return;
    }
    group.count++;
    if (group.named.length < 3) group.named.push(path);
    // the reason's headline where the files share it, else its code in words (`proxy stack`)
    if (group.said !== undefined && group.said !== headline(reason)) group.said = undefined;
  }

  lines(): string[] {
    if (this.count <= LEFT_ALONE_ONE_A_LINE) {
      return this.files.map((o) => escapeControl(`${o.path}: ${o.status}: ${o.reason}`));
    }
    const lines = [...this.groups.values()].map(({ first, said, count, named }) => {
      const why = said ?? first.reasonCode.replace(/-/g, " ");
      const more = count > 3 ? ` and ${count - 3} more` : "";
      return escapeControl(`${count} ${first.status}: ${why} (${named.join(", ")}${more})`);
    });
    return [...lines, "(--json gives each file's reason)"];
  }
}

/** After --write changed files: how the running containers come along. */
function nextStep(paths: readonly string[]): string {
  const quoted = paths.map((p) =>
    /^[\w./@%+=:,-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`,
  );
  return `next: running containers keep their old networks until recreated: \`composemod apply ${quoted.join(" ")}\` (or \`docker compose up -d\` in each changed project's directory)`;
}

/** At most this many names of a list are printed when a run is interrupted; the rest are counted. */
const NAMES_SHOWN = 10;

function someNames(paths: string[], count = paths.length): string {
  const shown = paths.slice(0, NAMES_SHOWN).map((p) => `  ${escapeControl(p)}\n`);
  const more = count - NAMES_SHOWN;
  return shown.join("") + (more > 0 ? `  and ${more} more\n` : "");
}

/** The files written so far: how many, and the first of them by name. */
interface Written {
  count: number;
  named: string[];
}

/** What an interrupted run says: which files were written, and which were left as they are. */
function interrupted(
  why: StopReason,
  done: number,
  written: Written,
  unreached: string[],
  write: boolean,
): string {
  const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`;
  let text = `composemod: interrupted (${why}): ${files(done)} done, ${files(unreached.length)} not reached\n`;
  if (write)
    text += `written (${files(written.count)}):\n${someNames(written.named, written.count)}`;
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
  const leftAlone = new LeftAlone();
  const written: Written = { count: 0, named: [] };
  const progress =
    io.stderrIsTTY && !options.quiet && run.files > 1 ? progressLine(io, run.files) : undefined;
  const emit = (outcome: FileOutcome) => {
    tally.add(outcome);
    reported?.push(outcome);
    leftAlone.add(outcome);
    if (options.write && outcome.status === "changed") {
      written.count++;
      if (written.named.length < NAMES_SHOWN) written.named.push(outcome.path);
    }
    if (named) serviceNames(outcome, named);
    if (outcome.explain) explained.push(outcome.explain);
    if (options.format === "json") return;
    const product = productOf(outcome, options);
    const messages = renderFileMessages(outcome).filter(
      () => outcome.status === "error" || !options.quiet,
    );
    if (outcome.status === "changed" && (options.write || options.check)) {
      if (!options.quiet && !options.listDifferent && !stdin) {
        messages.push(
          `${options.write ? "changed" : "would change"}: ${escapeControl(outcome.path)}`,
        );
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
        if (!options.quiet) io.stderr(`warning: ${escapeControl(message)}\n`);
      },
      signal: stop.signal,
    });
  } finally {
    stopListening?.();
  }
  progress?.end();
  if (stop.signal.aborted) {
    const why = stop.signal.reason as StopReason;
    const done = tally.summary(0).files;
    // the reader has gone: nobody hears more
    if (why !== "EPIPE") io.stderr(interrupted(why, done, written, end.unreached, options.write));
    return STOP_STATUS[why];
  }
  if (!options.quiet && options.format !== "json" && named) {
    for (const name of unmatchedOverrides(options, named)) {
      io.stderr(`warning: the role given to \`${escapeControl(name)}\` matched no service\n`);
    }
  }
  const told = !options.quiet && options.format !== "json" && !stdin;
  if (told && !options.check && !options.listDifferent && !options.explain) {
    for (const line of leftAlone.lines()) io.stderr(line + "\n");
  }
  const summary = tally.summary((io.now() - started) / 1000);
  if (reported) io.stdout(renderJson(reported, summary));
  else if (options.explain) io.stdout(escapeLines(explained.join("")));
  if (!options.quiet) io.stderr(renderSummary(summary, !options.write || !!stdin) + "\n");
  if (told && options.write && summary.changed > 0) io.stderr(nextStep(options.paths) + "\n");
  if (summary.error > 0) return 2;
  const changesFound = options.check || (options.listDifferent && !options.write);
  if (changesFound && summary.changed > 0) return 1;
  return 0;
}
