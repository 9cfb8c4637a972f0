import { existsSync } from "node:fs";
import * as nodePath from "node:path";
import {
  LoadedProject,
  loadProject,
  ProjectLoad,
  ReadText,
  SourceFile,
} from "../compose/load-project";
import { missingComposeFile } from "../compose/project-files";
import { Diagnostic, diagnosticAt } from "../base/diagnostic";
import { errorOutcome, FileOutcome } from "../rewrite/file-outcome";
import { readFromDisk, ReadOutcome, readUtf8 } from "./read-files";
import { editableFiles } from "./within";

/**
 * How a run reads a project: each compose file of its unit whole (`take`: as the run has read
 * it already, or now), and the other files the project reads (`readText`: its `.env`, the files
 * it includes or extends). A run's FileTexts is one.
 */
export interface ProjectReads {
  take(absolute: string): ReadOutcome;
  readText: ReadText;
}

/** Reads from the disk; a project's `.env` only where there is one (most have none, and a failed read costs an exception). */
export const FROM_DISK: ProjectReads = {
  take: readUtf8,
  readText: (absolute) =>
    nodePath.basename(absolute) === ".env" && !existsSync(absolute)
      ? { code: "ENOENT" }
      : readFromDisk(absolute),
};

/** A unit's compose files as read: the ones that could be, and the error of each other. */
export interface UnitFiles {
  /** The project's directory: that of the unit's first file. */
  dir: string;
  files: SourceFile[];
  errors: Diagnostic[];
}

/**
 * Reads the compose files of a unit, the one way the rewrite, the audit and the graph read
 * them: as UTF-8 text; a file that cannot be read is an error at the `COMPOSE_FILE` entry of
 * the project's `.env` that names it, when one does, else of the file itself.
 */
export function readUnitFiles(
  unit: readonly string[],
  reads: ProjectReads,
  show: (absolute: string) => string,
): UnitFiles {
  const dir = nodePath.dirname(unit[0]);
  const files: SourceFile[] = [];
  const errors: Diagnostic[] = [];
  for (const file of unit) {
    const shown = show(file);
    const read = reads.take(file);
    if ("text" in read) {
      files.push({ path: shown, absolute: file, text: read.text });
      continue;
    }
    const listed = read.code === "ENOENT" ? missingListed(file, dir, reads, show) : undefined;
    if (listed) errors.push(listed);
    else if ("line" in read) {
      errors.push({
        code: "read-error",
        message: "not UTF-8 text (compose files are UTF-8); left as it is",
        path: shown,
        line: read.line,
        col: read.col,
      });
    } else {
      errors.push(
        diagnosticAt(undefined, shown, 0, "read-error", `cannot read the file (${read.code})`),
      );
    }
  }
  return { dir, files, errors };
}

/** The error for a file that the project's COMPOSE_FILE names and that is not there, if it is one. */
function missingListed(
  absolute: string,
  dir: string,
  reads: ProjectReads,
  show: (absolute: string) => string,
): Diagnostic | undefined {
  const envPath = nodePath.join(dir, ".env");
  const env = reads.readText(envPath);
  return typeof env === "string"
    ? missingComposeFile(env, show(envPath), dir, absolute)
    : undefined;
}

/** A unit's project as the rewrite reads it: loaded, or not (see ProjectLoad), or the outcome of each file when one cannot be read. */
export type ProjectRead = ProjectLoad | { kind: "unread"; files: FileOutcome[] };

/**
 * Reads and loads a unit's project for the rewrite, all of it or none: a compose file that
 * cannot be read is an error, and the others are left as they are (`skipped`); their outcomes
 * come in that order. Its files are editable by their real paths: below `within`, when given,
 * and an included file inside the project's directory.
 */
export function readProject(
  unit: readonly string[],
  reads: ProjectReads,
  show: (absolute: string) => string,
  within?: readonly string[],
): ProjectRead {
  const { dir, files, errors } = readUnitFiles(unit, reads, show);
  if (errors.length === 0) {
    const editable = editableFiles(dir, within);
    return loadProject({ dir, files, readText: reads.readText, show, editable });
  }
  const project = nodePath.basename(dir);
  const unread = errors.map((d) => errorOutcome(d, project));
  const [first] = unread;
  const why = first.error!.message.startsWith("COMPOSE_FILE")
    ? first.reason
    : `${first.path} of this project cannot be read; the project is left as it is`;
  return {
    kind: "unread",
    files: [
      ...unread,
      ...files.map((f): FileOutcome => ({
        path: f.path,
        project,
        status: "skipped",
        reasonCode: "project-unreadable",
        reason: why,
        services: {},
        warnings: [],
        diff: "",
      })),
    ],
  };
}

/** A project loaded from the files of a unit that could be read, and why it is not all of them. */
export interface ReadableProject {
  project: LoadedProject;
  /** What could not be read, when something could not: the rewrite leaves such a project alone. */
  unread?: string;
}

/**
 * Reads and loads a unit's project for the audit and the graph, from what can be read: where
 * the rewrite would leave the whole project alone because one of its files cannot be read or
 * parsed (or its `.env`), the project is loaded from the others, so that what those say still
 * counts (an audit has no blind spot for a project with one bad file). The errors go to
 * `errors`; such a project says what was left out in `unread`.
 */
export function readReadable(
  unit: readonly string[],
  reads: ProjectReads,
  show: (absolute: string) => string,
  errors: Diagnostic[],
): ReadableProject | undefined {
  const read = readUnitFiles(unit, reads, show);
  errors.push(...read.errors);
  const missed = read.errors.map((d) => `${d.path} cannot be read (${d.message})`);
  return loadReadable(read.files, reads.readText, show, errors, missed);
}

/**
 * Loads a project from `files` as {@link readReadable} does: the files that fail the project's
 * load are left out, one after the other, until it loads.
 */
export function loadReadable(
  files: SourceFile[],
  readText: ReadText,
  show: (absolute: string) => string,
  errors: Diagnostic[],
  missing: string[] = [],
): ReadableProject | undefined {
  if (files.length === 0) return undefined;
  const dir = nodePath.dirname(files[0].absolute);
  const envPath = nodePath.join(dir, ".env");
  const unread = [...missing];
  let read = readText;
  let remaining = files;
  for (;;) {
    const load = loadProject({ dir, files: remaining, readText: read, show });
    if (load.kind === "ok") {
      const project = load.project;
      return unread.length ? { project, unread: unread.join("; ") } : { project };
    }
    const bad = load.failure;
    if ("diagnostic" in bad) {
      const e = bad.diagnostic;
      errors.push(e);
      unread.push(`${e.path}:${e.line}:${e.col} cannot be read (${e.message})`);
    } else {
      unread.push(`${bad.path} is not a compose file (${bad.notCompose})`);
    }
    const env = read(envPath);
    if (typeof env !== "string" && env.code !== "ENOENT" && env.code !== "ENOTDIR") {
      // the .env failed the project: read it again without it
      read = (absolute) => (absolute === envPath ? { code: "ENOENT" } : readText(absolute));
      continue;
    }
    const next = remaining.filter((f) => f.path !== bad.path);
    if (next.length === remaining.length || next.length === 0) return undefined;
    remaining = next;
  }
}
