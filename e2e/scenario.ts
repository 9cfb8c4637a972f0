import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { composeDown, composeRejects, composeUp } from "./compose";
import {
  AuditReach,
  composemod,
  LiveAudit,
  readRoles,
  Role,
  runAudit,
  runLiveAudit,
} from "./composemod";
import type { Engine } from "./engine";
import { mapLimit, Ran, runOk } from "./exec";
import { buildHost, corpusDir, Host, HOST_PROJECTS, HostProject, ProjectSpec } from "./host";
import { Container, listContainers, Matrix, probeMatrix } from "./probe";
import { httpdScript } from "./standin-compose";
import { ensureStandinImage } from "./standin";

/** The suite's own stand-in for the host's reverse proxy: on the proxy network, in no project. */
export const PROXY_CONTAINER = "composemod-e2e-proxy";
const PROXY_PORT = 80;
/** The stand-in image under the name of the proxy it stands for, as `audit --live` sees it. */
const PROXY_IMAGE = "nginxproxy/nginx-proxy:1.6";

export interface Scenario {
  host: Host;
  runnable: HostProject[];
  roles: Map<string, Role>;
  before: Matrix;
  after: Matrix;
  auditBefore: AuditReach;
  auditAfter: AuditReach;
  /** `audit --live` on the host as it runs before the rewrite. */
  liveBefore: LiveAudit;
  /** `audit --live` with the projects' directories, after `--write` and before the recreate. */
  liveDrift: LiveAudit;
  /** `audit --live` with the directories once the rewritten stacks run. */
  liveAfter: LiveAudit;
  write: Ran;
  /** `project file -> why config -q refused it`, before and after the rewrite. */
  configBefore: Map<string, string | undefined>;
  configAfter: Map<string, string | undefined>;
  /** Each file's text before and after the rewrite. */
  textBefore: Map<string, string>;
  textAfter: Map<string, string>;
  seconds: number;
  /** Seconds each step took, in order. */
  steps: [string, number][];
}

/**
 * Builds the host in a temporary directory, brings it up on the engine, records the
 * reachability matrix, runs `composemod --write` over every project, brings the host up again
 * and records the matrix once more; the audit runs before and after. Everything it created on
 * the engine and on disk is removed at the end, also when a step fails.
 */
export async function runScenario(
  engine: Engine,
  options: { repoRoot: string; proxyNetwork?: string; projects?: ProjectSpec[] },
): Promise<Scenario> {
  const started = Date.now();
  const env = engine.env;
  const proxyNetwork = options.proxyNetwork ?? "proxy";
  // inside the engine's directory, so that whatever cleans up the engine removes the host too
  const dir = mkdtempSync(path.join(engine.dir, "host-"));
  let runnable: HostProject[] = [];
  const steps: [string, number][] = [];
  let last = started;
  const step = (name: string) => {
    const now = Date.now();
    steps.push([name, (now - last) / 1000]);
    last = now;
  };
  try {
    const host = await buildHost(dir, options.projects ?? HOST_PROJECTS, {
      repoRoot: options.repoRoot,
      corpus: corpusDir(options.repoRoot),
      proxyNetwork,
      env,
    });
    const files = host.projects.map((p) => p.file);
    const dirs = host.projects.map((p) => p.dir);
    runnable = host.projects.filter((p) => !p.notRunnable);
    step("build host");
    await ensureStandinImage(engine, [...host.images, PROXY_IMAGE]);
    step("stand-in image");
    await runOk("docker", ["network", "create", proxyNetwork], { env });
    await runOk(
      "docker",
      [
        ...[
          "run",
          "-d",
          "--name",
          PROXY_CONTAINER,
          "--network",
          proxyNetwork,
          "--entrypoint",
          "/bin/sh",
        ],
        PROXY_IMAGE,
        ...["-c", httpdScript(`proxy/${PROXY_CONTAINER}`, PROXY_PORT)],
      ],
      { env },
    );
    const ports = new Map(
      runnable.flatMap((p) => p.services.map((s) => [s.identity, s.port] as const)),
    );
    const portOf = (c: Container) => ports.get(c.identity);
    const record = async () => {
      await mapLimit(runnable, 3, (project) => composeUp(project, env));
      step("up");
      const containers = (await listContainers(engine)).filter(
        (c) => ports.has(c.identity) || c.name === PROXY_CONTAINER,
      );
      const matrix = await probeMatrix(engine, { containers, portOf });
      step("probe");
      return matrix;
    };
    const readAll = () => new Map(files.map((f) => [f, readFileSync(f, "utf8")]));
    const configOf = async () =>
      new Map(await mapLimit(files, 4, async (f) => [f, await composeRejects(f, env)] as const));

    const textBefore = readAll();
    const configBefore = await configOf();
    const roles = await readRoles(options.repoRoot, dirs);
    const auditBefore = await runAudit(
      options.repoRoot,
      runnable.map((p) => p.dir),
    );
    step("config, roles, audit");
    const before = await record();
    const running = runnable.map((p) => p.dir);
    const liveBefore = await runLiveAudit(options.repoRoot, env, [], true);
    step("audit --live");
    const write = await composemod(options.repoRoot, ["--write", ...dirs]);
    const textAfter = readAll();
    const configAfter = await configOf();
    const auditAfter = await runAudit(
      options.repoRoot,
      runnable.map((p) => p.dir),
    );
    const liveDrift = await runLiveAudit(options.repoRoot, env, running, false);
    step("write, config, audit, audit --live");
    const after = await record();
    const liveAfter = await runLiveAudit(options.repoRoot, env, running, true);
    step("audit --live");
    return {
      host,
      runnable,
      roles,
      before,
      after,
      auditBefore,
      auditAfter,
      liveBefore,
      liveDrift,
      liveAfter,
      write,
      configBefore,
      configAfter,
      textBefore,
      textAfter,
      seconds: (Date.now() - started) / 1000,
      steps,
    };
  } finally {
    await tearDown(engine, runnable, proxyNetwork);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Removes the projects, the proxy container and the proxy network from the engine. */
async function tearDown(
  engine: Engine,
  projects: HostProject[],
  proxyNetwork: string,
): Promise<void> {
  const env = engine.env;
  for (const project of projects) await composeDown(project, env).catch(() => undefined);
  await runOk("docker", ["rm", "-f", PROXY_CONTAINER], { env }).catch(() => undefined);
  await runOk("docker", ["network", "rm", proxyNetwork], { env }).catch(() => undefined);
  // networks the files declared before the rewrite and no longer do
  await runOk("docker", ["network", "prune", "-f"], { env }).catch(() => undefined);
}
