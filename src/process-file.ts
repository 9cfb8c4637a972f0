import { readFileSync } from "node:fs";
import * as nodePath from "node:path";
import { decodeUtf8 } from "./decode";
import { Diagnostic, diagnosticAt } from "./diagnostic";
import { unifiedDiff } from "./diff";
import { migrateText, MigrateResult } from "./migrate";
import type { RunOptions } from "./options";
import { migrateProject } from "./project";
import { FileReport, renderExplain } from "./report";
import { writeFilesAtomic } from "./write-file";

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

interface Read {
  shown: string;
  absolute: string;
  project: string;
  text?: string;
  failure?: FileOutcome;
}

async function readCompose(path: string, cwd: string): Promise<Read> {
  const shown = displayPath(path, cwd);
  const absolute = nodePath.resolve(cwd, path);
  const project = nodePath.basename(nodePath.dirname(absolute));
  const fail = (d: Diagnostic): Read => ({
    shown,
    absolute,
    project,
    failure: { report: errorReport(shown, project, d) },
  });
  try {
    // synchronous on purpose: for many small files, a promise round trip costs more than the read
    const decoded = decodeUtf8(readFileSync(absolute));
    if (typeof decoded === "string") return { shown, absolute, project, text: decoded };
    const message = "not UTF-8 text (compose files are UTF-8); left as it is";
    return fail({ code: "read-error", message, path: shown, ...decoded });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    return fail(diagnosticAt(undefined, shown, 0, "read-error", `cannot read the file (${code})`));
  }
}

function reportOf(read: Read, result: MigrateResult, options: RunOptions): FileReport {
  const shownDiff = options.json || (!options.write && !options.check && !options.explain);
  const report: FileReport = {
    path: read.shown,
    project: result.project ?? read.project,
    status: result.status,
    reason: result.reason,
    services: result.services,
    warnings: result.warnings,
    // the diff is only worked out when it is shown
    diff:
      result.status === "changed" && shownDiff
        ? unifiedDiff(read.shown, read.text!, result.output, result.edits)
        : "",
  };
  if (result.diagnostic) {
    const { path: _p, ...error } = result.diagnostic;
    report.error = error;
  }
  return report;
}

/**
 * Reads, rewrites and (with --write) writes the files Compose reads together: a base file with its
 * overrides, or one file. Every failure becomes an `error` report with a position; nothing is
 * thrown for a file's sake, and the files of a project are written all or none.
 */
export async function processUnit(
  paths: string[],
  options: RunOptions,
  cwd: string,
): Promise<FileOutcome[]> {
  const reads = await Promise.all(paths.map((p) => readCompose(p, cwd)));
  const dir = nodePath.dirname(nodePath.resolve(cwd, paths[0]));
  const readIncluded = (path: string) => {
    try {
      return readFileSync(nodePath.resolve(dir, path), "utf8");
    } catch {
      return undefined;
    }
  };
  const readable = reads.filter((r) => r.text !== undefined);
  let results: MigrateResult[];
  try {
    results =
      readable.length === reads.length && reads.length > 1
        ? migrateProject(
            reads.map((r) => ({ path: r.shown, text: r.text! })),
            { ...options, project: reads[0].project, readIncluded },
          )
        : readable.map((r) =>
            migrateText(r.text!, r.shown, { ...options, project: r.project, readIncluded }),
          );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return reads.map((r) => ({
      report: errorReport(
        r.shown,
        r.project,
        diagnosticAt(
          undefined,
          r.shown,
          0,
          "internal-error",
          `composemod could not process the file: ${message}`,
        ),
      ),
    }));
  }
  const outcomes = new Map<Read, FileOutcome>();
  readable.forEach((read, i) => {
    const report = reportOf(read, results[i], options);
    const explain = options.explain ? renderExplain(report, results[i].plan) : undefined;
    outcomes.set(read, { report, explain });
  });
  const writes = readable.filter((_r, i) => results[i].status === "changed");
  if (options.write && writes.length) {
    try {
      writeFilesAtomic(
        writes.map((r) => ({
          path: r.absolute,
          content: results[readable.indexOf(r)].output,
          expected: r.text!,
        })),
        options.backup,
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message = code
        ? `cannot write the file (${code}); left as it is`
        : error instanceof Error
          ? error.message
          : String(error);
      for (const r of writes) {
        const services = outcomes.get(r)!.report.services;
        const d = diagnosticAt(undefined, r.shown, 0, "write-error", message);
        outcomes.set(r, { report: { ...errorReport(r.shown, r.project, d), services } });
      }
    }
  }
  return reads.map((r) => r.failure ?? outcomes.get(r)!);
}
