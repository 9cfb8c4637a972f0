import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { homedir } from "node:os";
import * as nodePath from "node:path";
import { VERSION } from "../version";
import type { FileOutcome } from "../rewrite/file-outcome";
import { diffHeaders } from "../yaml/diff";
import type { ReadText } from "../compose/load-project";
import type { FileTexts } from "./file-texts";
import type { ProjectReads } from "./read-project";
import { CachedEntry, factFits, isEntry, OutcomeCheck, outcomesFit } from "./cache-entry";
import { digestOf, displayPath, ReadOutcome, ReadRecord } from "./read-files";

/**
 * The files read (with their digests), a unit's outcomes or a fact of its files (what they
 * include, the networks they fix) made of them, and the run that last used it (the oldest
 * are dropped first).
 */
type Entry = CachedEntry;

interface CacheFile {
  format: typeof FORMAT;
  /** The composemod that wrote it: the entries of another are never read. */
  build: string;
  run: number;
  entries: Record<string, Entry>;
}

const FORMAT = 3;

/**
 * How a step reads the files a remembered value is made from; what it reads is recorded.
 * FileTexts is one (recording nothing).
 */
export interface Reads {
  read(absolute: string): ReadOutcome;
  readText: ReadText;
}

/**
 * Reads through `texts`, recording in `record` each file read and the digest of what it held:
 * what an outcome or a fact is kept under.
 */
export function recordedReads(texts: FileTexts, record: ReadRecord[]): Reads & ProjectReads {
  const recorded = (absolute: string, read: ReadOutcome) => {
    record.push([absolute, texts.digest(read)]);
    return read;
  };
  return {
    read: (absolute) => recorded(absolute, texts.read(absolute)),
    take: (absolute) => recorded(absolute, texts.take(absolute)),
    readText: (absolute) => {
      const read = texts.readText(absolute);
      record.push([absolute, digestOf(typeof read === "string" ? { text: read } : read)]);
      return read;
    },
  };
}

/** Runs `compute` over the files of `unit` once; a cache gives back what it gave before. */
export type Remember = <T>(
  kind: string,
  unit: readonly string[],
  compute: (reads: Reads) => T,
) => T;

/** How a cache file of this format and build begins. */
function fileStart(build: string): string {
  return `{"format":${FORMAT},"build":"${build}",`;
}

/** Entries kept in one cache file, the most recently used first. */
export const MAX_ENTRIES = 50_000;

/** Where the cache lives when no `--cache-location` is given: the user's cache directory. */
export function defaultCacheLocation(env: Readonly<Record<string, string | undefined>>): string {
  const base =
    env.XDG_CACHE_HOME && nodePath.isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : nodePath.join(env.HOME || homedir(), ".cache");
  return nodePath.join(base, "composemod", "cache.json");
}

/** JSON with map entries, set members and object keys in a fixed order, for hashing. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (v instanceof Map) return { "<map>": [...v.entries()].sort(compareEntries) };
    if (v instanceof Set) return { "<set>": [...v].sort() };
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    }
    return v;
  });
}

function compareEntries(a: [unknown, unknown], b: [unknown, unknown]): number {
  const x = String(a[0]);
  const y = String(b[0]);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The build that runs: the bundle's own bytes, so a rebuild of the same version is a new key. */
function buildIdentity(): string {
  try {
    return createHash("sha256").update(fs.readFileSync(__filename)).digest("base64url");
  } catch {
    return "";
  }
}

/**
 * Outcomes of earlier runs, keyed on composemod's version and build, the run's options, the
 * working directory, the unit's files, what it depends on of the other projects (the networks
 * with a fixed name that several share, for a project that may declare one), and the bytes
 * of every file its outcome was made from: the unit's own files, the `.env`, and the files it
 * includes or extends. An outcome is reused only when all of these are as they were, so a
 * cached run reports what a fresh one would. Outcomes that depend on more than what was read
 * (a file that could not be written, a worker that stopped) and, with --write, any change are
 * never kept.
 */
