/** A replacement of `text` for the original characters in [start, end); start === end inserts. */
export interface Edit {
  start: number;
  end: number;
  text: string;
  /**
   * Where an insertion goes among insertions at the same offset: lower first. Transforms set it
   * so that their output never depends on the order they run in.
   */
  order?: number;
}

/** Raised when two edits touch the same characters: a bug in a transform, never merged silently. */
export class OverlappingEditsError extends Error {
  constructor(
    readonly first: Edit,
    readonly second: Edit,
  ) {
    super(`overlapping edits at ${first.start}-${first.end} and ${second.start}-${second.end}`);
  }
}

/** Edits in the order they are spliced in: by position; inserts at one offset by their `order`, then as given. */
export function sortedEdits(edits: readonly Edit[]): Edit[] {
  return edits
    .map((edit, index) => ({ edit, index }))
    .sort(
      (a, b) =>
        a.edit.start - b.edit.start ||
        a.edit.end - b.edit.end ||
        (a.edit.order ?? 0) - (b.edit.order ?? 0) ||
        a.index - b.index,
    )
    .map(({ edit }) => edit);
}

/**
 * Splices edits into the original text, copying the text between them untouched. Edits are
 * sorted by position; inserts at the same offset by their `order`, then as they were given.
 */
export function applyEdits(original: string, edits: readonly Edit[]): string {
  const sorted = sortedEdits(edits);
  let out = "";
  let cursor = 0;
  let previous: Edit | undefined;
  for (const edit of sorted) {
    if (edit.start < 0 || edit.end > original.length || edit.start > edit.end) {
      throw new RangeError(`edit out of range: ${edit.start}-${edit.end}`);
    }
    if (previous && edit.start < previous.end) throw new OverlappingEditsError(previous, edit);
    out += original.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
    previous = edit;
  }
  return out + original.slice(cursor);
}
