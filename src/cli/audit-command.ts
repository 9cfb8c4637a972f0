import { availableParallelism } from "node:os";
import { hostAudit } from "../analysis/audit";
import type { Finding } from "../analysis/findings";
import { auditHostFiles } from "../batch/audit-host";
import {
  auditJsonChunks,
  auditLineChunks,
  AuditReport,
  auditReport,
  auditTableChunks,
  renderAuditErrors,
  renderAuditWarnings,
} from "../report/audit-report";
import { sarifChunks } from "../report/sarif";
import type { RunIO } from "./io";
import { noComposeFiles } from "./no-compose-files";
import type { RunOptions } from "./options";

/** text: one line per finding, as compilers print them; table: the wide table. */
export type AuditFormat = "text" | "table" | "json" | "sarif";

/**
 * Prints a report in the format asked for, chunk by chunk as standard output takes them, then
 * its warnings on standard error. Returns the exit status.
 */
export async function printAudit(
  report: AuditReport,
  format: AuditFormat,
  options: RunOptions,
  io: RunIO,
  fixesOf: (f: Finding) => string | undefined = () => undefined,
): Promise<number> {
  const chunks =
    format === "sarif"
      ? sarifChunks(report, fixesOf)
      : format === "json"
        ? auditJsonChunks(report)
        : format === "table"
          ? auditTableChunks(report, options.color)
          : auditLineChunks(report, options.color, options.explainWidth);
  for (const chunk of chunks) {
    io.stdout(chunk);
    await io.drained?.();
  }
  if (report.warnings.length) io.stderr(renderAuditWarnings(report.warnings));
  return report.errors.length ? 2 : report.summary.databasesReachable > 0 ? 1 : 0;
}

/**
 * `composemod audit`: every project under the paths, as Docker would network them, and what lets
 * one reach another's databases, now and after `composemod --write`. Exit 1 when a database is
 * reachable from another project, 2 when a file could not be read or there was none.
 */
export async function runAudit(
  options: RunOptions,
  format: AuditFormat,
  io: RunIO,
): Promise<number> {
  // the main thread only waits while the workers read the projects: one worker per core
  const jobs = options.sources.jobs === "default" ? availableParallelism() : options.jobs;
  const host = await auditHostFiles(options.paths, io.cwd, {
    ...options,
    jobs,
    fixes: format === "sarif",
  });
  if (host.discovered === 0 && host.errors.length === 0) {
    io.stderr(noComposeFiles(options.paths));
    return 2;
  }
  const audit = hostAudit(host.projects, host.after);
  const report = auditReport({
    source: "files",
    projects: host.projects.length,
    networks: audit.networks,
    findings: audit.findings,
    counted: audit.counted,
    after: audit.after,
    errors: host.errors,
    warnings: host.warnings,
  });
  const projectOf = new Map<string, number>();
  host.projects.forEach((p, i) => p.files.forEach((f) => projectOf.set(f, i)));
  const status = await printAudit(report, format, options, io, (f) =>
    f.file !== undefined ? host.fixes.get(projectOf.get(f.file) ?? -1) : undefined,
  );
  if (host.errors.length) io.stderr(renderAuditErrors(host.errors));
  return status;
}
