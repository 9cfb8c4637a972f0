import * as nodePath from "node:path";
import { loadProject } from "../compose/load-project";
import { Diagnostic, diagnosticAt } from "../report/diagnostic";
import { renderExplain } from "../report/explain";
import type { FileReport } from "../report/file-report";
import { FileResult, rewriteProject } from "../rewrite/rewrite-project";
import { unifiedDiff } from "../yaml/diff";
import type { BatchOptions } from "./batch-options";
import { FileTexts } from "./file-texts";
import { displayPath } from "./read-files";
import { writeFilesAtomic } from "./write-files";

export function errorReport(path: string, project: string, d: Diagnostic): FileReport {
  const { path: _p, ...error } = d;
  return {
    path,
    project,
    status: "error",
    reasonCode: "error",
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

function reportOf(result: FileResult, options: BatchOptions): FileReport {
  const shownDiff = options.json || (!options.write && !options.check && !options.explain);
  const report: FileReport = {
    path: result.path,
    project: result.project,
    status: result.status,
    reasonCode: result.reasonCode,
    reason: result.reason,
    services: result.services,
    warnings: result.warnings,
    // the diff is only worked out when it is shown
    diff:
      result.status === "changed" && shownDiff
        ? unifiedDiff(result.path, result.input, result.output, result.edits)
        : "",
  };
  if (result.diagnostic) {
    const { path: _p, ...error } = result.diagnostic;
    report.error = error;
  }
  return report;
}

/**
 * Reads, rewrites and (with --write) writes the files Compose reads together: a base file with
 * its overrides (and the files they include), or one file. Every failure becomes an `error`
 * report with a position; nothing is thrown for a file's sake, and the files of a project are
 * written all or none. Outcomes come in the order of `paths`, then the included files.
 */
export function processUnit(
  paths: string[],
  options: BatchOptions,
  cwd: string,
  texts: FileTexts = new FileTexts(),
): FileOutcome[] {
  const absolute = paths.map((p) => nodePath.resolve(cwd, p));
  const dir = nodePath.dirname(absolute[0]);
  const show = (p: string) => displayPath(p, cwd);
  const unreadable: FileOutcome[] = [];
  const files = [];
  for (const file of absolute) {
    const shown = show(file);
    const read = texts.take(file);
    if ("text" in read) {
      files.push({ path: shown, absolute: file, text: read.text });
      continue;
    }
    const d: Diagnostic =
      read.code === "not-utf8" && "line" in read
        ? {
            code: "read-error",
            message: "not UTF-8 text (compose files are UTF-8); left as it is",
            path: shown,
            line: read.line,
            col: read.col,
          }
        : diagnosticAt(undefined, shown, 0, "read-error", `cannot read the file (${read.code})`);
    unreadable.push({ report: errorReport(shown, nodePath.basename(dir), d) });
  }
  if (unreadable.length) {
    // all or none: a file of the project that cannot be read leaves the others as they are
    const first = unreadable[0].report.path;
    return [
      ...unreadable,
      ...files.map((f): FileOutcome => ({
        report: {
          path: f.path,
          project: unreadable[0].report.project,
          status: "skipped",
          reasonCode: "project-unreadable",
          reason: `${first} of this project cannot be read; the project is left as it is`,
          services: {},
          warnings: [],
          diff: "",
        },
      })),
    ];
  }
  let results: FileResult[];
  try {
    const load = loadProject({ dir, files, readText: texts.readText, show });
    results = rewriteProject(load, options).files;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return files.map((f) => ({
      report: errorReport(
        f.path,
        nodePath.basename(dir),
        diagnosticAt(
          undefined,
          f.path,
          0,
          "internal-error",
          `composemod could not process the file: ${message}`,
        ),
      ),
    }));
  }
  const outcomes = results.map((result): FileOutcome => {
    const report = reportOf(result, options);
    const explain = options.explain ? renderExplain(report, result.plan) : undefined;
    return { report, explain };
  });
  const writes = results.flatMap((r, i) => (r.status === "changed" ? [i] : []));
  if (options.write && writes.length) {
    try {
      writeFilesAtomic(
        writes.map((i) => ({
          path: nodePath.resolve(cwd, results[i].path),
          content: results[i].output,
          expected: results[i].input,
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
      for (const i of writes) {
        const report = outcomes[i].report;
        const d = diagnosticAt(undefined, report.path, 0, "write-error", message);
        outcomes[i] = {
          report: { ...errorReport(report.path, report.project, d), services: report.services },
        };
      }
    }
  }
  return outcomes;
}
