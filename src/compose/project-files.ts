import * as nodePath from "node:path";
import { Diagnostic, diagnosticAt } from "../base/diagnostic";
import type { Warning } from "../base/warning";
import { SourceText } from "../base/source-text";
import { readDotEnv } from "./values";

/** The file names Compose reads by itself, in its order of preference. */
export const BASE_FILE_NAMES = [
  "compose.yaml",
  "compose.yml",
  "docker-compose.yaml",
  "docker-compose.yml",
];
const OVERRIDE_FILE_NAME = /^(compose|docker-compose)\.override\.ya?ml$/;

/**
 * An override file shipped as an example, to be copied to the override file's name: until it
 * is, it is read as the project's override would be, so that the project and the override it
 * is meant to get are rewritten together and both keep working once it is copied.
 */
const OVERRIDE_EXAMPLE_NAME = /^(compose|docker-compose)\.override\.(example|sample|dist)\.ya?ml$/;

/**
 * Names of compose files that may stand beside a base file as a part of its project, or as a
 * variant of it: `docker-compose-db.yml`, `docker-compose.nginx.yml`, `compose.prod.yaml`,
 * `db.compose.yaml`.
 */
export const SIBLING_FILE_NAME =
  /^(compose|docker-compose)[-.][\w.-]+\.ya?ml$|^[\w.-]+\.compose\.ya?ml$/;

/** A file that is meant to be copied, not read: `docker-compose.override.example.yml`. */
const EXAMPLE_NAME = /[._-](example|sample|template|tpl|dist|bak|backup|orig|old)([._-]|$)/i;

/** A file the project's `.env` names in `COMPOSE_FILE`, and where. */
export interface ComposeFileEntry {
  /** The path as written there. */
  written: string;
  absolute: string;
  /** Offset of the entry in the `.env` text. */
  offset: number;
}

/**
 * The files that `COMPOSE_FILE` in a project's `.env` names, in its order, as Compose splits
 * it: on `COMPOSE_PATH_SEPARATOR` (`:` unless the `.env` sets another), each path relative to
 * the project directory. None when the `.env` does not set it.
 */
export function composeFileSetting(envText: string, dir: string): ComposeFileEntry[] | undefined {
  if (!envText.includes("COMPOSE_FILE")) return undefined;
  const env = readDotEnv(envText);
  const setting = env.get("COMPOSE_FILE");
  if (!setting) return undefined;
  const separator = env.get("COMPOSE_PATH_SEPARATOR")?.value || ":";
  const entries: ComposeFileEntry[] = [];
  let at = setting.offset;
  for (const piece of setting.value.split(separator)) {
    const written = piece.trim();
    const offset = at + piece.length - piece.trimStart().length;
    at += piece.length + separator.length;
    if (written === "") continue;
    const absolute = nodePath.resolve(dir, written);
    if (!entries.some((e) => e.absolute === absolute)) entries.push({ written, absolute, offset });
  }
  return entries.length ? entries : undefined;
}

/**
 * The error for a file that `COMPOSE_FILE` names and that is not there: at the entry of the
 * `.env` that names it (`envPath` as it is shown). None when the `.env` does not name it.
 */
export function missingComposeFile(
  envText: string,
  envPath: string,
  dir: string,
  absolute: string,
): Diagnostic | undefined {
  const entry = composeFileSetting(envText, dir)?.find((e) => e.absolute === absolute);
  if (!entry) return undefined;
  return diagnosticAt(
    new SourceText(envText),
    envPath,
    entry.offset,
    "read-error",
    `COMPOSE_FILE names \`${entry.written}\`, which does not exist; the project is left as it is`,
  );
}

/** The `COMPOSE_FILE` line that reads `files` together, relative to the project directory. */
export function composeFileLine(dir: string, files: string[]): string {
  return `COMPOSE_FILE=${files.map((f) => nodePath.relative(dir, f) || f).join(":")}`;
}

/** Which siblings of a base file are read with it, and what a person should know of the others. */
export interface SiblingDecision {
  /** The siblings that are parts of the base file's project, in the order they were given. */
  fragments: string[];
  /** Warnings on files read apart that may belong with it, by file. */
  warnings: [file: string, warning: Warning][];
}

/** What grouping files needs to know of their directories beyond the names. */
export interface DirectoryFacts {
  /** The files the directory's `.env` names in `COMPOSE_FILE`, if it names some. */
  composeFile(dir: string): ComposeFileEntry[] | undefined;
  /** Which of the compose files beside a base file are parts of its project. */
  siblings(base: string, siblings: string[]): SiblingDecision;
}

