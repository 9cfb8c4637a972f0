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

/** Network keys, the proxy network's marked as such (`default (proxy)`). */
function membershipText(list: Membership[] | null, proxyKey?: string): string {
  if (list === null) return "-";
  return list.map((m) => (m.key === proxyKey ? `${m.key} (proxy)` : m.key)).join(", ");
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(head: string[], rows: string[][], indent = ""): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    indent + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [line(head), ...rows.map(line)];
}

/**
 * A table per file: service, role, reason, networks before -> after, what happens to its ports,
 * and its warnings; warnings about the whole file follow the table.
 */
export function renderExplain(file: FileReport, plan: FilePlan | undefined): string {
  const lines = [`${file.path}: ${file.status}${file.reason ? ` (${file.reason})` : ""}`];
  const own = (name: string) => file.warnings.filter((w) => w.startsWith(`${name}: `));
  // a file that is not changed shows what it is, not what a plan it did not carry out said
  const changed = file.status === "changed";
  const proxy =
    plan && (plan.proxy.used || plan.proxy.declare || !changed) ? plan.proxy.key : undefined;
  const rows = Object.entries(file.services).map(([name, service]) => {
    const found = plan?.services.find((s) => s.name === name);
    const sp = found && !changed ? { ...found, networksChanged: false, commentPorts: [] } : found;
    const networks = sp?.networksChanged
      ? `${membershipText(sp.before, proxy)} -> ${membershipText(sp.after, proxy)}`
      : membershipText(sp?.before ?? null, proxy);
    const dropped = sp ? sp.commentPorts.map((i) => sp.ports[i]) : [];
    const kept = sp ? sp.ports.filter((_p, i) => !sp.commentPorts.includes(i)) : [];
    const ports = [
      dropped.length ? `commented out: ${dropped.join(", ")}` : "",
      kept.length ? `kept: ${kept.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    const warnings = own(name).map((w) => w.slice(name.length + 2));
    return [
      name,
      service.role,
      service.reason,
      networks || "-",
      ports || "-",
      warnings.join("; ") || "-",
    ];
  });
  if (rows.length) {
    lines.push(
      ...table(["SERVICE", "ROLE", "REASON", "NETWORKS", "PORTS", "WARNINGS"], rows, "  "),
    );
  }
  const names = Object.keys(file.services);
  for (const warning of file.warnings) {
    if (!names.some((n) => warning.startsWith(`${n}: `))) lines.push(`  warning: ${warning}`);
  }
  return lines.join("\n") + "\n";
}
