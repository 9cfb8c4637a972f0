import { isCollection, isScalar, Pair, Scalar } from "yaml";
import type { Edit } from "./apply-edits";
import type { SourceText } from "./source";

export interface LineSpan {
  first: number;
  last: number;
}

type Ranged = { range?: [number, number, number] | null };

function rangeOf(node: unknown): [number, number, number] | undefined {
  return (node as Ranged | null)?.range ?? undefined;
}

/** Lines a node's own text occupies (trailing comments and blank lines after it excluded). */
export function nodeLines(source: SourceText, node: unknown): LineSpan | undefined {
  const range = rangeOf(node);
  if (!range) return undefined;
  return {
    first: source.lineOf(range[0]),
    last: source.lastLineBefore(Math.max(range[1], range[0] + 1)),
  };
}

/** Lines of a `key: value` pair, from the key line to the value's last line. */
export function pairLines(source: SourceText, pair: Pair): LineSpan {
  const keyRange = rangeOf(pair.key)!;
  const first = source.lineOf(keyRange[0]);
  const valueSpan = pair.value ? nodeLines(source, pair.value) : undefined;
  let last = source.lastLineBefore(Math.max(keyRange[1], keyRange[0] + 1));
  if (valueSpan && valueSpan.last > last) last = valueSpan.last;
  return { first, last };
}

/** True when the node is written in flow style (`[a, b]`, `{a: b}`). */
export function isFlow(node: unknown): boolean {
  return isCollection(node) && node.flow === true;
}

/** Inserts whole lines after `line`, in the file's line ending, keeping its final-newline habit. */
export function insertLinesAfter(source: SourceText, line: number, lines: string[]): Edit {
  const at = source.lineContentEnd(line);
  const eol = source.eolOf(line);
  return { start: at, end: at, text: lines.map((l) => eol + l).join("") };
}

/** Replaces lines first..last (their text, not the final line ending) with `lines`. */
export function replaceLines(source: SourceText, span: LineSpan, lines: string[]): Edit {
  return {
    start: source.lineStart(span.first),
    end: source.lineContentEnd(span.last),
    text: lines.join(source.eolOf(span.first)),
  };
}

/**
 * Comments out lines first..last as an editor's toggle-comment does: `# ` at the block's
 * smallest indentation, on every line that is not blank.
 */
export function commentOutLines(source: SourceText, span: LineSpan): Edit[] {
  // the block's own lines set the column; a comment further left keeps its place
  let column = Infinity;
  for (let l = span.first; l <= span.last; l++) {
    if (!source.isBlankLine(l) && !source.isCommentLine(l))
      column = Math.min(column, source.indentOf(l));
  }
  const edits: Edit[] = [];
  for (let l = span.first; l <= span.last; l++) {
    if (source.isBlankLine(l)) continue;
    const at = source.lineStart(l) + Math.min(column, source.indentOf(l));
    edits.push({ start: at, end: at, text: "# " });
  }
  return edits;
}

/** The lines of a span, as text. */
export function spanText(source: SourceText, span: LineSpan): string[] {
  const out: string[] = [];
  for (let l = span.first; l <= span.last; l++) out.push(source.lineText(l));
  return out;
}

/** A trailing `# comment` on a line, if any (outside quotes). */
export function trailingComment(line: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "#" && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(i);
  }
  return undefined;
}

/** A scalar's quoting, so that new items can match their neighbours. */
export function quoteStyleOf(node: unknown): "plain" | "double" | "single" {
  if (!isScalar(node)) return "plain";
  if ((node as Scalar).type === Scalar.QUOTE_DOUBLE) return "double";
  if ((node as Scalar).type === Scalar.QUOTE_SINGLE) return "single";
  return "plain";
}

export function quoteAs(style: "plain" | "double" | "single", text: string, plain: string): string {
  if (style === "double") return JSON.stringify(text);
  if (style === "single") return `'${text.replace(/'/g, "''")}'`;
  return plain;
}

/** True when any line of the span holds a comment (whole-line or trailing). */
export function spanHasComment(source: SourceText, span: LineSpan): boolean {
  for (let l = span.first; l <= span.last; l++) {
    if (trailingComment(source.lineText(l)) !== undefined) return true;
  }
  return false;
}
