import { Lexer } from "yaml";
import type { LineSpan } from "./layout";
import type { SourceText } from "../base/source-text";

/** The comments in a piece of YAML text, as the parser's lexer finds them (quotes and escapes respected). */
export function commentsIn(text: string): string[] {
  const out: string[] = [];
  for (const token of new Lexer().lex(text)) if (token.startsWith("#")) out.push(token);
  return out;
}

/** The comment at the end of a line that starts a node (`- proxy # why`), if it has one. */
export function lineComment(line: string): string | undefined {
  return commentsIn(line).at(-1);
}

/** True when any line of the span holds a comment, whole-line or trailing. */
export function spanHasComment(source: SourceText, span: LineSpan): boolean {
  const text = source.text.slice(source.lineStart(span.first), source.lineContentEnd(span.last));
  return text.includes("#") && commentsIn(text).length > 0;
}

/** True when the text holds a `,` outside quotes and comments (a flow collection's separator). */
export function hasFlowSeparator(text: string): boolean {
  for (const token of new Lexer().lex(text)) if (token === ",") return true;
  return false;
}
