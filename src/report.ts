import type { Diagnostic } from "./diagnostic";
import { formatDiagnostic } from "./diagnostic";
import type { FileStatus, ServiceReport } from "./migrate";
import type { Membership } from "./model";
import type { FilePlan } from "./plan";

/** One file's entry in the JSON report. */
export interface FileReport {
  path: string;
  project: string;
  status: FileStatus;
  reason: string;
  services: Record<string, ServiceReport>;
  warnings: string[];
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
  const count = (status: FileStatus) => files.filter((f) => f.status === status).length;
  return {
    files: files.length,
    changed: count("changed"),
    unchanged: count("unchanged"),
    skipped: count("skipped"),
    error: count("error"),
    seconds: Math.round(seconds * 1000) / 1000,
  };
}

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}

/** `3 changed, 10 unchanged, 1 skipped, 0 errors in 0.2 s` */
export function renderSummary(summary: Summary, dryRun: boolean): string {
  const changed = dryRun ? `${summary.changed} to change` : `${summary.changed} changed`;
  const errors = `${summary.error} ${summary.error === 1 ? "error" : "errors"}`;
  return `${changed}, ${summary.unchanged} unchanged, ${summary.skipped} skipped, ${errors} in ${summary.seconds.toFixed(2)} s`;
}

/** Messages for standard error about one file: its error with a code frame, or its warnings. */
export function renderFileMessages(file: FileReport): string[] {
  const out: string[] = [];
  if (file.status === "error") {
    out.push(
      file.error
        ? formatDiagnostic({ ...file.error, path: file.path })
        : `${file.path}: ${file.reason}`,
    );
  }
  for (const warning of file.warnings) out.push(`${file.path}: warning: ${warning}`);
  return out;
}

function membershipText(list: Membership[] | null): string {
  return list === null ? "-" : list.map((m) => m.key).join(", ");
}

/** A table per file: service, role, reason, networks before -> after, ports. */
export function renderExplain(file: FileReport, plan: FilePlan | undefined): string {
  const lines = [`${file.path}: ${file.status}${file.reason ? ` (${file.reason})` : ""}`];
  for (const [name, service] of Object.entries(file.services)) {
    const sp = plan?.services.find((s) => s.name === name);
    let networks = "";
    if (sp && sp.networksChanged)
      networks = `  networks: ${membershipText(sp.before)} -> ${membershipText(sp.after)}`;
    const ports =
      sp && sp.commentPorts.length ? `  ports: ${sp.commentPorts.length} commented out` : "";
    lines.push(`  ${name}: ${service.role} (${service.reason})${networks}${ports}`);
  }
  for (const warning of file.warnings) lines.push(`  warning: ${warning}`);
  return lines.join("\n") + "\n";
}
