import { existsSync, readFileSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import type { Classification, Role } from "../analysis/classify";
import type { HostProject } from "../analysis/host";
import { hostIndex, projectFacts } from "../analysis/host-index";
import { loadHost } from "../batch/load-host";
import { displayPath, readFromDisk } from "../batch/read-files";
import { loadReadable } from "../batch/read-project";
import type { LoadedProject, ReadText } from "../compose/load-project";
import { composeFileLine } from "../compose/project-files";
import { liveProjects } from "../live/live-projects";
import { startedFrom, StartedFrom } from "../live/project-files-differ";
import type { EngineState } from "../live/read-engine";
import { formatDiagnostic, type Diagnostic } from "../base/diagnostic";
import { analyseProject, rewriteProject, RewriteOptions } from "../rewrite/rewrite-project";
import { VERSION } from "../version";
import type { ComposeChoice, ComposeRunner, ComposeTarget } from "./compose-cli";
import { digest } from "./durable";
import type { ApplyEngine, ContainerState, NetworkState } from "./engine";
import { planProjectApply, PROJECT_LABEL, ProjectFacts, VERSION_LABEL } from "./plan-project";
import type { ApplyPlan, FileChange, PlanSummary, ProjectPlan, Seen } from "./plan-types";
import { applyOrder, Ordered } from "./order";
import { projectTarget } from "./target";

const ENV_FILE_LABEL = "com.docker.compose.project.environment_file";

/** What a plan is made from: the paths and options of the command line, and the engine. */
export interface PlanRequest {
  paths: string[];
  cwd: string;
  options: RewriteOptions & { ignore: string[] };
  write: boolean;
  compose: ComposeChoice;
}

/** Finds the Compose of a major version (or either, `undefined`), as `findCompose` does. */
export type ComposeFinder = (major: 1 | 2 | undefined) => Promise<ComposeRunner | undefined>;

/** A plan with what carrying it out needs and the plan itself does not hold. */
export interface MadePlan {
  plan: ApplyPlan;
  /** New texts of the files the rewrite changes, by absolute path. */
  texts: Map<string, { before: string; after: string }>;
  /** Each project's Compose, by project name, for the ones that recreate containers. */
  composeOf: Map<string, ComposeRunner>;
  /** Each running project as Compose must be given it to recreate a container, by name. */
  composeTargets: Map<string, ComposeTarget>;
  /** Each project's loaded files (for snapshots), by name. */
  filesOf: Map<string, { path: string; shown: string }[]>;
  /** The engine as it was read. */
  containers: ContainerState[];
  networks: NetworkState[];
  /** Errors of files, with file:line:col. */
  errors: Diagnostic[];
}

/** The running containers of an engine as the live audit reads them. */
export function engineState(
  endpoint: string,
  containers: ContainerState[],
  networks: NetworkState[],
): EngineState {
  return {
    endpoint,
    networks: networks.map((n) => ({
      name: n.name,
      id: n.id,
      driver: n.driver,
      internal: n.internal,
      labels: n.labels,
    })),
    containers: containers.flatMap((c) => (c.live ? [c.live] : [])),
  };
}

/** The role the live audit gives each running container, by id. */
export function liveRoles(state: EngineState): Map<string, Role> {
  const byName = new Map(state.containers.map((c) => [c.name, c.id]));
  const roles = new Map<string, Role>();
  for (const p of liveProjects(state)) {
    for (const s of p.services) {
      for (const name of s.containers ?? []) {
        const id = byName.get(name);
        if (id) roles.set(id, s.role);
      }
    }
  }
  return roles;
}

/** A project of the files, as the apply will leave its files: rewritten in memory with `--write`. */
interface Planned {
  project: HostProject;
  loaded: LoadedProject;
  roles: Map<string, Classification>;
  writes: FileChange[];
  error?: string;
}

function rewriteInMemory(
  projects: HostProject[],
  options: RewriteOptions,
  cwd: string,
  texts: MadePlan["texts"],
  errors: Diagnostic[],
): Planned[] {
  const index = hostIndex(projects.map((p) => projectFacts(p.name, p.loaded.merged)));
  const planned = projects.map((project): Planned => {
    const { loaded } = project;
    if (project.unread !== undefined) {
      return { project, loaded, roles: project.roles, writes: [], error: project.unread };
    }
    const result = rewriteProject({ kind: "ok", project: loaded }, { ...options, host: index });
    const failed = result.files.find((f) => f.status === "error");
    if (failed) {
      if (failed.error) errors.push(failed.error);
      return { project, loaded, roles: project.roles, writes: [], error: failed.reason };
    }
    const after = new Map<string, string>();
    const writes: FileChange[] = [];
    loaded.files.forEach((f, i) => {
      const r = result.files[i];
      if (r?.status !== "changed") return;
      after.set(f.absolute, r.output);
      texts.set(f.absolute, { before: f.text, after: r.output });
      writes.push({
        path: f.absolute,
        shown: displayPath(f.absolute, cwd),
        before: digest(f.text),
        after: digest(r.output),
      });
    });
    if (!writes.length) return { project, loaded, roles: project.roles, writes };
    const readText: ReadText = (absolute) => after.get(absolute) ?? readFromDisk(absolute);
    const files = loaded.files
      .filter((f) => f.kind !== "include")
      .map((f) => ({ path: f.path, absolute: f.absolute, text: after.get(f.absolute) ?? f.text }));
    const show = (absolute: string) =>
      loaded.files.find((f) => f.absolute === absolute)?.path ?? absolute;
    const next = loadReadable(files, readText, show, errors);
    if (!next)
      return {
        project,
        loaded,
        roles: project.roles,
        writes,
        error: "the rewritten files do not read back",
      };
    return {
      project,
      loaded: next.project,
      roles: analyseProject(next.project, options).roles,
      writes,
    };
  });
  return planned;
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** The running project Compose made from these files, or why the apply cannot tell. */
function runningAs(
  loaded: LoadedProject,
  started: StartedFrom[],
  containers: ContainerState[],
): { name: string } | { refused: string } | undefined {
  const files = loaded.files.filter((f) => f.kind !== "include").map((f) => f.absolute);
  // Compose 1 labels the files as they were given, relative to where it ran, which the labels
  // do not say: one that is not there is looked for by its name in the project's directory
  const located = (s: StartedFrom) =>
    s.files.map((f) => (existsSync(f) ? f : nodePath.join(s.dir, nodePath.basename(f))));
  const byFiles = started.find((s) => same(located(s), files));
  if (byFiles) return { name: byFiles.project };
  const byName = started.find((s) => s.project === loaded.name);
  if (byName) {
    if (nodePath.resolve(byName.dir) !== nodePath.resolve(loaded.dir)) {
      return {
        refused: `the running project \`${byName.project}\` was started in \`${byName.dir}\`, not here: the apply changes a project only from the files Compose made it from`,
      };
    }
    return {
      refused: `the running project \`${byName.project}\` was started from ${byName.files.map((f) => `\`${nodePath.relative(byName.dir, f) || f}\``).join(", ")}, which composemod does not read as one project: \`${composeFileLine(byName.dir, byName.files)}\` in \`${nodePath.join(byName.dir, ".env")}\` makes it read them as Compose did`,
    };
  }
  // containers that do not say which files made them (an old Compose): by name alone
  if (containers.some((c) => c.labels[PROJECT_LABEL] === loaded.name)) return { name: loaded.name };
  return undefined;
}

