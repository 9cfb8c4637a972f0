import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import ignore, { Ignore } from "ignore";
import { BASE_FILE_NAMES, SIBLING_FILE_NAME } from "../compose/project-files";
import { isWithin, realPathOf } from "./within";

/**
 * File names a directory walk picks up as compose files; beside a base file, also those of
 * {@link SIBLING_FILE_NAME} (`docker-compose-db.yml`).
 */
export const COMPOSE_FILE_NAME =
  /^(compose|docker-compose)(\.[\w.-]+)?\.ya?ml$|^[\w.-]+\.compose\.ya?ml$/;

/** The file a directory walk reads its ignore rules from, in gitignore syntax. */
export const IGNORE_FILE = ".composemodignore";

const SKIPPED_DIRS = new Set([".git", "node_modules"]);

export interface DiscoverOptions {
  /** gitignore-style patterns, matched against paths relative to each walked directory. */
  ignore?: readonly string[];
  /** Walk into symbolic links that lead outside the paths given, too. */
  followSymlinks?: boolean;
}

export interface Discovered {
  files: string[];
  /** Paths that do not exist or cannot be read, with the reason (an errno code or words). */
  missing: { path: string; message: string }[];
  /** Each walked directory, and whether it holds a `.env`: a project's variables need no second look. */
  dotEnv: ReadonlyMap<string, boolean>;
  /** Symbolic links a walk met that lead outside the paths given, and where they lead: left out. */
  outside: { path: string; real: string }[];
}

/** What a path's read error means, in words. */
const READ_PROBLEMS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "not a directory",
  ELOOP: "too many symbolic links",
  "not a regular file": "not a regular file (a compose file is one)",
};

/** A path that could not be taken, in words: an errno code explained, or the walk's own words. */
export function describeMissing(message: string): string {
  return (
    READ_PROBLEMS[message] ?? (message.includes(" ") ? message : `cannot be read (${message})`)
  );
}

interface Matcher {
  base: string;
  rules: Ignore;
}

/**
 * Expands the command line's paths: files are taken whatever their name; directories are walked
 * for compose file names, minus `.git`, `node_modules`, `--ignore` patterns and the rules of any
 * `.composemodignore` met on the way. Symbolic links are followed, each real directory once, so
 * a link loop ends; but a link whose real path lies outside the real paths of all the paths
 * given is left out (and listed in `outside`), unless `followSymlinks`: a walk takes only what
 * lies below what was named. Order is stable: sorted by name, directory by directory.
 */
export async function discover(
  paths: string[],
  options: DiscoverOptions = {},
): Promise<Discovered> {
  const files: string[] = [];
  const missing: Discovered["missing"] = [];
  const seen = new Set<string>();
  const visited = new Set<string>();
  const dotEnv = new Map<string, boolean>();
  const outside: Discovered["outside"] = [];
  const roots = givenRoots(paths);
  const walkOptions: WalkOptions = {
    visited,
    unreadable: missing,
    dotEnv,
    takes: (link, real) => {
      if (options.followSymlinks || roots.some((root) => isWithin(root, real))) return true;
      outside.push({ path: link, real });
      return false;
    },
  };
  // one real file, however many paths lead to it, is read and written once
  const add = (file: string, known?: string) => {
    let real = known ?? file;
    if (!known) {
      try {
        real = realpathSync(file);
      } catch {
        // a file that vanished is reported when it is read
      }
    }
    if (!seen.has(real)) {
      seen.add(real);
      files.push(file);
    }
  };
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      missing.push({ path, message: (error as NodeJS.ErrnoException).code ?? String(error) });
      continue;
    }
    if (stat.isFile()) {
      add(path);
      continue;
    }
    if (!stat.isDirectory()) {
      missing.push({ path, message: "not a regular file" });
      continue;
    }
    const root: Matcher[] = options.ignore?.length
      ? [{ base: path, rules: ignore().add([...options.ignore]) }]
      : [];
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      continue;
    }
    for (const [file, fileReal] of walk(path, real, root, walkOptions)) {
      add(file, fileReal);
    }
  }
  return { files, missing, dotEnv, outside };
}

/**
 * The real paths below which a run may write, from the paths it was given: a directory's own;
 * a file's own and its directory's (a file named stands for its project, whose overrides and
 * included files lie beside it). A path that is not there gives none.
 */
