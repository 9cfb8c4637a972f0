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

/** A run's outcomes counted as they come, so that none is held for the summary. */
export class Tally {
  private files = 0;
  private readonly count = { changed: 0, unchanged: 0, skipped: 0, error: 0 };

  add(file: Pick<FileReport, "status">): void {
    this.files++;
    this.count[file.status]++;
  }

  summary(seconds: number): Summary {
    return { files: this.files, ...this.count, seconds: Math.round(seconds * 1000) / 1000 };
  }
}
