import * as nodePath from "node:path";
import type { ReadText } from "../compose/load-project";
import type { Discovered } from "./discover";
import { readFromDisk, ReadOutcome, readUtf8 } from "./read-files";

/**
 * The files of a run as read once: the unit grouping and the host scan look at some of them
 * before their rewrite does, and the rewrite takes them from here instead of reading them
 * again. A `.env` in a directory the walk has listed needs no second look either.
 */
export class FileTexts {
  private readonly texts = new Map<string, ReadOutcome>();

  constructor(private readonly discovered?: Pick<Discovered, "dotEnv">) {}

  /** The file's text (kept for a later `take`). */
  read(absolute: string): ReadOutcome {
    let read = this.texts.get(absolute);
    if (!read) {
      read = readUtf8(absolute);
      this.texts.set(absolute, read);
    }
    return read;
  }

  /** The file's text, read now or earlier; forgotten here once taken. */
  take(absolute: string): ReadOutcome {
    const read = this.texts.get(absolute);
    if (!read) return readUtf8(absolute);
    this.texts.delete(absolute);
    return read;
  }

  /** The reader a project loader uses for `.env`, included and extended files. */
  readonly readText: ReadText = (absolute) => {
    if (
      nodePath.basename(absolute) === ".env" &&
      this.discovered?.dotEnv.get(nodePath.dirname(absolute)) === false
    ) {
      return { code: "ENOENT" };
    }
    return readFromDisk(absolute);
  };
}
