import type { Role, RuleCode } from "../analysis/classify";
import type { PlanReason } from "../analysis/plan/types";
import type { Diagnostic } from "./diagnostic";
import type { Warning } from "./warning";

export type FileStatus = "changed" | "unchanged" | "skipped" | "error";

/**
 * What decided a file's status: the plan's reason, or why no plan could be carried out (the
 * file is not a compose file, another file of its project cannot be read, the edit cannot be
 * made safely, or the file has an error).
 */
export type FileReasonCode =
  PlanReason | "not-a-compose-file" | "project-unreadable" | "cannot-edit" | "error";

/** A service's role in the report: the rule of the decision table that decided it, and why. */
export interface ServiceReport {
  role: Role;
  rule: RuleCode;
  reason: string;
}

/** One file's entry in the JSON report. */
export interface FileReport {
  path: string;
  project: string;
  status: FileStatus;
  /** What decided the status, as a code. */
  reasonCode: FileReasonCode;
  reason: string;
  services: Record<string, ServiceReport>;
  warnings: Warning[];
  diff: string;
  error?: Omit<Diagnostic, "path">;
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