export function givenRoots(paths: readonly string[]): string[] {
  const roots: string[] = [];
  for (const path of paths) {
    const real = realPathOf(path);
    if (real === undefined) continue;
    roots.push(real);
    let isFile = false;
    try {
      isFile = statSync(real).isFile();
    } catch {
      // gone since: it gives nothing more
    }
    const dir = isFile ? realPathOf(nodePath.dirname(path)) : undefined;
    if (dir !== undefined) roots.push(dir);
  }
  return roots;
}

interface WalkOptions {
  visited: Set<string>;
  unreadable: Discovered["missing"];
  dotEnv: Map<string, boolean>;
  /** Whether a symbolic link that leads to `real` is taken. */
  takes: (link: string, real: string) => boolean;
}

/** Which of its names are compose files: `docker-compose-db.yml` only beside a base file. */
function composeNames(names: string[]): (name: string) => boolean {
  const hasBase = names.some((n) => BASE_FILE_NAMES.includes(n));
  return (name) => COMPOSE_FILE_NAME.test(name) || (hasBase && SIBLING_FILE_NAME.test(name));
}

/**
 * The compose files of one directory, not of those under it, as a walk takes them (sorted by
 * name); none when it cannot be read.
 */
export function composeFilesIn(dir: string): string[] | undefined {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  const composeName = composeNames(entries.map((e) => e.name));
  return entries
    .filter((e) => !e.isDirectory() && composeName(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => nodePath.join(dir, name));
}

/** As git decides: the deepest ignore file with an opinion on the path wins, `!` re-includes. */
function ignored(matchers: Matcher[], full: string, isDir: boolean): boolean {
  let verdict = false;
  for (const { base, rules } of matchers) {
    const rel = nodePath.relative(base, full).split(nodePath.sep).join("/");
    if (rel === "" || rel.startsWith("..")) continue;
    const result = rules.test(isDir ? `${rel}/` : rel);
    if (result.ignored) verdict = true;
    else if (result.unignored) verdict = false;
  }
  return verdict;
}

/** Synchronous on purpose: a walk makes many small calls, each cheaper without a promise. */
function walk(
  dir: string,
  real: string,
  inherited: Matcher[],
  options: WalkOptions,
): [path: string, real: string][] {
  const { visited, unreadable, dotEnv } = options;
  const out: [string, string][] = [];
  if (visited.has(real)) return out;
  visited.add(real);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    unreadable.push({ path: dir, message: (error as NodeJS.ErrnoException).code ?? String(error) });
    return out;
  }
  dotEnv.set(
    dir,
    entries.some((e) => e.name === ".env"),
  );
  let matchers = inherited;
  if (entries.some((e) => e.name === IGNORE_FILE && !e.isDirectory())) {
    const file = nodePath.join(dir, IGNORE_FILE);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      // what it leaves out is unknown: nothing under it is taken, and the user is told
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      unreadable.push({
        path: file,
        message: `cannot read this ignore file (${code}); nothing under its directory is taken`,
      });
      return out;
    }
    matchers = [...inherited, { base: dir, rules: ignore().add(text) }];
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const composeName = composeNames(entries.map((e) => e.name));
  for (const entry of entries) {
    const full = nodePath.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    // a real directory's real path follows from its parent's; only a link needs asking
    let childReal = nodePath.join(real, entry.name);
    if (entry.isSymbolicLink()) {
      let target;
      try {
        target = statSync(full);
      } catch {
        // a dangling or self-referring link is nothing to walk
      }
      isDir = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
      if (isDir) {
        try {
          childReal = realpathSync(full);
        } catch {
          isDir = false;
        }
      }
    }
    if (isDir) {
      if (
        !SKIPPED_DIRS.has(entry.name) &&
        !ignored(matchers, full, true) &&
        (!entry.isSymbolicLink() || options.takes(full, childReal))
      ) {
        out.push(...walk(full, childReal, matchers, options));
      }
    } else if (isFile && composeName(entry.name) && !ignored(matchers, full, false)) {
      let fileReal = childReal;
      if (entry.isSymbolicLink()) {
        try {
          fileReal = realpathSync(full);
        } catch {
          continue;
        }
        if (!options.takes(full, fileReal)) continue;
      }
      out.push([full, fileReal]);
    }
  }
  return out;
}
