import { availableParallelism } from "node:os";
import { findingsOf, hostNetworks } from "../analysis/audit";
import type { AuditProject } from "../analysis/audit-model";
import type { Finding } from "../analysis/findings";
import { auditHostFiles } from "../batch/audit-host";
import { composeFilesIn } from "../batch/discover";
import { projectUnits } from "../batch/units";
import { driftFindings } from "../live/drift";
import { liveProjects } from "../live/live-projects";
import { projectFilesDiffer, startedFrom } from "../live/project-files-differ";
import { EngineState, EngineUnreachable, readEngine } from "../live/read-engine";
import { auditReport, renderAuditErrors } from "../report/audit-report";
import type { Diagnostic } from "../base/diagnostic";
import type { Warning } from "../base/warning";
import { AuditFormat, printAudit } from "./audit-command";
import type { RunIO } from "./io";
import type { RunOptions } from "./options";

/** The compose files of directories grouped as a run of composemod on them groups them. */
function unitsIn(dirs: string[]): string[][] | undefined {
  const files: string[] = [];
  for (const dir of dirs) {
    const found = composeFilesIn(dir);
    if (!found) return undefined;
    files.push(...found);
  }
  return projectUnits(files).units;
}

/** Each project's findings, then its drift: what a person acts on, project by project. */
function* projectByProject(
  projects: readonly AuditProject[],
  host: ReturnType<typeof hostNetworks>,
  drift: readonly Finding[],
): Generator<Finding> {
  const driftOf = new Map<string, Finding[]>();
  for (const f of drift) driftOf.set(f.project, [...(driftOf.get(f.project) ?? []), f]);
  for (const project of projects) {
    yield* findingsOf(host, project);
    yield* driftOf.get(project.name) ?? [];
    driftOf.delete(project.name);
  }
}

/**
 * `composemod audit --live`: the same findings as from the files, from what the engine really
 * runs (DOCKER_HOST, else /var/run/docker.sock), with a warning for each running project that
 * was started from files composemod reads otherwise; with paths, also the containers whose
 * networks differ from what their compose files now say. Exit 1 when a running database is
 * reachable from another project, 2 when the engine (or a file) could not be read.
 */
export async function runLiveAudit(
  options: RunOptions,
  format: AuditFormat,
  io: RunIO,
  dockerHost: string | undefined,
): Promise<number> {
  let state: EngineState;
  try {
    state = await readEngine(dockerHost);
  } catch (error) {
    if (!(error instanceof EngineUnreachable)) throw error;
    io.stderr(`error: ${error.message}\n`);
    return 2;
  }
  const projects = liveProjects(state, options);
  const host = hostNetworks(projects);
  let drift: Finding[] = [];
  let errors: Diagnostic[] = [];
  let warnings: Warning[] = projectFilesDiffer(startedFrom(state), unitsIn);
  if (options.paths.length) {
    const jobs = options.sources.jobs === "default" ? availableParallelism() : options.jobs;
    const files = await auditHostFiles(options.paths, io.cwd, {
      ...options,
      jobs,
      fixes: false,
      asIs: true,
    });
    drift = driftFindings(projects, files.projects);
    errors = files.errors;
    warnings = [...warnings, ...files.warnings];
  }
  const report = auditReport({
    source: "engine",
    projects: projects.length,
    networks: host.groups.filter((g) => g.projects > 1),
    findings: () => projectByProject(projects, host, drift),
    errors,
    warnings,
  });
  const status = await printAudit(report, format, options, io);
  if (errors.length) io.stderr(renderAuditErrors(errors));
  return status;
}
