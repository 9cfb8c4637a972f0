import { ROLES } from "../analysis/roles/types";
import type { FileOutcome } from "../rewrite/file-outcome";
import type { ReadRecord } from "./read-files";

/**
 * What a cache file's entry must be to be used: the cache file is a file like any other, which
 * anyone who can write it can change, so nothing of it is taken as it stands. An entry is used
 * only when it has the shape composemod writes, names the files it was made from with their
 * digests, and (for a unit's outcomes) says of each file what it could say of those bytes: one
 * outcome for each of the unit's files, on no other file than those read, a status that agrees
 * with its reason, error and diff, and a diff that applies to the file as it is now. Anything
 * else is a miss, worked out again.
 */

type Data = Record<string, unknown>;

const isObject = (v: unknown): v is Data => !!v && typeof v === "object" && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
const optional = (v: unknown, test: (v: unknown) => boolean) => v === undefined || test(v);

/** Whether an object has no key but `allowed` ones. */
function onlyKeys(value: Data, allowed: ReadonlySet<string>): boolean {
  return Object.keys(value).every((k) => allowed.has(k));
}

/** An entry as it is kept: the files read, with their digests; what was made of them; its run. */
export interface CachedEntry {
  reads: ReadRecord[];
  value: unknown;
  run: number;
}

/** Whether a cache file's entry has the shape of one (its value is checked where it is used). */
export function isEntry(value: unknown): value is CachedEntry {
  return (
    isObject(value) &&
    typeof value.run === "number" &&
    Number.isFinite(value.run) &&
    Array.isArray(value.reads) &&
    value.reads.every((r) => Array.isArray(r) && r.length === 2 && isString(r[0]) && isString(r[1]))
  );
}

const STATUSES = new Set(["changed", "unchanged", "skipped", "error"]);
/** The reasons of a plan that changes files: a change has one, a skipped file never. */
const CHANGE_REASONS = new Set<unknown>(["isolates", "modernizes"]);
const ROLE_SET = new Set<unknown>(ROLES);
const OUTCOME_KEYS = new Set([
  "path",
  "project",
  "status",
  "reasonCode",
  "reason",
  "services",
  "warnings",
  "diff",
  "error",
  "explain",
]);
const ERROR_KEYS = new Set(["code", "message", "path", "line", "col", "frame"]);

function isWarning(value: unknown): boolean {
  return (
    isObject(value) &&
    isString(value.code) &&
    isString(value.message) &&
    optional(value.service, isString)
  );
}

function isServiceReport(value: unknown): boolean {
  return (
    isObject(value) && ROLE_SET.has(value.role) && isString(value.rule) && isString(value.reason)
  );
}

function isDiagnostic(value: unknown): boolean {
  return (
    isObject(value) &&
    onlyKeys(value, ERROR_KEYS) &&
    isString(value.code) &&
    isString(value.message) &&
    isString(value.path) &&
    optional(value.line, isCount) &&
    optional(value.col, isCount) &&
    optional(value.frame, isString)
  );
}

/** Whether a value has the shape of a file's outcome, and its fields agree with each other. */
function isOutcome(value: unknown): value is FileOutcome {
  if (!isObject(value) || !onlyKeys(value, OUTCOME_KEYS)) return false;
  const { path, status, error, diff, services, warnings } = value;
  const shaped =
    isString(path) &&
    isString(value.project) &&
    STATUSES.has(status as string) &&
    isString(value.reasonCode) &&
    isString(value.reason) &&
    isString(diff) &&
    isObject(services) &&
    Object.values(services).every(isServiceReport) &&
    Array.isArray(warnings) &&
    warnings.every(isWarning) &&
    optional(error, isDiagnostic) &&
    optional(value.explain, isString);
  if (!shaped) return false;
  // an error, and only an error, has its diagnostic (about the file itself) and no diff
  if ((status === "error") !== (error !== undefined)) return false;
  if (status === "error") {
    return value.reasonCode === "error" && (error as Data).path === path && diff === "";
  }
  if (status === "changed") return CHANGE_REASONS.has(value.reasonCode);
  // only a change has a diff (when the run shows one)
  return diff === "" && !(status === "skipped" && CHANGE_REASONS.has(value.reasonCode));
}

/**
 * Whether a unified diff is one of `text`: it begins with `headers` (its file's, as composemod writes them),
 * and every line it keeps or removes is the file's line at its place, hunk by hunk.
 */
