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
 * Writes `value` exactly as `JSON.stringify(value, null, 2)` would, piece by piece: objects and
 * arrays down to `depth` levels are walked, deeper values are stringified whole, and a
 * {@link LazyArray} is written item by item as its iterable makes them, each item whole.
 */
export function writeJson(
  value: unknown,
  write: (text: string) => void,
  depth = 3,
  indent = "",
): void {
  const inner = indent + "  ";
  if (value instanceof LazyArray) {
    let first = true;
    write("[");
    for (const item of value.items) {
      write(first ? `\n${inner}` : `,\n${inner}`);
      first = false;
      if (item instanceof RawJson) write(item.text);
      else if (value.compact) write(JSON.stringify(item) ?? "null");
      // an item of a long list is small: stringified whole, it costs a fraction of a walk
      else writeJson(item, write, 0, inner);
    }
    write(first ? "]" : `\n${indent}]`);
    return;
  }
  if (value instanceof RawJson) return write(value.text);
  if (depth <= 0 || value === null || typeof value !== "object" || "toJSON" in value) {
    const text = JSON.stringify(value, null, 2) ?? "null";
    write(indent ? text.replace(/\n/g, `\n${indent}`) : text);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return write("[]");
    write("[");
    value.forEach((item, i) => {
      write(`${i ? "," : ""}\n${inner}`);
      const shown = item === undefined || typeof item === "function" ? null : item;
      writeJson(shown, write, depth - 1, inner);
    });
    write(`\n${indent}]`);
    return;
  }
  const entries = Object.entries(value).filter(
    ([, v]) => v !== undefined && typeof v !== "function" && typeof v !== "symbol",
  );
  if (entries.length === 0) return write("{}");
  write("{");
  entries.forEach(([key, item], i) => {
    write(`${i ? "," : ""}\n${inner}${JSON.stringify(key)}: `);
    writeJson(item, write, depth - 1, inner);
  });
  write(`\n${indent}}`);
}

/**
 * A writer that hands its text on in pieces of about `size` characters: a long report is written
 * in a few hundred calls, not one per value, and never held whole.
 */
export function chunked(
  write: (text: string) => void,
  size = 1 << 16,
): { write: (text: string) => void; flush: () => void } {
  let buffer: string[] = [];
  let length = 0;
  const flush = () => {
    if (length === 0) return;
    write(buffer.join(""));
    buffer = [];
    length = 0;
  };
  return {
    write: (text) => {
      buffer.push(text);
      length += text.length;
      if (length >= size) flush();
    },
    flush,
  };
}
