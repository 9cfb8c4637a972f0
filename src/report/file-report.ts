import type { Role, RuleCode } from "../analysis/classify";
import type { Plan, PlanReason } from "../analysis/plan/types";
import type { Edit } from "../yaml/apply-edits";
import { Diagnostic, where } from "./diagnostic";
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

/** One file's entry in the JSON report: what its {@link FileOutcome} reports. */
export interface FileReport {
  path: string;
  project: string;
  status: FileStatus;
  /** What decided the status, as a code. */
  reasonCode: FileReasonCode;
  reason: string;
  services: Record<string, ServiceReport>;
  warnings: Warning[];
  /** The file's unified diff, when the run shows it; else empty. */
  diff: string;
  error?: Omit<Diagnostic, "path">;
}

/**
 * One file's outcome in a run: made once, where its fate is decided (the project's reader for
 * a file it cannot read or parse, the rewrite, the write), and reported as it is. Its
 * {@link FileReport} fields are its entry in the JSON report; the others are what the run
 * still needs of it (its texts, for the diff and the write; the plan, for --explain), never
 * reported.
 */
export interface FileOutcome extends FileReport {
  /** The error, at its place in the file (the report leaves out its path, the file's own). */
  error?: Diagnostic;
  /** The text as read. */
  input?: string;
  /** The text as the rewrite leaves it: the same as `input` unless `changed`. */
  output?: string;
  /** The edits that made `output`, when it changed. */
  edits?: Edit[];
  /** The plan of the file's project, when it was planned. */
  plan?: Plan;
  /** With --explain: the file's roles and reasons, as a table. */
  explain?: string;
}

/** An outcome with its file's texts: what the project's reader and the rewrite make. */
export type FileResult = FileOutcome & { input: string; output: string };

/** The outcome of the file that has the error `d`, of `project`: no service, no warning, no diff. */
export function errorOutcome(d: Diagnostic, project: string): FileOutcome {
  return {
    path: d.path,
    project,
    status: "error",
    reasonCode: "error",
    reason: `${where(d)}: ${d.message}`,
    services: {},
    warnings: [],
    diff: "",
    error: d,
  };
}

/** Makes `outcome` the error `d` of its file, keeping what it already says of the file. */
export function failOutcome(outcome: FileOutcome, d: Diagnostic): void {
  outcome.status = "error";
  outcome.reasonCode = "error";
  outcome.reason = `${where(d)}: ${d.message}`;
  outcome.error = d;
}

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