function containersDigest(containers: ContainerState[]): string {
  return digest(
    JSON.stringify(
      containers
        .map((c) => [
          c.id,
          c.running,
          c.networkMode,
          c.networks.map((n) => [n.network, [...n.aliases].sort()]).sort(),
        ])
        .sort(),
    ),
  );
}

function networksDigest(names: Iterable<string>, networks: NetworkState[]): string {
  const wanted = new Set(names);
  return digest(
    JSON.stringify(
      networks
        .filter((n) => wanted.has(n.name))
        .map((n) => [n.name, n.id, n.driver, n.internal, n.labels])
        .sort(),
    ),
  );
}

/** The files of a project the plan is checked against: its files and its `.env`, with digests. */
function seenFiles(loaded: LoadedProject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of loaded.files) out[f.absolute] = digest(readFromDisk(f.absolute) as string);
  const env = nodePath.join(loaded.dir, ".env");
  if (existsSync(env)) out[env] = digest(readFileSync(env, "utf8"));
  return out;
}

export function summarizePlan(projects: ProjectPlan[]): PlanSummary {
  const count = (status: ProjectPlan["status"]) =>
    projects.filter((p) => p.status === status).length;
  const steps = projects.flatMap((p) => p.steps);
  return {
    projects: projects.length,
    change: count("change"),
    upToDate: count("up-to-date"),
    notRunning: count("not-running"),
    refused: count("refused"),
    errors: count("error"),
    networksCreated: steps.filter((s) => s.kind === "create-network").length,
    containersReconnected: new Set(
      steps.flatMap((s) =>
        s.kind === "connect" || s.kind === "disconnect" || s.kind === "reconnect" ? [s.id] : [],
      ),
    ).size,
    containersRecreated: steps.reduce(
      (n, s) => n + (s.kind === "recreate" ? s.containers.length : 0),
      0,
    ),
  };
}

