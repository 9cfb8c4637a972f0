/**
 * An array whose items are made as they are written: a report's longest lists never exist
 * whole. A `compact` one has each item on a line of its own, without indentation.
 */
export class LazyArray<T> {
  constructor(
    readonly items: Iterable<T>,
    readonly compact = false,
  ) {}
}

/** JSON text already made, written as it is: a piece made once and written many times. */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * The pieces of `value`'s JSON text, exactly as `JSON.stringify(value, null, 2)` writes it:
 * objects and arrays down to `depth` levels are walked, deeper values are stringified whole, and
 * a {@link LazyArray} is written item by item as its iterable makes them, each item whole.
 */
export function* jsonPieces(value: unknown, depth = 3, indent = ""): Generator<string> {
  const inner = indent + "  ";
  if (value instanceof RawJson) {
    yield value.text;
    return;
  }
  if (value instanceof LazyArray) {
    let first = true;
    yield "[";
    for (const item of value.items) {
      yield first ? `\n${inner}` : `,\n${inner}`;
      first = false;
      if (item instanceof RawJson) yield item.text;
      else if (value.compact) yield JSON.stringify(item) ?? "null";
      // an item of a long list is small: stringified whole, it costs a fraction of a walk
      else yield* jsonPieces(item, 0, inner);
    }
    yield first ? "]" : `\n${indent}]`;
    return;
  }
  if (depth <= 0 || value === null || typeof value !== "object" || "toJSON" in value) {
    const text = JSON.stringify(value, null, 2) ?? "null";
    yield indent ? text.replace(/\n/g, `\n${indent}`) : text;
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield "[]";
      return;
    }
    yield "[";
    for (let i = 0; i < value.length; i++) {
      yield `${i ? "," : ""}\n${inner}`;
      const item: unknown = value[i];
      yield* jsonPieces(
        item === undefined || typeof item === "function" ? null : item,
        depth - 1,
        inner,
      );
    }
    yield `\n${indent}]`;
    return;
  }
  const entries = Object.entries(value).filter(
    ([, v]) => v !== undefined && typeof v !== "function" && typeof v !== "symbol",
  );
  if (entries.length === 0) {
    yield "{}";
    return;
  }
  yield "{";
  for (let i = 0; i < entries.length; i++) {
    yield `${i ? "," : ""}\n${inner}${JSON.stringify(entries[i][0])}: `;
    yield* jsonPieces(entries[i][1], depth - 1, inner);
  }
  yield `\n${indent}}`;
}

/** Writes `value` as `JSON.stringify(value, null, 2)` would (see {@link jsonPieces}), piece by piece. */
export function writeJson(value: unknown, write: (text: string) => void, depth = 3): void {
  for (const piece of jsonPieces(value, depth)) write(piece);
}

/**
 * Pieces of text joined into chunks of about `size` characters: a long report is handed on in a
 * few hundred chunks, not one per value, and never held whole.
 */
export function* inChunks(pieces: Iterable<string>, size = 1 << 16): Generator<string> {
  let buffer: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    buffer.push(piece);
    length += piece.length;
    if (length >= size) {
      yield buffer.join("");
      buffer = [];
      length = 0;
    }
  }
  if (length) yield buffer.join("");
}
