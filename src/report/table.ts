/** A column is first narrowed down to its longest word, or this, whichever is less. */
const WORD_FLOOR = 12;
/** Then, when the table still does not fit, down to its heading, or this. */
const HARD_FLOOR = 4;

/** Lines of at most `width` characters, broken at spaces; a longer word is cut. */
export function wrapText(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let line = "";
  for (let word of text.split(" ")) {
    while (word.length > width) {
      if (line) lines.push(line);
      line = "";
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += " " + word;
    else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  return lines;
}

/** Column widths that fit `budget`: the widest narrowed first, down to each column's floor. */
function fitWidths(widths: number[], floors: number[], budget: number): number[] {
  const fitted = (cap: number) => widths.map((w, i) => Math.min(w, Math.max(cap, floors[i])));
  const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
  let low = 0;
  let high = Math.max(...widths);
  while (low < high) {
    const cap = Math.ceil((low + high) / 2);
    if (sum(fitted(cap)) <= budget) low = cap;
    else high = cap - 1;
  }
  return fitted(low);
}

/**
 * Columns padded to their widest cell; the last column is not padded. Given a width, the table
 * fits in it where it can: the widest columns are narrowed and their cells wrapped at spaces,
 * a row taking as many lines as its tallest cell.
 */
export function table(head: string[], rows: string[][], indent = "", width?: number): string[] {
  let widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const gaps = indent.length + 2 * (head.length - 1);
  const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
  if (width !== undefined && gaps + sum(widths) > width) {
    const longestWord = (i: number) =>
      Math.max(...rows.flatMap((r) => r[i].split(" ").map((w) => w.length)));
    const byWords = widths.map((w, i) =>
      Math.min(w, Math.max(head[i].length, Math.min(WORD_FLOOR, longestWord(i)))),
    );
    const floors =
      sum(byWords) <= width - gaps
        ? byWords
        : widths.map((w, i) => Math.min(w, Math.max(head[i].length, HARD_FLOOR)));
    widths = fitWidths(widths, floors, width - gaps);
  }
  const lines = (cells: string[]) => {
    const wrapped = cells.map((c, i) => wrapText(c, widths[i]));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, k) => {
      const parts = wrapped.map((w, i) =>
        i === cells.length - 1 ? (w[k] ?? "") : (w[k] ?? "").padEnd(widths[i]),
      );
      const line = indent + parts.join("  ");
      // a continuation line ends where its last filled cell does
      return k === 0 ? line : line.trimEnd();
    });
  };
  return [...lines(head), ...rows.flatMap(lines)];
}