export class ResultCache {
  private readonly entries: Map<string, Entry>;
  private readonly run: number;
  private readonly runKey: string;
  /** The key of facts that depend on the files and the build only, not on the options. */
  private readonly factKey: string;
  private dirty = false;
  /** Why the cache file could not be used, for a warning. */
  readonly problem?: string;
  /** Entries of the file that were not sound (see `cache-entry.ts`): worked out again. */
  rejected = 0;

  private constructor(
    private readonly location: string,
    runKey: string,
    factKey: string,
    loaded: CacheFile | undefined,
    problem: string | undefined,
    private readonly write: boolean,
    private readonly cwd: string,
  ) {
    this.runKey = runKey;
    this.factKey = factKey;
    this.entries = new Map();
    for (const [key, entry] of Object.entries(loaded?.entries ?? {})) {
      if (isEntry(entry)) this.entries.set(key, entry);
      else this.rejected++;
    }
    this.run = (loaded?.run ?? 0) + 1;
    this.problem = problem;
  }

  /** Opens the cache at `location` for a run with `options`; a missing or unreadable file starts empty. */
  static open(
    location: string,
    options: { write: boolean } & object,
    cwd: string,
    build: string = buildIdentity(),
  ): ResultCache {
    const runKey = createHash("sha256")
      .update(stableJson({ version: VERSION, build, cwd, options }))
      .digest("base64url");
    const factKey = createHash("sha256")
      .update(stableJson({ version: VERSION, build }))
      .digest("base64url");
    let loaded: CacheFile | undefined;
    let problem: string | undefined;
    try {
      const text = readOwnFile(location);
      // another composemod's cache starts again, unparsed: none of its entries could match
      if (text.startsWith(fileStart(factKey))) {
        const parsed = JSON.parse(text) as CacheFile | null;
        const entries = parsed?.entries as unknown;
        const sound = !!entries && typeof entries === "object" && !Array.isArray(entries);
        if (sound && Number.isInteger(parsed!.run) && parsed!.run >= 0) loaded = parsed!;
        else problem = "it is not a composemod cache; it starts again";
      } else if (!/^\{"format":\d+,"build":"/.test(text)) {
        problem = "it is not a composemod cache; it starts again";
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // none there yet (nor, maybe, its directory): the write says what it can
      if (error instanceof NotOwn) problem = error.message;
      else if (code !== "ENOENT" && code !== "ENOTDIR") {
        problem = code
          ? `cannot read it (${code}); it starts again`
          : "it is not valid JSON; it starts again";
      }
    }
    return new ResultCache(location, runKey, factKey, loaded, problem, options.write, cwd);
  }

  private keyOf(unit: readonly string[], host: unknown): string {
    return createHash("sha256")
      .update(this.runKey + "\0" + stableJson(host ?? null) + "\0" + unit.join("\0"))
      .digest("base64url");
  }

  /**
   * The entry under `key` when every file it was made from reads as it did in `texts` and its
   * value is sound (`fits`); one that is not is dropped, and counted.
   */
  private valid(key: string, texts: FileTexts, fits: (entry: Entry) => boolean): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    for (const [absolute, digest] of entry.reads) {
      if (texts.digest(texts.peek(absolute)) !== digest) return undefined;
    }
    if (!fits(entry)) {
      this.entries.delete(key);
      this.rejected++;
      return undefined;
    }
    // the stamp is written with the next change; a run that changes nothing writes nothing
    entry.run = this.run;
    return entry;
  }

  /**
   * A fact of a unit's files that does not depend on the options (the files it includes, the
   * networks with a fixed name it is on): remembered from an earlier run while the files it
   * was made from are unchanged, else worked out now from `texts`, recording what it reads.
   */
  remembering(texts: FileTexts): Remember {
    return <T>(kind: string, unit: readonly string[], compute: (reads: Reads) => T): T => {
      const key = createHash("sha256")
        .update(this.factKey + "\0" + kind + "\0" + unit.join("\0"))
        .digest("base64url");
      const entry = this.valid(key, texts, (e) => factFits(kind, e.value, unit));
      if (entry) return entry.value as T;
      const reads: ReadRecord[] = [];
      const value = compute(recordedReads(texts, reads));
      this.entries.set(key, { reads, value, run: this.run });
      this.dirty = true;
      return value;
    };
  }

  /**
   * The unit's outcomes from an earlier run, when every file they were made from is unchanged
   * (as the run reads it now, in `texts`). `host` is what the unit's outcome depends on of the
   * other projects of the run, if anything.
   */
  lookup(unit: readonly string[], host: unknown, texts: FileTexts): FileOutcome[] | undefined {
    const check: OutcomeCheck = {
      show: (absolute) => displayPath(absolute, this.cwd),
      text: (absolute) => {
        const read = texts.peek(absolute);
        return "text" in read ? read.text : undefined;
      },
      headers: diffHeaders,
    };
    // the unit's own files are always among those read (see `store`)
    const fits = (entry: Entry) =>
      unit.every((file) => entry.reads.some(([read]) => read === file)) &&
      outcomesFit(entry.value, unit, entry.reads, check);
    return this.valid(this.keyOf(unit, host), texts, fits)?.value as FileOutcome[] | undefined;
  }

  /** Keeps the outcomes of a unit made from `reads`, unless they depend on more than those bytes. */
  store(
    unit: readonly string[],
    host: unknown,
    reads: readonly ReadRecord[],
    outcomes: FileOutcome[],
  ): void {
    if (!cacheable(outcomes, this.write)) return;
    const own = new Set(unit);
    // the unit's own files are always part of the key, read or not
    if (!unit.every((file) => reads.some(([r]) => r === file))) return;
    this.entries.set(this.keyOf(unit, host), {
      reads: [...reads].sort(([a], [b]) => (own.has(a) === own.has(b) ? 0 : own.has(a) ? -1 : 1)),
      value: outcomes,
      run: this.run,
    });
    this.dirty = true;
  }

  /** Writes the cache (atomically: a temporary file renamed over it); returns why not, if it could not. */
  save(): string | undefined {
    if (!this.dirty) return undefined;
    const kept = [...this.entries].sort(([, a], [, b]) => b.run - a.run).slice(0, MAX_ENTRIES);
    const file: CacheFile = {
      format: FORMAT,
      build: this.factKey,
      run: this.run,
      entries: Object.fromEntries(kept),
    };
    const temp = `${this.location}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(nodePath.dirname(this.location), { recursive: true });
      // it holds the diffs of the files: for the user alone
      fs.writeFileSync(temp, JSON.stringify(file), { mode: 0o600 });
      fs.renameSync(temp, this.location);
      return undefined;
    } catch (error) {
      try {
        fs.rmSync(temp, { force: true });
      } catch {
        // nothing was made: the directory is not there to hold it
      }
      return `cannot write it (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
  }
}

/** A cache file that another user could have written: not read. */
class NotOwn extends Error {}

/**
 * The cache file's text, when the user who runs composemod owns it and no other user may write
 * it (as ssh reads its keys): what another user wrote is not taken for a result.
 */
function readOwnFile(location: string): string {
  const fd = fs.openSync(location, "r");
  try {
    const stat = fs.fstatSync(fd);
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) {
      throw new NotOwn("it belongs to another user; it is not read, and starts again");
    }
    if (stat.mode & 0o002) {
      throw new NotOwn("any user may write it; it is not read, and starts again");
    }
    return fs.readFileSync(fd, "utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Errors that do not follow from what the files held: a failed write, a worker that stopped.
 * (A file that could not be read is recorded with its error, and read again to check it.)
 */
const NOT_FROM_READS = new Set(["write-error", "internal-error"]);

function cacheable(outcomes: FileOutcome[], write: boolean): boolean {
  return outcomes.every((outcome) => {
    if (outcome.status === "changed") return !write;
    return !(outcome.status === "error" && NOT_FROM_READS.has(outcome.error?.code ?? ""));
  });
}
