import type { Edit } from "./apply-edits";
import type { LineSpan } from "./layout";
import type { SourceText } from "../base/source-text";

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
