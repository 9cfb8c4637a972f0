import { diffArrays } from "diff";
import { applyEdits, Edit } from "./apply-edits";

/** One line of a line-level comparison; `text` keeps its own line ending. */
export interface LineChange {
  kind: " " | "-" | "+";
  text: string;
  /** The last line of its file, without a final newline. */
  last?: boolean;
}

/** Lines with their line endings; a final line without one is kept as it is. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Marks the last change of `kinds` as the last line of `text` when that has no final newline. */
function markLast(changes: LineChange[], text: string, kinds: string): void {
  if (text === "" || text.endsWith("\n")) return;
  for (let i = changes.length - 1; i >= 0; i--) {
    if (kinds.includes(changes[i].kind)) {
      changes[i].last = true;
      return;
    }
  }
}

function compare(before: string[], after: string[], into: LineChange[]): void {
  for (const part of diffArrays(before, after)) {
    const kind = part.added ? "+" : part.removed ? "-" : " ";
    for (const text of part.value) into.push({ kind, text });
  }
}

/**
 * Line changes between `before` and the text its edits make. Only the lines the edits touch
 * are compared, so a large file with many edits costs little more than its edits.
 */
function changesOfEdits(before: string, edits: readonly Edit[]): LineChange[] {
  // starts[i] is where line i begins; starts[lineCount] is the end of the text
  const starts = [0];
  for (let i = before.indexOf("\n"); i !== -1; i = before.indexOf("\n", i + 1)) starts.push(i + 1);
  if (starts[starts.length - 1] !== before.length) starts.push(before.length);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const lineCount = starts.length - 1;
  // an insert at the very end of a file without a final newline extends its last line
  const insertLine = (p: number) =>
    p === before.length && before.length > 0 && !before.endsWith("\n") ? lineAt(p - 1) : lineAt(p);
  // each edit covers the lines it touches: [first, end) in line indices
  const regions = [...edits]
    .sort((a, b) => a.start - b.start)
    .map((e) => {
      const first = e.start === e.end ? insertLine(e.start) : lineAt(e.start);
      const last = e.end > e.start ? lineAt(e.end - 1) : first;
      const end = first >= lineCount ? lineCount : last + 1;
      return { first, end, edits: [e] };
    });
  const merged: typeof regions = [];
  for (const region of regions) {
    const prev = merged[merged.length - 1];
    if (prev && region.first <= prev.end) {
      prev.end = Math.max(prev.end, region.end);
      prev.edits.push(...region.edits);
    } else merged.push({ ...region, edits: [...region.edits] });
  }
  const lines = splitLines(before);
  const changes: LineChange[] = [];
  let line = 0;
  for (const region of merged) {
    for (; line < region.first; line++) changes.push({ kind: " ", text: lines[line] });
    const from = starts[region.first];
    const to = starts[region.end];
    const shifted = region.edits.map((e) => ({ ...e, start: e.start - from, end: e.end - from }));
    const oldText = before.slice(from, to);
    compare(splitLines(oldText), splitLines(applyEdits(oldText, shifted)), changes);
    line = region.end;
  }
  for (; line < lines.length; line++) changes.push({ kind: " ", text: lines[line] });
  return changes;
}

/** Unified hunks with `context` lines around each change, in one pass over the lines. */
export function formatHunks(changes: LineChange[], context: number): string[] {
  const out: string[] = [];
  const changed = changes.map((c, i) => (c.kind === " " ? -1 : i)).filter((i) => i >= 0);
  let k = 0;
  // the line numbers where each hunk starts, counted on from the end of the one before
  let counted = 0;
  let oldStart = 1;
  let newStart = 1;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - context);
    let end = changed[k];
    while (k < changed.length && changed[k] <= end + 2 * context + 1) end = changed[k++];
    const stop = Math.min(changes.length, end + context + 1);
    for (; counted < start; counted++) {
      if (changes[counted].kind !== "+") oldStart++;
      if (changes[counted].kind !== "-") newStart++;
    }
    const body: string[] = [];
    let oldLines = 0;
    let newLines = 0;
    for (let i = start; i < stop; i++) {
      const c = changes[i];
      if (c.kind !== "+") oldLines++;
      if (c.kind !== "-") newLines++;
      body.push(c.kind + c.text.replace(/\n$/, ""));
      if (c.last) body.push("\\ No newline at end of file");
    }
    out.push(
      `@@ -${oldLines ? oldStart : oldStart - 1},${oldLines} +${newLines ? newStart : newStart - 1},${newLines} @@`,
      ...body,
    );
  }
  return out;
}

/**
 * A unified diff of one file with `a/` and `b/` headers, which `git apply` and `patch -p1`
 * accept. Lines keep their own line endings, so a CRLF file gives a CRLF-exact patch. Given the
 * edits that turned `before` into `after`, only the edited lines are compared.
 */
export function unifiedDiff(
  path: string,
  before: string,
  after: string,
  edits?: readonly Edit[],
  context = 3,
): string {
  if (before === after) return "";
  let changes: LineChange[];
  if (edits) changes = changesOfEdits(before, edits);
  else {
    changes = [];
    compare(splitLines(before), splitLines(after), changes);
  }
  markLast(changes, before, " -");
  markLast(changes, after, " +");
  // an absolute path keeps its place under a/ and b/; a name with a space ends in a tab, as
  // git writes it, so that patch(1) reads the whole name
  return [...headers(path), ...formatHunks(changes, context)].join("\n") + "\n";
}

/**
 * `--- a/...` and `+++ b/...` as git writes them: a name with a control character, a quote or a
 * backslash is quoted C-style, a name with a space ends in a tab so that patch(1) reads it whole.
 * An absolute path keeps its place under a/ and b/ (apply it from /).
 */
function headers(path: string): [string, string] {
  const name = path.replace(/^\/+/, "");
  if (/[\u0000-\u001f"\\\u007f]/.test(name)) {
    const quote = (prefix: string) => JSON.stringify(prefix + name);
    return [`--- ${quote("a/")}`, `+++ ${quote("b/")}`];
  }
  const tab = /\s/.test(name) ? "\t" : "";
  return [`--- a/${name}${tab}`, `+++ b/${name}${tab}`];
}

/** How the diff of the file shown as `path` begins: its two header lines. */
export function diffHeaders(path: string): string {
  return headers(path).join("\n") + "\n";
}

const RED = "\u001b[31m";
const GREEN = "\u001b[32m";
const CYAN = "\u001b[36m";
const BOLD = "\u001b[1m";
const RESET = "\u001b[0m";

/** Colours a unified diff for a terminal. */
export function colorDiff(diff: string): string {
  return diff
    .split("\n")
    .map((line) => {
      if (line.startsWith("--- ") || line.startsWith("+++ ")) return BOLD + line + RESET;
      if (line.startsWith("@@")) return CYAN + line + RESET;
      if (line.startsWith("-")) return RED + line + RESET;
      if (line.startsWith("+")) return GREEN + line + RESET;
      return line;
    })
    .join("\n");
}
