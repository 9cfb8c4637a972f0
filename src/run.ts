import { promises as fs } from "node:fs";
import * as nodePath from "node:path";
import { Diagnostic, diagnosticAt } from "./diagnostic";
import { colorDiff, unifiedDiff } from "./diff";
import { discover } from "./discover";
import { migrateText, MigrateResult } from "./migrate";
import type { RunOptions } from "./options";
import {
  FileReport,
  renderExplain,
  renderFileMessages,
  renderJson,
  renderSummary,
  Report,
  summarize,
} from "./report";
import { writeFileAtomic } from "./write-file";

/** The outside world of a run: output streams, working directory and clock. */
export interface RunIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  now: () => number;
}

export const processIO = (): RunIO => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  now: () => performance.now(),
});

/** A path as the report and the diff show it: relative to the working directory when inside it. */
export function displayPath(path: string, cwd: string): string {
  const absolute = nodePath.resolve(cwd, path);
  const relative = nodePath.relative(cwd, absolute);
  const shown = relative && !relative.startsWith("..") ? relative : absolute;
  return shown.split(nodePath.sep).join("/");
}

async function processFile(
  path: string,
  options: RunOptions,
  io: RunIO,
): Promise<{ report: FileReport; plan: MigrateResult["plan"] }> {
  const shown = displayPath(path, io.cwd);
  const absolute = nodePath.resolve(io.cwd, path);
  const project = nodePath.basename(nodePath.dirname(absolute));
  let text: string;
  try {
    const bytes = await fs.readFile(absolute);
    const decoded = decodeUtf8(bytes);
    if (typeof decoded !== "string") {
      const d: Diagnostic = {
        code: "read-error",
        message: "not UTF-8 text (compose files are UTF-8); left as it is",
        path: shown,
        ...decoded,
      };
      return { report: errorReport(shown, project, d), plan: undefined };
    }
    text = decoded;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    return {
      report: errorReport(
        shown,
        project,
        diagnosticAt(undefined, shown, 0, "read-error", `cannot read the file (${code})`),
      ),
      plan: undefined,
    };
  }
  let result: MigrateResult;
  try {
    result = migrateText(text, shown, { ...options, project });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      report: errorReport(
        shown,
        project,
        diagnosticAt(
          undefined,
          shown,
          0,
          "internal-error",
          `composemod could not process the file: ${message}`,
        ),
      ),
      plan: undefined,
    };
  }
  const report: FileReport = {
    path: shown,
    project: result.project ?? project,
    status: result.status,
    reason: result.reason,
    services: result.services,
    warnings: result.warnings,
    // the diff is only worked out when it is shown
    diff:
      result.status === "changed" &&
      (options.json || (!options.write && !options.check && !options.explain))
        ? unifiedDiff(shown, text, result.output, result.edits)
        : "",
  };
  if (result.diagnostic) {
    const { path: _p, ...error } = result.diagnostic;
    report.error = error;
  }
  if (result.status === "changed" && options.write) {
    try {
      await writeFileAtomic(absolute, result.output, text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = (error as NodeJS.ErrnoException).code;
      return {
        report: {
          ...errorReport(
            shown,
            project,
            diagnosticAt(
              undefined,
              shown,
              0,
              "write-error",
              code ? `cannot write the file (${code})` : message,
            ),
          ),
          services: result.services,
        },
        plan: result.plan,
      };
    }
  }
  return { report, plan: result.plan };
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The text of a file, or the line and column (in bytes, 1-based) of its first byte that is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | { line: number; col: number } {
  try {
    return UTF8.decode(bytes);
  } catch {
    const bad = Math.max(0, firstInvalidUtf8(bytes));
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < bad; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, col: bad - lineStart + 1 };
  }
}

/** Offset of the first byte that starts no well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const follow =
      b < 0x80
        ? 0
        : b >= 0xc2 && b < 0xe0
          ? 1
          : b >= 0xe0 && b < 0xf0
            ? 2
            : b >= 0xf0 && b < 0xf5
              ? 3
              : -1;
    if (follow < 0) return i;
    for (let k = 1; k <= follow; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += follow + 1;
  }
  return -1;
}

function errorReport(path: string, project: string, d: Diagnostic): FileReport {
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

/** Runs composemod over the given paths; returns the exit status (0 done, 1 --check found changes, 2 errors). */
export async function runComposemod(options: RunOptions, io: RunIO): Promise<number> {
  const started = io.now();
  const { files, missing } = await discover(options.paths.map((p) => nodePath.resolve(io.cwd, p)));
  const reports: FileReport[] = [];
  for (const m of missing) {
    const shown = displayPath(m.path, io.cwd);
    const report = errorReport(
      shown,
      "",
      diagnosticAt(undefined, shown, 0, "read-error", `no such file or directory (${m.message})`),
    );
    reports.push(report);
    if (!options.json) for (const line of renderFileMessages(report)) io.stderr(line + "\n");
  }
  const explained: string[] = [];
  for (const file of files) {
    const { report, plan } = await processFile(file, options, io);
    reports.push(report);
    if (options.explain) explained.push(renderExplain(report, plan));
    if (!options.json) {
      if (!options.explain && !options.write && !options.check && report.diff) {
        io.stdout(options.color ? colorDiff(report.diff) : report.diff);
      }
      for (const line of renderFileMessages(report)) {
        if (report.status === "error" || !options.quiet) io.stderr(line + "\n");
      }
      if (report.status === "changed" && !options.quiet && (options.write || options.check)) {
        io.stderr(`${options.write ? "changed" : "would change"}: ${report.path}\n`);
      }
    }
  }
  const summary = summarize(reports, (io.now() - started) / 1000);
  const report: Report = { files: reports, summary };
  if (options.json) io.stdout(renderJson(report));
  else if (options.explain) io.stdout(explained.join(""));
  if (!options.quiet) io.stderr(renderSummary(summary, !options.write) + "\n");
  if (summary.error > 0) return 2;
  if (options.check && summary.changed > 0) return 1;
  return 0;
}
