import type { Role, RuleCode } from "../analysis/classify";
import type { Plan, PlanReason } from "../analysis/plan/types";
import type { Edit } from "../yaml/apply-edits";
import { Diagnostic, where } from "../base/diagnostic";
import type { Warning } from "../base/warning";
import type { LoadFailure, SourceFile } from "../compose/load-project";

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

/**
 * The outcome of each file of a project that cannot be loaded: the file that fails has its error
 * (or is `skipped` when it is simply not a compose file), the others are `skipped` with the
 * reason `project-unreadable`.
 */
export function unloadedOutcomes(
  name: string,
  files: SourceFile[],
  bad: LoadFailure,
): FileResult[] {
  return files.map((f): FileResult => {
    const texts = { input: f.text, output: f.text };
    if (f.path === bad.path && "diagnostic" in bad) {
      return { ...errorOutcome(bad.diagnostic, name), ...texts };
    }
    const own = f.path === bad.path;
    const why = "diagnostic" in bad ? bad.diagnostic.message : bad.notCompose;
    return {
      path: f.path,
      project: name,
      status: "skipped",
      reasonCode: own ? "not-a-compose-file" : "project-unreadable",
      reason: own
        ? why
        : `${bad.path} of this project cannot be read (${why}); the project is left as it is`,
      services: {},
      warnings: [],
      diff: "",
      ...texts,
    };
  });
}
