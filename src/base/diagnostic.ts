import { escapeControl, escapeLines } from "./escape";
import type { SourceText } from "./source-text";

/**
 * Why a file could not be processed; rendered as `path:line:col: message` plus a code frame, or
 * as `path: message` when the problem has no place in the text (the file is missing, cannot be
 * read or written).
 */
export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
  path: string;
  /** 1-based; absent when the problem is the whole file's */
  line?: number;
  /** 1-based; absent when the problem is the whole file's */
  col?: number;
  frame?: string;
}

export type DiagnosticCode =
  | "read-error"
  | "config-error"
  | "merge-conflict"
  | "yaml-syntax"
  | "too-deep"
  | "self-referencing-alias"
  | "interpolation-too-deep"
  | "duplicate-key"
  | "tab-indent"
  | "multiple-documents"
  | "not-a-mapping"
  | "invalid-services"
  | "invalid-service"
  | "verify-failed"
  | "internal-error"
  | "write-error";

/**
 * Builds a diagnostic at a source offset, with a two-line code frame and a caret; without a
 * source, a diagnostic of the whole file, with no position.
 */
export function diagnosticAt(
  source: SourceText | undefined,
  path: string,
  offset: number,
  code: DiagnosticCode,
  message: string,
): Diagnostic {
  if (!source) return { code, message, path };
  const line = source.lineOf(Math.min(offset, source.text.length));
  const col = source.columnOf(Math.min(offset, source.text.length));
  return { code, message, path, line: line + 1, col: col + 1, frame: codeFrame(source, line, col) };
}

export function codeFrame(source: SourceText, line: number, col: number): string {
  const first = Math.max(0, line - 1);
  const last = Math.min(source.lineCount - 1, line + 1);
  const width = String(last + 1).length;
  const out: string[] = [];
  for (let l = first; l <= last; l++) {
    const marker = l === line ? ">" : " ";
    const text = source
      .lineText(l)
      .replace(/^\ufeff/, "")
      .replace(/\t/g, "→");
    out.push(`${marker} ${String(l + 1).padStart(width)} | ${text}`);
    if (l === line) out.push(`  ${" ".repeat(width)} | ${" ".repeat(col)}^`);
  }
  return out.join("\n");
}

/** `path:line:col`, or the path alone for a problem of the whole file. */
export function where(d: Pick<Diagnostic, "path" | "line" | "col">): string {
  return d.line === undefined ? d.path : `${d.path}:${d.line}:${d.col ?? 1}`;
}

/** A diagnostic as a person reads it, its control characters escaped (see `escape.ts`). */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${escapeControl(where(d))}: ${escapeControl(d.message)} [${d.code}]`;
  return d.frame ? `${head}\n${escapeLines(d.frame)}` : head;
}