/**
 * Makes the plan: reads every project under the paths as the rewrite does (rewritten in memory
 * with `--write`), finds the running project Compose made from each one's files, and plans each
 * as {@link planProjectApply} does against what the engine runs. Reads the engine and the
 * files; changes nothing.
 */
export async function makePlan(
  request: PlanRequest,
  engine: ApplyEngine,
  findComposeOf: ComposeFinder,
): Promise<MadePlan> {
  const { cwd, options } = request;
  const host = await loadHost(request.paths, cwd, options, options.ignore);
  const errors: Diagnostic[] = [...host.errors];
  const texts: MadePlan["texts"] = new Map();
  const planned: Planned[] = request.write
    ? rewriteInMemory(host.projects, options, cwd, texts, errors)
    : host.projects.map((project) => ({
        project,
        loaded: project.loaded,
        roles: project.roles,
        writes: [],
        ...(project.unread !== undefined ? { error: project.unread } : {}),
      }));
  const networks = await engine.networks();
  // the whole configuration of the containers a plan may recreate is read in a second pass
  let containers = await engine.containers();
  const state = engineState(engine.endpoint, containers, networks);
  const roles = liveRoles(state);
  const started = startedFrom(state);
  const finders = new Map<string, Promise<ComposeRunner | undefined>>();
  const composeFor = (major: 1 | 2 | undefined) => {
    const key = String(major ?? request.compose);
    if (!finders.has(key)) finders.set(key, findComposeOf(major));
    return finders.get(key)!;
  };
  const imageIds = new Map<string, string | undefined>();
  const composeOf = new Map<string, ComposeRunner>();
  const filesOf = new Map<string, { path: string; shown: string }[]>();
  const composeTargets = new Map<string, ComposeTarget>();
  const items: Ordered[] = [];
  for (const p of planned) {
    const loaded = p.loaded;
    const dir = displayPath(loaded.dir, cwd) || ".";
    const files = loaded.files.map((f) => displayPath(f.absolute, cwd));
    const running = runningAs(loaded, started, containers);
    const name = running && "name" in running ? running.name : loaded.name;
    const own = containers.filter((c) => c.labels[PROJECT_LABEL] === name);
    const envFile = own.find((c) => c.labels[ENV_FILE_LABEL])?.labels[ENV_FILE_LABEL];
    const workingDir = started.find((s) => s.project === name)?.dir ?? loaded.dir;
    composeTargets.set(name, {
      project: name,
      workingDir,
      // the files Compose read, as composemod found them
      files: loaded.files.filter((f) => f.kind !== "include").map((f) => f.absolute),
      ...(envFile ? { envFile: nodePath.resolve(workingDir, envFile) } : {}),
    });
    filesOf.set(name, [
      ...loaded.files.map((f) => ({ path: f.absolute, shown: displayPath(f.absolute, cwd) })),
      ...[nodePath.join(loaded.dir, ".env")]
        .filter((e) => existsSync(e) && statSync(e).isFile())
        .map((e) => ({ path: e, shown: displayPath(e, cwd) })),
    ]);
    const target = projectTarget(loaded, p.roles, name);
    const seen: Seen = {
      files: seenFiles(p.project.loaded),
      containers: containersDigest(own),
      networks: networksDigest(target.networks.keys(), networks),
    };
    if (p.error !== undefined) {
      items.push({
        target,
        plan: {
          name,
          dir,
          files,
          status: "error",
          reason: p.error,
          containers: own.filter((c) => c.running).length,
          steps: [],
          checks: [],
          notes: [],
          seen,
        },
      });
      continue;
    }
    const version = own.find((c) => c.labels[VERSION_LABEL])?.labels[VERSION_LABEL];
    const made: 1 | 2 | undefined = version ? (/^1\./.test(version) ? 1 : 2) : undefined;
    const compose = own.some((c) => c.running)
      ? await composeFor(request.compose === "auto" ? made : request.compose === "v1" ? 1 : 2)
      : undefined;
    if (compose) composeOf.set(name, compose);
    for (const t of target.services.values()) {
      const images = [t.image ?? `${name}_${t.name}`, `${name}-${t.name}`];
      for (const image of images) {
        if (!imageIds.has(image) && own.length) imageIds.set(image, await engine.imageId(image));
      }
    }
    const facts: ProjectFacts = {
      name,
      dir,
      files,
      target,
      containers: own,
      all: containers,
      networks,
      liveRoles: roles,
      ...(compose ? { compose: { describe: compose.describe, major: compose.major } } : {}),
      images: imageIds,
      writes: p.writes,
      ...(running && "refused" in running ? { refused: running.refused } : {}),
    };
    items.push({ target, plan: { ...planProjectApply(facts), seen } });
  }
  const projects = applyOrder(items, containers, networks).map((i) => i.plan);
  // the containers of the projects that change, read again whole: a rollback makes one again
  // from it where Compose replaced it (in a recreate, or in a later `docker compose up`)
  const changing = new Set(
    projects.filter((p) => p.steps.some((s) => s.kind !== "write-files")).map((p) => p.name),
  );
  const whole = new Set(
    containers
      .filter((c) => c.running && changing.has(c.labels[PROJECT_LABEL] ?? ""))
      .map((c) => c.id),
  );
  if (whole.size) containers = await engine.containers(whole);
  const plan: ApplyPlan = {
    format: "composemod-apply-plan",
    version: 1,
    composemod: VERSION,
    createdAt: new Date().toISOString(),
    engine: engine.endpoint,
    paths: request.paths.map((p) => nodePath.resolve(cwd, p)),
    cwd,
    write: request.write,
    options: planOptionsOf(options),
    ...(composeOf.size
      ? { compose: [...new Set([...composeOf.values()].map((c) => c.describe))].join(", ") }
      : {}),
    projects,
    summary: summarizePlan(projects),
  };
  return { plan, texts, composeOf, composeTargets, filesOf, containers, networks, errors };
}

/** The rewrite's options as plain data, as a saved plan keeps them. */
export function planOptionsOf(
  options: RewriteOptions & { ignore: string[] },
): Record<string, unknown> {
  const {
    overrides,
    host: _host,
    ...rest
  } = options as RewriteOptions & { ignore: string[]; host?: unknown };
  const plain: Record<string, unknown> = {};
  for (const key of [
    "proxyNetwork",
    "internalNetwork",
    "driver",
    "noEgress",
    "virtualHost",
    "proxyKind",
    "modernize",
    "ports",
    "ignore",
  ] as const) {
    const value = (rest as Record<string, unknown>)[key];
    if (value !== undefined) plain[key] = value;
  }
  if (overrides?.size) {
    plain.overrides = [...overrides].map(([name, o]) => [name, o.role]);
  }
  return plain;
}

/** Errors of files, each as the rewrite prints them (file:line:col and a code frame). */
export function renderErrors(errors: Diagnostic[]): string {
  return errors.map((d) => formatDiagnostic(d) + "\n").join("");
}
