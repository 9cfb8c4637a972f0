/** Line endings a compose file can use. */
export type Eol = "\n" | "\r\n";

/**
 * The original text of a file with a line index. Offsets are UTF-16 indices into `text`, the
 * same ones `yaml` node ranges use; lines and columns are 0-based here and 1-based in messages.
 */
export class SourceText {
  readonly text: string;
  readonly eol: Eol;
  readonly bom: boolean;
  readonly finalNewline: boolean;
  private lineStarts?: number[];

  constructor(text: string) {
    this.text = text;
    this.bom = text.startsWith("\ufeff");
    const firstNewline = text.indexOf("\n");
    this.eol = firstNewline > 0 && text[firstNewline - 1] === "\r" ? "\r\n" : "\n";
    this.finalNewline = text.endsWith("\n");
  }

  /** Where each line starts; built on first use, since most files are read and never edited. */
  private get starts(): number[] {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = this.text.indexOf("\n"); i !== -1; i = this.text.indexOf("\n", i + 1)) {
        this.lineStarts.push(i + 1);
      }
    }
    return this.lineStarts;
  }

  /** Number of lines; a final newline does not open a new line. */
  get lineCount(): number {
    return this.finalNewline ? this.starts.length - 1 : this.starts.length;
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Column of an offset; a BOM at the start of the file takes no column. */
  columnOf(offset: number): number {
    const line = this.lineOf(offset);
    const column = offset - this.starts[line];
    return line === 0 && this.bom && column > 0 ? column - 1 : column;
  }

  lineStart(line: number): number {
    return line < this.starts.length ? this.starts[line] : this.text.length;
  }

  /** Offset just before the line's line ending. */
  lineContentEnd(line: number): number {
    const next = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length + 1;
    let end = next - 1;
    if (end > this.text.length) end = this.text.length;
    else if (end > 0 && this.text[end - 1] === "\r" && this.text[end] === "\n") end -= 1;
    return Math.max(end, this.starts[line] ?? this.text.length);
  }

  /** The line ending a line has (the file's own when it is the last line and has none). */
  eolOf(line: number): Eol {
    const end = this.lineContentEnd(line);
    if (this.text[end] === "\r") return "\r\n";
    if (this.text[end] === "\n") return "\n";
    return this.eol;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineContentEnd(line));
  }

  /** Last line that holds content before `offset` (a range end that sits at a line start belongs to the line above). */
  lastLineBefore(offset: number): number {
    return this.lineOf(Math.max(0, offset - 1));
  }

  indentOf(line: number): number {
    const text = this.lineText(line);
    const match = /^[ ]*/.exec(text);
    return match ? match[0].length : 0;
  }

  isBlankLine(line: number): boolean {
    return this.lineText(line).trim() === "";
  }

  isCommentLine(line: number): boolean {
    return this.lineText(line).trimStart().startsWith("#");
  }
}