export function diffFits(diff: string, text: string, headers: string): boolean {
  if (!diff.startsWith(headers)) return false;
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const body = diff.slice(headers.length).split("\n");
  // the diff ends in a newline: the last piece is empty
  if (body.pop() !== "") return false;
  let at = 0;
  let old = 0;
  let added = 0;
  let next = -1;
  for (const line of body) {
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,(\d+))? @@$/.exec(line);
    if (hunk) {
      if (old !== 0 || added !== 0) return false;
      const start = Number(hunk[1]);
      old = hunk[2] === undefined ? 1 : Number(hunk[2]);
      added = hunk[3] === undefined ? 1 : Number(hunk[3]);
      next = old === 0 ? start : start - 1;
      if (next < at) return false;
      at = next;
      continue;
    }
    if (next < 0) return false;
    const kind = line[0];
    if (kind === "\\") continue;
    if (kind === "+") {
      if (added-- <= 0) return false;
      continue;
    }
    if (kind !== " " && kind !== "-") return false;
    // a kept or removed line is the file's, without its line feed (the last one may lack it)
    const own = lines[at];
    if (own === undefined || own.replace(/\n$/, "") !== line.slice(1) || old-- <= 0) return false;
    if (kind === " " && added-- <= 0) return false;
    at++;
  }
  return next >= 0 && old === 0 && added === 0;
}

/** How a cached value is checked against what the run reads now. */
export interface OutcomeCheck {
  /** How a file's path is shown, which its outcome names. */
  show: (absolute: string) => string;
  /** The file's text as the run reads it now, when it can be read. */
  text: (absolute: string) => string | undefined;
  /** The headers of a file's diff. */
  headers: (path: string) => string;
}

/**
 * Whether a cached value is the outcomes of `unit` made from the files `reads` names: one
 * outcome for each of the unit's files (which come first, in their order), every outcome on a
 * file that was read, each of a sound shape, a change's diff one of the file as it is.
 */
export function outcomesFit(
  value: unknown,
  unit: readonly string[],
  reads: readonly ReadRecord[],
  check: OutcomeCheck,
): value is FileOutcome[] {
  if (!Array.isArray(value) || value.length < unit.length || !value.every(isOutcome)) return false;
  const read = new Map(reads.map(([absolute]) => [check.show(absolute), absolute]));
  const seen = new Set<string>();
  for (const [i, outcome] of value.entries()) {
    const absolute = read.get(outcome.path);
    if (absolute === undefined || seen.has(outcome.path)) return false;
    if (i < unit.length && absolute !== unit[i]) return false;
    seen.add(outcome.path);
    if (outcome.status === "changed" && outcome.diff !== "") {
      const text = check.text(absolute);
      if (text === undefined) return false;
      if (!diffFits(outcome.diff, text, check.headers(outcome.path))) return false;
    }
  }
  // a plan that changes the project changed one of its files, or failed on one
  const planned = value.some((o) => CHANGE_REASONS.has(o.reasonCode));
  return !planned || value.some((o) => o.status === "changed" || o.status === "error");
}

/** Whether a remembered fact of the files of `unit` has the shape of one of its `kind`. */
export function factFits(kind: string, value: unknown, unit: readonly string[]): boolean {
  switch (kind) {
    case "includes":
      return isStrings(value);
    case "siblings": {
      // the fragments are some of the siblings, the warnings on files of the unit
      if (!isObject(value) || !isStrings(value.fragments) || !Array.isArray(value.warnings)) {
        return false;
      }
      const siblings = new Set(unit.slice(1));
      return (
        value.fragments.every((f) => siblings.has(f)) &&
        value.warnings.every(
          (w) =>
            Array.isArray(w) && w.length === 2 && unit.includes(w[0] as string) && isWarning(w[1]),
        )
      );
    }
    case "host-facts":
      return value === null || isProjectFacts(value);
    default:
      return false;
  }
}

function isProjectFacts(value: unknown): boolean {
  return (
    isObject(value) &&
    isString(value.name) &&
    isStrings(value.fixedNetworks) &&
    Array.isArray(value.shared) &&
    value.shared.every(
      (s) =>
        isObject(s) &&
        isString(s.service) &&
        isString(s.network) &&
        isStrings(s.names) &&
        optional(s.private, (v) => v === true) &&
        optional(s.stays, (v) => v === true),
    ) &&
    Array.isArray(value.reaches) &&
    value.reaches.every(
      (r) =>
        isObject(r) &&
        isString(r.service) &&
        isStrings(r.networks) &&
        isString(r.host) &&
        isString(r.via),
    )
  );
}
