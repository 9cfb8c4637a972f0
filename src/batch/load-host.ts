import * as nodePath from "node:path";
import type { Host, HostProject } from "../analysis/host";
import { hostIndex } from "../analysis/host-index";
import { LoadedProject, loadProject, ReadText, SourceFile } from "../compose/load-project";
import { Diagnostic, diagnosticAt } from "../report/diagnostic";
import { analyseProject, RewriteOptions, rewriteProject } from "../rewrite/rewrite-project";
import { describeMissing, discover } from "./discover";
import { displayPath, readFromDisk, readUtf8 } from "./read-files";
import { fixedNetworksOf } from "./scan-host";
import { projectUnits } from "./units";

function hostProject(loaded: LoadedProject, options: RewriteOptions): HostProject {
  const { roles, plan } = analyseProject(loaded, options);
  return { name: loaded.name, dir: loaded.dir, loaded, roles, plan };
}

/** Loads one project's files (base and overrides) the way the rewrite does; failures go to `errors`. */
function loadUnit(
  files: SourceFile[],
  readText: ReadText,
  show: (absolute: string) => string,
  errors: Diagnostic[],
): LoadedProject | undefined {
  const load = loadProject({ dir: nodePath.dirname(files[0].absolute), files, readText, show });
  if (load.kind === "failed") {
    for (const f of load.files) if (f.diagnostic) errors.push(f.diagnostic);
    return undefined;
  }
  return load.project;
}

/** Classifies and plans loaded projects knowing each other: the networks they share by name. */
function analyseAll(loaded: LoadedProject[], options: RewriteOptions): HostProject[] {
  const host = hostIndex(loaded.map((p) => ({ name: p.name, fixedNetworks: fixedNetworksOf(p) })));
  return loaded.map((p) => hostProject(p, { ...options, host }));
}

/** A host as the paths gave it, and how many compose files they led to. */
export interface LoadedHost extends Host {
  discovered: number;
}

/**
 * Reads every project under the paths as the rewrite reads it: its compose files grouped as
 * Compose reads them, with the files they include and the project's `.env`, parsed, merged,
 * classified and planned. Files that cannot be read or parsed are errors.
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
  const loadedProjects: LoadedProject[] = [];
  for (const unit of projectUnits(files)) {
    const loaded: SourceFile[] = [];
    for (const file of unit) {
      const shown = show(file);
      const read = readUtf8(file);
      if ("text" in read) loaded.push({ path: shown, absolute: file, text: read.text });
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
    if (loaded.length !== unit.length || loaded.length === 0) continue;
    const project = loadUnit(loaded, readFromDisk, show, errors);
    if (project) loadedProjects.push(project);
  }
  return { projects: analyseAll(loadedProjects, options), errors, discovered: files.length };
}

/** The host as `composemod --write` would leave it, worked out in memory. */
export function migratedHost(host: Host, options: RewriteOptions): Host {
  const errors: Diagnostic[] = [];
  const loadedProjects: LoadedProject[] = [];
  const index = hostIndex(
    host.projects.map((p) => ({ name: p.name, fixedNetworks: fixedNetworksOf(p.loaded) })),
  );
  for (const project of host.projects) {
    const { loaded } = project;
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
    const next = loadUnit(files, readText, show, errors);
    if (next) loadedProjects.push(next);
  }
  return { projects: analyseAll(loadedProjects, options), errors: [...host.errors, ...errors] };
}
