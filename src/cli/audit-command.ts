import { auditHost } from "../analysis/audit";
import { loadHost, migratedHost } from "../batch/load-host";
import {
  auditReport,
  renderAuditErrors,
  renderAuditTable,
  renderSarif,
} from "../report/audit-report";
import type { RunIO } from "./io";
import type { RunOptions } from "./options";

/**
 * `composemod audit`: every project under the paths, as Docker would network them, and what lets
 * one reach another's databases, now and after `composemod --write`. Exit 1 when a database is
 * reachable from another project, 2 when a file could not be read.
 */
export async function runAudit(options: RunOptions, sarif: boolean, io: RunIO): Promise<number> {
  const host = await loadHost(options.paths, io.cwd, options, options.ignore);
  const findings = auditHost(host);
  const after = auditHost(migratedHost(host, options));
  const report = auditReport(host.projects.length, findings, host.errors, after);
  if (sarif) io.stdout(renderSarif(report));
  else if (options.json) io.stdout(JSON.stringify(report, null, 2) + "\n");
  else io.stdout(renderAuditTable(report, options.color));
  if (host.errors.length) io.stderr(renderAuditErrors(host.errors));
  if (host.errors.length) return 2;
  return report.summary.databasesReachable > 0 ? 1 : 0;
}
