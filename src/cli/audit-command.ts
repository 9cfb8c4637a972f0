import { auditHost } from "../analysis/audit";
import { loadHost, migratedHost } from "../batch/load-host";
import {
  AuditReport,
  auditReport,
  renderAuditErrors,
  renderAuditTable,
  renderSarif,
} from "../report/audit-report";
import type { RunIO } from "./io";
import { noComposeFiles } from "./no-compose-files";
import type { RunOptions } from "./options";

const RENDER: Record<"text" | "json" | "sarif", (r: AuditReport, color: boolean) => string> = {
  text: renderAuditTable,
  json: (report) => JSON.stringify(report, null, 2) + "\n",
  sarif: renderSarif,
};

/**
 * `composemod audit`: every project under the paths, as Docker would network them, and what lets
 * one reach another's databases, now and after `composemod --write`. Exit 1 when a database is
 * reachable from another project, 2 when a file could not be read or there was none.
 */
export async function runAudit(options: RunOptions, io: RunIO): Promise<number> {
  const host = await loadHost(options.paths, io.cwd, options, options.ignore);
  if (host.discovered === 0 && host.errors.length === 0) {
    io.stderr(noComposeFiles(options.paths));
    return 2;
  }
  const findings = auditHost(host);
  const after = auditHost(migratedHost(host, options));
  const report = auditReport(host.projects.length, findings, host.errors, after);
  const format = options.format === "sarif" || options.format === "json" ? options.format : "text";
  io.stdout(RENDER[format](report, options.color));
  if (host.errors.length) io.stderr(renderAuditErrors(host.errors));
  if (host.errors.length) return 2;
  return report.summary.databasesReachable > 0 ? 1 : 0;
}
