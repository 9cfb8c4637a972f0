import * as crypto from "node:crypto";
import { readFileSync } from "node:fs";
import * as nodePath from "node:path";
import type { ReadText } from "../compose/load-project";
import { decodeUtf8 } from "../yaml/decode";

/** A path as the report and the diff show it: relative to the working directory when inside it. */
export function displayPath(path: string, cwd: string): string {
  // the common case, a normalised path under a normalised working directory, without resolving
  if (
    nodePath.sep === "/" &&
    path.length > cwd.length + 1 &&
    path.startsWith(cwd) &&
    path[cwd.length] === "/" &&
    !NOT_NORMAL.test(path) &&
    !NOT_NORMAL.test(cwd)
  ) {
    return path.slice(cwd.length + 1);
  }
  const absolute = nodePath.resolve(cwd, path);
  const relative = nodePath.relative(cwd, absolute);
  const shown = relative && !relative.startsWith("..") ? relative : absolute;
  return shown.split(nodePath.sep).join("/");
}

/** A path with `//`, a `.` or `..` segment, or a trailing `/`: one that `resolve` would change. */
const NOT_NORMAL = /\/\/|\/\.\.?(\/|$)|\/$|^[^/]/;

/** A file's text as UTF-8, or why it cannot be had: an errno code, or the first byte that is not UTF-8. */
export type ReadOutcome =
  { text: string } | { code: string } | { code: "not-utf8"; line: number; col: number };

/** Reads a compose file strictly as UTF-8; synchronous on purpose, many small reads cost less so. */
export function readUtf8(absolute: string): ReadOutcome {
  try {
    const decoded = decodeUtf8(readFileSync(absolute));
    if (typeof decoded === "string") return { text: decoded };
    return { code: "not-utf8", ...decoded };
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code ?? "EIO" };
  }
}

/** The reader a project loader uses for `.env`, included and extended files. */
export const readFromDisk: ReadText = (absolute) => {
  const read = readUtf8(absolute);
  return "text" in read ? read.text : { code: read.code };
};

/**
 * A file a unit's outcome depends on, and what was in it: the digest of its text, or the error
 * its read gave (a `.env` that was absent is part of the outcome as much as one that was there).
 */
export type ReadRecord = [absolute: string, digest: string];

/** SHA-256 in base64url; one call where Node has `crypto.hash` (20.12 and later), as it is cheaper for small texts. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: string) => string })
  .hash;
const sha256 = oneShot
  ? (text: string) => oneShot("sha256", text, "base64url")
  : (text: string) => crypto.createHash("sha256").update(text).digest("base64url");

/** The digest a read is recorded under. */
export function digestOf(read: ReadOutcome): string {
  if ("text" in read) return sha256(read.text);
  return "code" in read && "line" in read
    ? `!${read.code}:${read.line}:${read.col}`
    : `!${(read as { code: string }).code}`;
}