/** Facts of no directory: no `.env` is read, no sibling is a part of another file's project. */
export const NO_FACTS: DirectoryFacts = {
  composeFile: () => undefined,
  siblings: () => ({ fragments: [], warnings: [] }),
};

/** Files grouped as Compose reads them, and what a person should know of how they were. */
export interface ProjectGrouping {
  units: string[][];
  /** Warnings on files read apart from a project they may belong to, by file. */
  warnings: Map<string, Warning[]>;
}

/** True for a compose file that may be a part or a variant of the base file beside it. */
export function isSiblingName(name: string): boolean {
  return (
    SIBLING_FILE_NAME.test(name) &&
    !OVERRIDE_FILE_NAME.test(name) &&
    !BASE_FILE_NAMES.includes(name) &&
    !EXAMPLE_NAME.test(name.replace(/\.ya?ml$/, ""))
  );
}

/**
 * Groups files into what Compose reads together. A directory whose `.env` sets `COMPOSE_FILE`
 * is the files it names, in its order (the files it does not name are units of their own).
 * Else a directory's base file is read with the override files of its family and with the
 * siblings that `facts` finds to be parts of its project (a `docker-compose-db.yml` that adds
 * the database, a `docker-compose.prod.yml` that changes its services). Every other file is a
 * unit of its own. Units keep the order of their first file.
 */
export function groupProjectFiles(
  files: string[],
  facts: DirectoryFacts = NO_FACTS,
): ProjectGrouping {
  const byDir = new Map<string, string[]>();
  for (const file of files) {
    const dir = nodePath.dirname(file);
    const list = byDir.get(dir);
    if (list) list.push(file);
    else byDir.set(dir, [file]);
  }
  const given = new Map(files.map((f) => [nodePath.resolve(f), f]));
  const unitOf = new Map<string, string[]>();
  const warnings = new Map<string, Warning[]>();
  // the project a directory's COMPOSE_FILE names, placed where the directory's first file is
  const listedUnits = new Map<string, string[]>();
  // COMPOSE_FILE first: what it names is its project's, wherever the file lies
  for (const [dir, inDir] of byDir) {
    const listed = facts.composeFile(dir);
    if (!listed) continue;
    const unit = listed
      .map((e) => given.get(e.absolute) ?? e.absolute)
      .filter((f) => !unitOf.has(f));
    for (const f of unit) unitOf.set(f, unit);
    if (unit.length) listedUnits.set(inDir[0], unit);
  }
  const listedDirs = new Set([...listedUnits.keys()].map((f) => nodePath.dirname(f)));
  for (const [dir, inDir] of byDir) {
    if (listedDirs.has(dir)) continue;
    const names = inDir.map((f) => nodePath.basename(f));
    const baseName = BASE_FILE_NAMES.find((n) => names.includes(n));
    if (!baseName) continue;
    const base = inDir[names.indexOf(baseName)];
    if (unitOf.has(base)) continue;
    // Compose reads the override of the base file's own family: compose.* or docker-compose.*
    const family = baseName.startsWith("docker-") ? "docker-compose" : "compose";
    const ofFamily = (pattern: RegExp) =>
      inDir.filter((f) => {
        const m = pattern.exec(nodePath.basename(f));
        return m !== null && m[1] === family && !unitOf.has(f);
      });
    let overrides = ofFamily(OVERRIDE_FILE_NAME);
    // the example of an override, when the override itself is not there yet
    if (overrides.length === 0) overrides = ofFamily(OVERRIDE_EXAMPLE_NAME);
    const siblings = inDir.filter(
      (f) => f !== base && isSiblingName(nodePath.basename(f)) && !unitOf.has(f),
    );
    const decided = siblings.length ? facts.siblings(base, siblings) : undefined;
    for (const [file, warning] of decided?.warnings ?? []) {
      warnings.set(file, [...(warnings.get(file) ?? []), warning]);
    }
    const unit = [base, ...overrides, ...(decided?.fragments ?? [])];
    if (unit.length > 1) for (const f of unit) unitOf.set(f, unit);
  }
  const units: string[][] = [];
  const placed = new Set<string[]>();
  const place = (unit: string[]) => {
    if (placed.has(unit)) return;
    placed.add(unit);
    units.push(unit);
  };
  for (const file of files) {
    const listed = listedUnits.get(file);
    if (listed) place(listed);
    const unit = unitOf.get(file);
    if (unit) place(unit);
    else units.push([file]);
  }
  return { units, warnings };
}

/**
 * Groups files into what Compose reads together by their names alone: a directory's base file
 * with the override files beside it; every other file is a unit of its own.
 */
export function groupProjects(files: string[]): string[][] {
  return groupProjectFiles(files).units;
}
