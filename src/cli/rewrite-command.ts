import * as nodePath from "node:path";
import { hostIndex } from "../analysis/host-index";
import { describeMissing, discover } from "../batch/discover";
import { processUnits } from "../batch/pool";
import { errorReport, FileOutcome, processUnit } from "../batch/process-unit";
import { FileTexts } from "../batch/file-texts";
import { displayPath } from "../batch/read-files";
import { scanHost } from "../batch/scan-host";
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
    // outcomes come back in any order from parallel workers; they are shown in discovery order
    const texts = new FileTexts(discovered);
    const units = projectUnits(files, texts);
    const runOptions = { ...options, host: scanHost(units, io.cwd, texts) };
    const pending = new Map<number, FileOutcome[]>();
    let shown = 0;
    let filesShown = 0;
    await processUnits(
      units,
      runOptions,
      io.cwd,
      (index, outcomes) => {
        pending.set(index, outcomes);
        while (pending.has(shown)) {
          for (const outcome of pending.get(shown)!) emit(outcome);
          filesShown += units[shown].length;
          pending.delete(shown);
          shown++;
        }
        const at = units[Math.min(shown, units.length - 1)][0];
        progress?.update(Math.min(filesShown, files.length), displayPath(at, io.cwd));
      },
      texts,
    );
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
