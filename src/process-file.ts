import { promises as fs } from "node:fs";
import * as nodePath from "node:path";
import { decodeUtf8 } from "./decode";
import { Diagnostic, diagnosticAt } from "./diagnostic";
import { unifiedDiff } from "./diff";
import { migrateText, MigrateResult } from "./migrate";
import type { RunOptions } from "./options";
import { FileReport, renderExplain } from "./report";
import { writeFileAtomic } from "./write-file";

/** A path as the report and the diff show it: relative to the working directory when inside it. */
export function displayPath(path: string, cwd: string): string {
  const absolute = nodePath.resolve(cwd, path);
  const relative = nodePath.relative(cwd, absolute);
  const shown = relative && !relative.startsWith("..") ? relative : absolute;
  return shown.split(nodePath.sep).join("/");
}

export function errorReport(path: string, project: string, d: Diagnostic): FileReport {
  const { path: _p, ...error } = d;
  return {
    path,
    project,
    status: "error",
    reason: `${path}:${d.line}:${d.col}: ${d.message}`,
    services: {},
    warnings: [],
    diff: "",
    error,
  };
}

/** One file's outcome: its report and, with --explain, its explanation. */
export interface FileOutcome {
  report: FileReport;
  explain?: string;
}

/**
 * Reads, rewrites and (with --write) writes one file. Every failure becomes an `error` report
 * with a position; nothing is thrown for a file's sake.
 */
export async function processFile(
  path: string,
  options: RunOptions,
  cwd: string,
): Promise<FileOutcome> {
  const shown = displayPath(path, cwd);
  const absolute = nodePath.resolve(cwd, path);
  const project = nodePath.basename(nodePath.dirname(absolute));
  const fail = (d: Diagnostic, services = {}): FileOutcome => ({
    report: { ...errorReport(shown, project, d), services },
  });
  let text: string;
  try {
    const decoded = decodeUtf8(await fs.readFile(absolute));
    if (typeof decoded !== "string") {
      const message = "not UTF-8 text (compose files are UTF-8); left as it is";
      return fail({ code: "read-error", message, path: shown, ...decoded });
    }
    text = decoded;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    return fail(diagnosticAt(undefined, shown, 0, "read-error", `cannot read the file (${code})`));
  }
  let result: MigrateResult;
  try {
    result = migrateText(text, shown, { ...options, project });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(
      diagnosticAt(
        undefined,
        shown,
        0,
        "internal-error",
        `composemod could not process the file: ${message}`,
      ),
    );
  }
  const shownDiff = options.json || (!options.write && !options.check && !options.explain);
  const report: FileReport = {
    path: shown,
    project: result.project ?? project,
    status: result.status,
    reason: result.reason,
    services: result.services,
    warnings: result.warnings,
    // the diff is only worked out when it is shown
    diff:
      result.status === "changed" && shownDiff
        ? unifiedDiff(shown, text, result.output, result.edits)
        : "",
  };
  if (result.diagnostic) {
    const { path: _p, ...error } = result.diagnostic;
    report.error = error;
  }
  if (result.status === "changed" && options.write) {
    try {
      await writeFileAtomic(absolute, result.output, text, options.backup);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message = code
        ? `cannot write the file (${code}); left as it is`
        : error instanceof Error
          ? error.message
          : String(error);
      return fail(diagnosticAt(undefined, shown, 0, "write-error", message), result.services);
    }
  }
  return { report, explain: options.explain ? renderExplain(report, result.plan) : undefined };
}
