import * as nodePath from "node:path";
import type { Host, HostProject } from "../analysis/host";
import { hostIndex, projectFacts } from "../analysis/host-index";
import { LoadedProject, loadProject, ReadText, SourceFile } from "../compose/load-project";
import { missingComposeFile } from "../compose/project-files";
import { Diagnostic, diagnosticAt } from "../report/diagnostic";
import { analyseProject, RewriteOptions, rewriteProject } from "../rewrite/rewrite-project";
import { describeMissing, discover } from "./discover";
import { displayPath, readFromDisk, readUtf8 } from "./read-files";
import { projectUnits } from "./units";

function hostProject(loaded: LoadedProject, options: RewriteOptions, unread?: string): HostProject {
  const { roles, plan } = analyseProject(loaded, options);
  const project: HostProject = { name: loaded.name, dir: loaded.dir, loaded, roles, plan };
  if (unread !== undefined) project.unread = unread;
  return project;
}

/** The files of a unit that can be read as UTF-8 text; the others are errors. */
export function readUnit(
  unit: string[],
  show: (absolute: string) => string,
  errors: Diagnostic[],
): SourceFile[] {
  const files: SourceFile[] = [];
  const dir = nodePath.dirname(unit[0]);
  for (const file of unit) {
    const shown = show(file);
    const read = readUtf8(file);
    const env =
      "code" in read && read.code === "ENOENT"
        ? readFromDisk(nodePath.join(dir, ".env"))
        : undefined;
    const listed =
      typeof env === "string"
        ? missingComposeFile(env, show(nodePath.join(dir, ".env")), dir, file)
        : undefined;
    if ("text" in read) files.push({ path: shown, absolute: file, text: read.text });
    else if (listed) errors.push(listed);
    else if ("line" in read) {
      errors.push({
        code: "read-error",
        message: "not UTF-8 text",
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
  return files;
}

/** A project loaded from the files of a unit that could be read, and why it is not all of them. */
export interface ReadableProject {
  project: LoadedProject;
  /** What could not be read, when something could not: the rewrite leaves such a project alone. */
  unread?: string;
}

/**
 * Loads a project (base and overrides) the way the rewrite does; failures go to `errors`. Where
 * the rewrite would leave the whole project alone because one of its files cannot be read or
 * parsed (or its `.env`), the project is loaded again from what can be, so that what those
 * files say still counts: an audit has no blind spot for a project with one bad file. Such a
 * project says what was left out in `unread`.
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
    const own = load.files.filter((f) => f.reasonCode !== "project-unreadable");
    for (const f of own) {
      if (f.error) errors.push(f.error);
      unread.push(
        f.error
          ? `${f.error.path}:${f.error.line}:${f.error.col} cannot be read (${f.error.message})`
          : `${f.path} is not a compose file (${f.reason})`,
      );
    }
    const env = read(envPath);
    if (typeof env !== "string" && env.code !== "ENOENT" && env.code !== "ENOTDIR") {
      // the .env failed the project: read it again without it
      read = (absolute) => (absolute === envPath ? { code: "ENOENT" } : readText(absolute));
      continue;
    }
    const dropped = new Set(own.map((f) => f.path));
    const next = remaining.filter((f) => !dropped.has(f.path));
    if (next.length === remaining.length || next.length === 0) return undefined;
    remaining = next;
  }
}

/** Classifies and plans loaded projects knowing each other: the networks they share by name. */
function analyseAll(loaded: ReadableProject[], options: RewriteOptions): HostProject[] {
  const host = hostIndex(loaded.map(({ project: p }) => projectFacts(p.name, p.merged)));
  return loaded.map((p) => hostProject(p.project, { ...options, host }, p.unread));
}

/** A host as the paths gave it, and how many compose files they led to. */
export interface LoadedHost extends Host {
  discovered: number;
}

/**
 * Reads every project under the paths as the rewrite reads it: its compose files grouped as
 * Compose reads them, with the files they include and the project's `.env`, parsed, merged,
 * classified and planned. Files that cannot be read or parsed are errors, and their projects
 * are read from the files that can be.
 */
export async function loadHost(
  paths: string[],
  cwd: string,
  options: RewriteOptions,
  ignore: string[] = [],
): Promise<LoadedHost> {
  const { files, missing } = await discover(
    paths.map((p) => nodePath.resolve(cwd, p)),
    { ignore },
  );
  const show = (p: string) => displayPath(p, cwd);
  const errors: Diagnostic[] = missing.map((m) =>
    diagnosticAt(undefined, show(m.path), 0, "read-error", describeMissing(m.message)),
  );
  const loadedProjects: ReadableProject[] = [];
  for (const unit of projectUnits(files).units) {
    const before = errors.length;
    const read = readUnit(unit, show, errors);
    const missed = errors.slice(before).map((d) => `${d.path} cannot be read (${d.message})`);
    const project = loadReadable(read, readFromDisk, show, errors, missed);
    if (project) loadedProjects.push(project);
  }
  return { projects: analyseAll(loadedProjects, options), errors, discovered: files.length };
}

/** The host as `composemod --write` would leave it, worked out in memory. */
export function migratedHost(host: Host, options: RewriteOptions): Host {
  const errors: Diagnostic[] = [];
  const loadedProjects: ReadableProject[] = [];
  const index = hostIndex(host.projects.map((p) => projectFacts(p.name, p.loaded.merged)));
  for (const project of host.projects) {
    const { loaded } = project;
    if (project.unread !== undefined) {
      loadedProjects.push({ project: loaded, unread: project.unread });
      continue;
    }
    const result = rewriteProject({ kind: "ok", project: loaded }, { ...options, host: index });
    const after = new Map(
      loaded.files.map((f, i) => [f.absolute, result.files[i]?.output ?? f.text]),
    );
    const readText: ReadText = (absolute) => after.get(absolute) ?? readFromDisk(absolute);
    const files = loaded.files
      .filter((f) => f.kind !== "include")
      .map((f) => ({ path: f.path, absolute: f.absolute, text: after.get(f.absolute)! }));
    const show = (absolute: string) =>
      loaded.files.find((f) => f.absolute === absolute)?.path ?? absolute;
    const next = loadReadable(files, readText, show, errors);
    if (next) loadedProjects.push(next);
  }
  return { projects: analyseAll(loadedProjects, options), errors: [...host.errors, ...errors] };
}
