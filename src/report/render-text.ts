import { formatDiagnostic } from "../base/diagnostic";
import { escapeControl } from "../base/escape";
import { FileOutcome, FileReport, fileReport, Report, Summary } from "./file-report";
import { warningText } from "../base/warning";

/** The JSON report of a run's outcomes: each file's reported fields, then the summary. */
export function renderJson(outcomes: readonly FileOutcome[], summary: Summary): string {
  const report: Report = { files: outcomes.map(fileReport), summary };
  return JSON.stringify(report, null, 2) + "\n";
}

/** `3 changed, 10 unchanged, 1 skipped, 0 errors in 0.2 s` */
export function renderSummary(summary: Summary, dryRun: boolean): string {
  const changed = dryRun ? `${summary.changed} to change` : `${summary.changed} changed`;
  const errors = `${summary.error} ${summary.error === 1 ? "error" : "errors"}`;
  return `${changed}, ${summary.unchanged} unchanged, ${summary.skipped} skipped, ${errors} in ${summary.seconds.toFixed(2)} s`;
}

/** Messages for standard error about one file: its error with a code frame, or its warnings (escaped). */
export function renderFileMessages(file: FileReport): string[] {
  const out: string[] = [];
  const path = escapeControl(file.path);
  if (file.status === "error") {
    out.push(
      file.error
        ? formatDiagnostic({ ...file.error, path: file.path })
        : `${path}: ${escapeControl(file.reason)}`,
    );
  }
  // the user's own choice is told, so that it is not forgotten
  if (file.reasonCode === "skipped-by-user") out.push(`${path}: ${escapeControl(file.reason)}`);
  for (const warning of file.warnings) {
    out.push(`${path}: warning: ${escapeControl(warningText(warning))}`);
  }
  return out;
}
