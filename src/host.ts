import { readFileSync } from "node:fs";
import * as nodePath from "node:path";
import { classifyServices, Classification } from "./classify";
import { decodeUtf8 } from "./decode";
import { Diagnostic, diagnosticAt } from "./diagnostic";
import { discover } from "./discover";
import { addIncludedNetworks, MigrateOptions, migrateText, projectOf } from "./migrate";
import { buildModel, ComposeModel, withDefaults } from "./model";
import { parseCompose } from "./parse";
import { FilePlan, planFile } from "./plan";
import { displayPath } from "./process-file";
import { mergedModel } from "./merge";
import { normalizeProjectName } from "./project-name";

export { normalizeProjectName };
import { groupProjects, migrateProject } from "./project";

/** One file of a project as loaded from disk. */
export interface HostFile {
  path: string;
  text: string;
  model?: ComposeModel;
}

/** A project as Compose sees it: its files, merged, with roles and the rewrite's plan. */
export interface HostProject {
  /** The project name as Compose normalises it. */
  name: string;
  dir: string;
  files: HostFile[];
  model: ComposeModel;
  roles: Map<string, Classification>;
  plan: FilePlan;
}

export interface Host {
  projects: HostProject[];
  errors: Diagnostic[];
}

function loadProject(
  files: HostFile[],
  dir: string,
  options: MigrateOptions,
  errors: Diagnostic[],
): HostProject | undefined {
  const models: ComposeModel[] = [];
  for (const [index, file] of files.entries()) {
    // an override may hold networks alone
    const parsed = parseCompose(file.text, file.path, { servicesOptional: index > 0 });
    if (parsed.kind === "error") errors.push(parsed.diagnostic);
    if (parsed.kind !== "ok") continue;
    file.model = addIncludedNetworks(buildModel(parsed.file), options);
    models.push(file.model);
  }
  if (models.length === 0) return undefined;
  const named = projectOf(models[0].file, undefined);
  const name = normalizeProjectName(withDefaults(named ?? nodePath.basename(dir)));
  const roles = classifyServices(
    mergedModel(models, true, options.readIncluded),
    name,
    options.overrides,
  );
  const model = mergedModel(models, false);
  return {
    name,
    dir,
    files,
    model,
    roles,
    plan: planFile(model, roles, { ...options, project: name }),
  };
}

/**
 * Reads every project under the paths: its compose files grouped as Compose reads them, parsed,
 * merged, classified and planned. Files that cannot be read or parsed are errors.
 */
export async function loadHost(
  paths: string[],
  cwd: string,
  options: MigrateOptions,
  ignore: string[] = [],
): Promise<Host> {
  const { files, missing } = await discover(
    paths.map((p) => nodePath.resolve(cwd, p)),
    { ignore },
  );
  const errors: Diagnostic[] = missing.map((m) =>
    diagnosticAt(
      undefined,
      displayPath(m.path, cwd),
      0,
      "read-error",
      m.message === "ENOENT" ? "no such file or directory" : `cannot be read (${m.message})`,
    ),
  );
  const projects: HostProject[] = [];
  for (const unit of groupProjects(files)) {
    const loaded: HostFile[] = [];
    for (const file of unit) {
      const shown = displayPath(file, cwd);
      try {
        const text = decodeUtf8(readFileSync(file));
        if (typeof text === "string") loaded.push({ path: shown, text });
        else errors.push({ code: "read-error", message: "not UTF-8 text", path: shown, ...text });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "EIO";
        errors.push(
          diagnosticAt(undefined, shown, 0, "read-error", `cannot read the file (${code})`),
        );
      }
    }
    const dir = nodePath.dirname(unit[0]);
    const project = loadProject(
      loaded,
      dir,
      { ...options, project: nodePath.basename(dir) },
      errors,
    );
    if (project) projects.push(project);
  }
  return { projects, errors };
}

/** The host as `composemod --write` would leave it, worked out in memory. */
export function migratedHost(host: Host, options: MigrateOptions): Host {
  const errors: Diagnostic[] = [];
  const projects: HostProject[] = [];
  for (const project of host.projects) {
    const opts = { ...options, project: nodePath.basename(project.dir) };
    const results =
      project.files.length > 1
        ? migrateProject(project.files, opts)
        : project.files.map((f) => migrateText(f.text, f.path, opts));
    const files = project.files.map((f, i) => ({ path: f.path, text: results[i].output }));
    const loaded = loadProject(files, project.dir, opts, errors);
    if (loaded) projects.push(loaded);
  }
  return { projects, errors: [...host.errors, ...errors] };
}
