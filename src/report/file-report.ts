import type { FileOutcome, FileReport } from "../rewrite/file-outcome";

export type {
  FileOutcome,
  FileReasonCode,
  FileReport,
  FileResult,
  FileStatus,
  ServiceReport,
} from "../rewrite/file-outcome";

/** A file's entry in the JSON report, its fields in the report's order. */
export function fileReport(outcome: FileOutcome): FileReport {
  const { path, project, status, reasonCode, reason, services, warnings, diff } = outcome;
  const report: FileReport = {
    path,
    project,
    status,
    reasonCode,
    reason,
    services,
    warnings,
    diff,
  };
  if (outcome.error) {
    const { path: _p, ...error } = outcome.error;
    report.error = error;
  }
  return report;
}

export interface Summary {
  files: number;
  changed: number;
  unchanged: number;
  skipped: number;
  error: number;
  seconds: number;
}

export interface Report {
  files: FileReport[];
  summary: Summary;
}

export function summarize(files: FileReport[], seconds: number): Summary {
  const count = { changed: 0, unchanged: 0, skipped: 0, error: 0 };
  for (const f of files) count[f.status]++;
  return {
    files: files.length,
    ...count,
    seconds: Math.round(seconds * 1000) / 1000,
  };
}
