import * as nodePath from "node:path";
import { describeMissing, discover } from "../batch/discover";
import { processUnits } from "../batch/pool";
import { errorReport, FileOutcome } from "../batch/process-unit";
import { displayPath } from "../batch/read-files";
import { FileTexts } from "../batch/file-texts";
import { scanHost } from "../batch/scan-host";
import { projectUnits } from "../batch/units";
import { normalizeProjectName } from "../compose/project-name";
import { diagnosticAt } from "../report/diagnostic";
import { FileReport, Report, summarize } from "../report/file-report";
import { renderFileMessages, renderJson, renderSummary } from "../report/render-text";
import { colorDiff } from "../yaml/diff";
import type { RunIO } from "./io";
import type { RunOptions } from "./options";

/** Redraws one line on a terminal, at most every 100 ms. */
function progressLine(io: RunIO, total: number) {
  let last = -Infinity;
  let drawn = false;
  return {
    update(done: number, path: string) {
      const now = io.now();
      if (now - last < 100 && done < total) return;
      last = now;
      drawn = true;
      const text = `composemod: ${done}/${total} ${path}`;
      io.stderr(`\r\u001b[K${text.length > 100 ? text.slice(0, 97) + "..." : text}`);
    },
    clear() {
      if (drawn) io.stderr("\r\u001b[K");
    },
  };
}

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

/** Runs the rewrite over the given paths; returns the exit status (0 done, 1 --check found changes, 2 errors). */
export async function runRewrite(options: RunOptions, io: RunIO): Promise<number> {
  const started = io.now();
  const discovered = await discover(
    options.paths.map((p) => nodePath.resolve(io.cwd, p)),
    { ignore: options.ignore },
  );
  const { files, missing } = discovered;
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
    if (options.json) return;
    progress?.clear();
    if (!options.explain && !options.write && !options.check && report.diff) {
      io.stdout(options.color ? colorDiff(report.diff) : report.diff);
    }
    for (const line of renderFileMessages(report)) {
      if (report.status === "error" || !options.quiet) io.stderr(line + "\n");
    }
    if (report.status === "changed" && !options.quiet && (options.write || options.check)) {
      io.stderr(`${options.write ? "changed" : "would change"}: ${report.path}\n`);
    }
  };
  for (const m of missing) {
    const shown = displayPath(m.path, io.cwd);
    const message = describeMissing(m.message);
    emit({
      report: errorReport(shown, "", diagnosticAt(undefined, shown, 0, "read-error", message)),
    });
  }
  // outcomes come back in any order from parallel workers; they are shown in discovery order
  const texts = new FileTexts(discovered);
  const units = projectUnits(files, texts);
  const runOptions = { ...options, host: scanHost(units, io.cwd, texts) };
  const pending = new Map<number, FileOutcome[]>();
  let shown = 0;
  let filesShown = 0;
  await processUnits(units, runOptions, io.cwd, onUnit, texts);
  function onUnit(index: number, outcomes: FileOutcome[]) {
    pending.set(index, outcomes);
    while (pending.has(shown)) {
      for (const outcome of pending.get(shown)!) emit(outcome);
      filesShown += units[shown].length;
      pending.delete(shown);
      shown++;
    }
    const at = units[Math.min(shown, units.length - 1)][0];
    progress?.update(Math.min(filesShown, files.length), displayPath(at, io.cwd));
  }
  progress?.clear();
  if (!options.quiet && !options.json) {
    for (const name of unmatchedOverrides(options, reports)) {
      io.stderr(`warning: the role given to \`${name}\` matched no service\n`);
    }
  }
  const summary = summarize(reports, (io.now() - started) / 1000);
  const report: Report = { files: reports, summary };
  if (options.json) io.stdout(renderJson(report));
  else if (options.explain) io.stdout(explained.join(""));
  if (!options.quiet) io.stderr(renderSummary(summary, !options.write) + "\n");
  if (summary.error > 0) return 2;
  if (options.check && summary.changed > 0) return 1;
  return 0;
}
