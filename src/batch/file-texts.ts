import * as nodePath from "node:path";
import type { ReadText } from "../compose/load-project";
import type { Discovered } from "./discover";
import { digestOf, readFromDisk, ReadOutcome, readUtf8 } from "./read-files";
import type { ProjectRead } from "./read-project";

/**
 * The files of a run as read once: the unit grouping and the host scan look at some of them
 * before their rewrite does, and the rewrite takes them from here instead of reading them
 * again. A `.env` in a directory the walk has listed needs no second look either.
 */
/** What the main process hands a worker of a unit: its files as read, and whether there is a `.env`. */
export interface HandedOver {
  texts: (ReadOutcome | null)[];
  dotEnv?: boolean;
  /** The project's `.env` as the grouping of files read it (for its COMPOSE_FILE). */
  env?: ReadOutcome;
}

export class FileTexts {
  private readonly texts = new Map<string, ReadOutcome>();
  /** The digest of each read, worked out once: a cached run checks one text for several entries. */
  private readonly digests = new WeakMap<ReadOutcome, string>();
  /** A unit's project as loaded before its rewrite (by the host scan), to be loaded once. */
  private loaded?: { unit: readonly string[]; load: ProjectRead };

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

  /** A unit's files as read here, taken out of this cache, to be handed to a worker. */
  handOver(unit: readonly string[]): HandedOver {
    const texts = unit.map((file) => {
      const read = this.texts.get(file);
      if (read) this.texts.delete(file);
      return read ?? null;
    });
    const envPath = nodePath.join(nodePath.dirname(unit[0]), ".env");
    const env = this.texts.get(envPath);
    if (env) this.texts.delete(envPath);
    const dotEnv = this.discovered?.dotEnv.get(nodePath.dirname(unit[0]));
    return {
      texts,
      ...(dotEnv === undefined ? {} : { dotEnv }),
      ...(env === undefined ? {} : { env }),
    };
  }

  /** The texts of a unit as a worker is handed them. */
  static from(unit: readonly string[], given: HandedOver): FileTexts {
    const dotEnv = new Map<string, boolean>();
    if (given.dotEnv !== undefined) dotEnv.set(nodePath.dirname(unit[0]), given.dotEnv);
    const texts = new FileTexts({ dotEnv });
    unit.forEach((file, i) => {
      const read = given.texts[i];
      if (read) texts.provide(file, read);
    });
    if (given.env) texts.provide(nodePath.join(nodePath.dirname(unit[0]), ".env"), given.env);
    return texts;
  }

  /**
   * Keeps a unit's project as read and loaded (by the host scan) for its rewrite: a run of one
   * project parses its files once, not twice. One is kept at a time.
   */
  keepLoad(unit: readonly string[], load: ProjectRead): void {
    this.loaded = { unit, load };
  }

  /** The unit's project kept by {@link keepLoad}, its texts taken out of this cache with it. */
  takeLoad(unit: readonly string[]): ProjectRead | undefined {
    const kept = this.loaded;
    if (!kept || kept.unit.length !== unit.length || kept.unit.some((f, i) => f !== unit[i])) {
      return undefined;
    }
    this.loaded = undefined;
    for (const file of unit) this.texts.delete(file);
    return kept.load;
  }

  /** Gives the text a file is to be taken as (standard input standing in for a path). */
  provide(absolute: string, read: ReadOutcome): void {
    this.texts.set(absolute, read);
  }

  /** The file's text, read now or earlier; forgotten here once taken. */
  take(absolute: string): ReadOutcome {
    const read = this.texts.get(absolute);
    if (!read) return readUtf8(absolute);
    this.texts.delete(absolute);
    return read;
  }

  /**
   * What a file holds as the run reads it: the text read earlier if there is one (else read
   * now, and kept), a `.env` the walk found absent as absent.
   */
  peek(absolute: string): ReadOutcome {
    if (this.knownAbsent(absolute)) return { code: "ENOENT" };
    return this.read(absolute);
  }

  /** The digest a read of this run is recorded under (see {@link digestOf}). */
  digest(read: ReadOutcome): string {
    let digest = this.digests.get(read);
    if (digest === undefined) {
      digest = digestOf(read);
      this.digests.set(read, digest);
    }
    return digest;
  }

  private knownAbsent(absolute: string): boolean {
    return (
      nodePath.basename(absolute) === ".env" &&
      this.discovered?.dotEnv.get(nodePath.dirname(absolute)) === false
    );
  }

  /**
   * The reader a project loader uses for `.env`, included and extended files: a `.env` the
   * grouping of files has read already is not read again.
   */
  readonly readText: ReadText = (absolute) => {
    if (this.knownAbsent(absolute)) return { code: "ENOENT" };
    const known = nodePath.basename(absolute) === ".env" ? this.texts.get(absolute) : undefined;
    if (known) return "text" in known ? known.text : { code: known.code };
    return readFromDisk(absolute);
  };
}
