import * as nodePath from "node:path";
import type { Host, HostProject } from "../analysis/host";
import { hostIndex, projectFacts } from "../analysis/host-index";
import type { LoadedProject, ReadText } from "../compose/load-project";
import { Diagnostic, diagnosticAt } from "../base/diagnostic";
import { analyseProject, RewriteOptions, rewriteProject } from "../rewrite/rewrite-project";
import { describeMissing, discover } from "./discover";
import { displayPath, readFromDisk } from "./read-files";
import { FROM_DISK, loadReadable, ReadableProject, readReadable } from "./read-project";
import type { SettingsFor } from "./batch-options";
import { projectUnits } from "./units";

function hostProject(loaded: LoadedProject, options: RewriteOptions, unread?: string): HostProject {
  const { roles, plan } = analyseProject(loaded, options);
  const project: HostProject = { name: loaded.name, dir: loaded.dir, loaded, roles, plan };
  if (unread !== undefined) project.unread = unread;
  return project;
}

/** The options a host is read with: the rewrite's, and each project's own settings over them. */
export interface HostOptions extends RewriteOptions {
  settingsFor?: SettingsFor;
}

/** A project's options: the host's, with its own settings over them (none that cannot be read). */
function ownOptions(dir: string, options: HostOptions): RewriteOptions {
  const settings = options.settingsFor?.(dir);
  return settings && "options" in settings ? { ...options, ...settings.options } : options;
}

/** Classifies and plans loaded projects knowing each other: the networks they share by name. */
function analyseAll(loaded: ReadableProject[], options: HostOptions): HostProject[] {
  const host = hostIndex(loaded.map(({ project: p }) => projectFacts(p.name, p.merged)));
  return loaded.map((p) =>
    hostProject(p.project, { ...ownOptions(p.project.dir, options), host }, p.unread),
  );
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
  options: HostOptions,
  ignore: string[] = [],
  followSymlinks = false,
): Promise<LoadedHost> {
  const { files, missing } = await discover(
    paths.map((p) => nodePath.resolve(cwd, p)),
    { ignore, followSymlinks },
  );
  const show = (p: string) => displayPath(p, cwd);
  const errors: Diagnostic[] = missing.map((m) =>
    diagnosticAt(undefined, show(m.path), 0, "read-error", describeMissing(m.message)),
  );
  const loadedProjects: ReadableProject[] = [];
  for (const unit of projectUnits(files).units) {
    const settings = options.settingsFor?.(nodePath.dirname(unit[0]));
    if (settings && "errors" in settings) {
      const message = `its project's configuration cannot be used: ${settings.errors.join("; ")}`;
      errors.push(diagnosticAt(undefined, show(unit[0]), 0, "config-error", message));
      continue;
    }
    const project = readReadable(unit, FROM_DISK, show, errors);
    if (project) loadedProjects.push(project);
  }
  return { projects: analyseAll(loadedProjects, options), errors, discovered: files.length };
}

/** The host as `composemod --write` would leave it, worked out in memory. */
export function migratedHost(host: Host, options: HostOptions): Host {
  const errors: Diagnostic[] = [];
  const loadedProjects: ReadableProject[] = [];
  const index = hostIndex(host.projects.map((p) => projectFacts(p.name, p.loaded.merged)));
  for (const project of host.projects) {
    const { loaded } = project;
    if (project.unread !== undefined) {
      loadedProjects.push({ project: loaded, unread: project.unread });
      continue;
    }
    const result = rewriteProject(
      { kind: "ok", project: loaded },
      { ...ownOptions(loaded.dir, options), host: index },
    );
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
