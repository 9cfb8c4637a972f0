/** Compose files are UTF-8: decoding is strict, and a BOM stays part of the text. */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The text of a file, or the line and column (in bytes, 1-based) of its first byte that is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | { line: number; col: number } {
  // the fast decoder replaces bad bytes with U+FFFD; only a text that has one needs the strict check
  const quick = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  if (!quick.includes("\ufffd")) return quick;
  try {
    return UTF8.decode(bytes);
  } catch {
    const bad = Math.max(0, firstInvalidUtf8(bytes));
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < bad; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, col: bad - lineStart + 1 };
  }
}

/** Offset of the first byte that starts no well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const follow =
      b < 0x80
        ? 0
        : b >= 0xc2 && b < 0xe0
          ? 1
          : b >= 0xe0 && b < 0xf0
            ? 2
            : b >= 0xf0 && b < 0xf5
              ? 3
              : -1;
    if (follow < 0) return i;
    for (let k = 1; k <= follow; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += follow + 1;
  }
  return -1;
}
