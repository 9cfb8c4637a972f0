import * as nodePath from "node:path";
import { composeFileLine } from "../compose/project-files";
import type { Warning } from "../base/warning";
import { PROJECT_LABEL } from "./live-projects";
import type { EngineState } from "./read-engine";

/** The directory Compose ran in, and the files it was given, as it labels each container. */
export const WORKING_DIR_LABEL = "com.docker.compose.project.working_dir";
export const CONFIG_FILES_LABEL = "com.docker.compose.project.config_files";

/** A running project and the files Compose made it from. */
export interface StartedFrom {
  project: string;
  /** The directory Compose ran in, absolute. */
  dir: string;
  /** The files it read, absolute, in its order. */
  files: string[];
}

/**
 * The files each running project was made from, by the labels Compose puts on its containers
 * (comma-separated paths, relative ones read from the working directory, as Compose 1 wrote
 * them). A project whose containers do not say is left out.
 */
export function startedFrom(state: EngineState): StartedFrom[] {
  const projects = new Map<string, StartedFrom>();
  for (const c of state.containers) {
    const project = c.labels[PROJECT_LABEL];
    const dir = c.labels[WORKING_DIR_LABEL];
    const listed = c.labels[CONFIG_FILES_LABEL];
    if (!project || !dir || !listed) continue;
    let started = projects.get(project);
    if (!started) projects.set(project, (started = { project, dir, files: [] }));
    for (const file of listed.split(",")) {
      const absolute = file.trim() && nodePath.resolve(dir, file.trim());
      if (absolute && !started.files.includes(absolute)) started.files.push(absolute);
    }
  }
  return [...projects.values()].sort((a, b) =>
    a.project < b.project ? -1 : a.project > b.project ? 1 : 0,
  );
}

const quoted = (files: string[], dir: string) =>
  files.map((f) => `\`${nodePath.relative(dir, f) || f}\``).join(", ");

/** What composemod makes of the files of a running project, in words. */
function readAs(started: StartedFrom, units: string[][]): string {
  const { dir, files } = started;
  const seen = new Set<string[]>();
  const together: string[] = [];
  const alone: string[] = [];
  const unread: string[] = [];
  for (const file of files) {
    const unit = units.find((u) => u.some((f) => nodePath.resolve(f) === file));
    if (!unit) unread.push(file);
    else if (!seen.has(unit)) {
      seen.add(unit);
      const [first, ...rest] = unit.map((f) => nodePath.resolve(f));
      if (rest.length) together.push(`${quoted([first], dir)} together with ${quoted(rest, dir)}`);
      else alone.push(first);
    }
  }
  const parts = [...together];
  if (alone.length === 1) parts.push(`${quoted(alone, dir)} as a project of its own`);
  if (alone.length > 1) parts.push(`${quoted(alone, dir)} each as a project of its own`);
  if (unread.length) parts.push(`${quoted(unread, dir)} not at all`);
  return parts.join("; ");
}

/**
 * Running projects whose files composemod would not read as one project the way Compose did:
 * started with `-f docker-compose.yml -f docker-compose-db.yml` while composemod reads the
 * first alone, say, so that the rewrite and the audit of the files do not see the project that
 * runs. `unitsIn` groups the compose files of directories as a run of composemod on them
 * would (none: a directory cannot be read here, and the project is left out). Each warning
 * names the files and the COMPOSE_FILE line that makes composemod read the project as Compose did.
 */
export function projectFilesDiffer(
  started: StartedFrom[],
  unitsIn: (dirs: string[]) => string[][] | undefined,
): Warning[] {
  const warnings: Warning[] = [];
  for (const project of started) {
    const units = unitsIn([...new Set(project.files.map((f) => nodePath.dirname(f)))]);
    if (!units || project.files.length === 0) continue;
    const unit = units
      .find((u) => u.some((f) => nodePath.resolve(f) === project.files[0]))
      ?.map((f) => nodePath.resolve(f));
    const same =
      unit !== undefined &&
      unit.length === project.files.length &&
      unit.every((f) => project.files.includes(f));
    if (same) continue;
    const line = composeFileLine(project.dir, project.files);
    warnings.push({
      code: "project-files-differ",
      message: `the running project \`${project.project}\` was started from ${quoted(project.files, project.dir)} in \`${project.dir}\`, but composemod reads ${readAs(project, units)}: \`${line}\` in \`${nodePath.join(project.dir, ".env")}\` makes composemod read the project as Compose did`,
    });
  }
  return warnings;
}
