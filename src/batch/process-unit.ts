import * as nodePath from "node:path";
import { loadProject, ReadText } from "../compose/load-project";
import { missingComposeFile } from "../compose/project-files";
import { Diagnostic, diagnosticAt } from "../report/diagnostic";
import { renderExplain } from "../report/explain";
import { errorOutcome, FileReport, fileReport, FileResult } from "../report/file-report";
import { rewriteProject } from "../rewrite/rewrite-project";
import { unifiedDiff } from "../yaml/diff";
import type { BatchOptions } from "./batch-options";
import { FileTexts } from "./file-texts";
import { digestOf, displayPath, ReadRecord } from "./read-files";
import { writeFilesAtomic } from "./write-files";

/** The error for a file that the project's COMPOSE_FILE names and that is not there, if it is one. */
function missingListed(
  absolute: string,
  dir: string,
  readText: ReadText,
  show: (absolute: string) => string,
): Diagnostic | undefined {
  const envPath = nodePath.join(dir, ".env");
  const env = readText(envPath);
  return typeof env === "string"
    ? missingComposeFile(env, show(envPath), dir, absolute)
    : undefined;
}

export function errorReport(path: string, project: string, d: Diagnostic): FileReport {
  return fileReport(errorOutcome({ ...d, path }, project));
}

/** One file's outcome: its report and, with --explain, its explanation. */
export interface FileOutcome {
  report: FileReport;
  explain?: string;
  /** The file's text after the rewrite (with `withOutput`), unless it has an error. */
  output?: string;
}

function reportOf(result: FileResult, options: BatchOptions): FileReport {
  const shownDiff = options.json || (!options.write && !options.check && !options.explain);
  // the diff is only worked out when it is shown
  if (result.status === "changed" && shownDiff) {
    result.diff = unifiedDiff(result.path, result.input, result.output, result.edits);
  }
  return fileReport(result);
}

/**
 * Reads, rewrites and (with --write) writes the files Compose reads together: a base file with
 * its overrides (and the files they include), or one file. Every failure becomes an `error`
 * report (with a position where it has one); nothing is thrown for a file's sake, and the files
 * of a project are written all or none. Outcomes come in the order of `paths`, then the included
 * files. The files are read through `texts` (standard input stands in for one there); with
 * `reads`, every file read for the outcome is recorded there with the digest of what it held.
 */
export function processUnit(
  paths: string[],
  options: BatchOptions,
  cwd: string,
  texts: FileTexts = new FileTexts(),
  reads?: ReadRecord[],
): FileOutcome[] {
  const absolute = paths.map((p) => nodePath.resolve(cwd, p));
  const dir = nodePath.dirname(absolute[0]);
  const show = (p: string) => displayPath(p, cwd);
  const readText: ReadText = reads
    ? (absolute) => {
        const read = texts.readText(absolute);
        reads.push([absolute, digestOf(typeof read === "string" ? { text: read } : read)]);
        return read;
      }
    : texts.readText;
  const unreadable: FileOutcome[] = [];
  const files = [];
  for (const file of absolute) {
    const shown = show(file);
    const read = texts.take(file);
    reads?.push([file, digestOf(read)]);
    if ("text" in read) {
      files.push({ path: shown, absolute: file, text: read.text });
      continue;
    }
    const listed = read.code === "ENOENT" ? missingListed(file, dir, readText, show) : undefined;
    if (listed) {
      unreadable.push({ report: errorReport(listed.path, nodePath.basename(dir), listed) });
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
    const first = unreadable[0].report;
    const why =
      first.error?.message.startsWith("COMPOSE_FILE") === true
        ? first.reason
        : `${first.path} of this project cannot be read; the project is left as it is`;
    return [
      ...unreadable,
      ...files.map((f): FileOutcome => ({
        report: {
          path: f.path,
          project: unreadable[0].report.project,
          status: "skipped",
          reasonCode: "project-unreadable",
          reason: why,
          services: {},
          warnings: [],
          diff: "",
        },
      })),
    ];
  }
  let results: FileResult[];
  try {
    const load = loadProject({ dir, files, readText, show });
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
    const explain = options.explain
      ? renderExplain(report, result.plan, options.explainWidth)
      : undefined;
    const output = options.withOutput && result.status !== "error" ? result.output : undefined;
    return { report, explain, ...(output !== undefined ? { output } : {}) };
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
