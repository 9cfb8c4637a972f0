import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { longestGaps, watchApps } from "./apply-availability";
import { composeDown, composeUp } from "./compose";
import { composemod, LiveAudit, readRoles, Role, runLiveAudit } from "./composemod";
import type { Engine } from "./engine";
import { mapLimit, Ran, run, runOk } from "./exec";
import { buildHost, corpusDir, Host, HOST_PROJECTS, HostProject, ProjectSpec } from "./host";
import { Container, listContainers, Matrix, probeMatrix } from "./probe";
import { PROXY_CONTAINER } from "./scenario";
import { httpdScript } from "./standin-compose";
import { ensureStandinImage } from "./standin";

const PROXY_IMAGE = "nginxproxy/nginx-proxy:1.6";

/** The projects of the failure stage: one applied before the failing one, the failing one, one after it. */
export const FAILURE_PROJECTS: ProjectSpec[] = [
  { name: "notes", source: "repo:e2e/fixtures/pads/docker-compose.yml", about: "applied before" },
  {
    name: "relay",
    source: "repo:e2e/fixtures/relay/docker-compose.yml",
    about: "fails its checks",
  },
  { name: "zine", source: "repo:e2e/fixtures/zine/docker-compose.yml", about: "not reached" },
];

/** A container as the suite compares it before and after: what a rollback must put back. */
export interface Seen {
  id: string;
  running: boolean;
  health: string;
  image: string;
  /** Labels a proxy reads. */
  routing: Record<string, string>;
  /** `network: alias alias`, the container's own id left out. */
  networks: string[];
}

/** Every container of the engine by name, as `docker inspect` shows it. */
export async function inspectAll(engine: Engine): Promise<Map<string, Seen>> {
  const ids = (await runOk("docker", ["ps", "-aq", "--no-trunc"], { env: engine.env }))
    .split("\n")
    .filter(Boolean);
  const out = new Map<string, Seen>();
  if (!ids.length) return out;
  const inspected = JSON.parse(await runOk("docker", ["inspect", ...ids], { env: engine.env })) as {
    Id: string;
    Name: string;
    State: { Running: boolean; Health?: { Status: string } };
    Config: { Image: string; Labels?: Record<string, string> };
    NetworkSettings: { Networks: Record<string, { Aliases?: string[] | null }> };
  }[];
  for (const c of inspected) {
    const routing = Object.fromEntries(
      Object.entries(c.Config.Labels ?? {}).filter(([k]) => k.startsWith("traefik.")),
    );
    out.set(c.Name.replace(/^\//, ""), {
      id: c.Id,
      running: c.State.Running,
      health: c.State.Health?.Status ?? "none",
      image: c.Config.Image,
      routing,
      networks: Object.entries(c.NetworkSettings.Networks)
        .map(
          ([n, e]) =>
            `${n}: ${(e.Aliases ?? [])
              .filter((a) => !/^[0-9a-f]{12}$/.test(a))
              .sort()
              .join(" ")}`,
        )
        .sort(),
    });
  }
  return out;
}

export interface ApplyScenario {
  host: Host;
  runnable: HostProject[];
  roles: Map<string, Role>;
  before: Matrix;
  after: Matrix;
  write: Ran;
  /** `apply --dry-run --json`: the plan. */
  plan: {
    projects: { name: string; status: string; steps: { kind: string; containers?: unknown[] }[] }[];
  };
  apply: Ran;
  applySeconds: number;
  /** The longest time each app went unanswered through the proxy network while apply ran, in seconds. */
  gaps: Map<string, number>;
  /** How many times each app was asked while apply ran. */
  asked: Map<string, number>;
  /** Apps the plan recreated (the rest were reconnected). */
  recreated: Set<string>;
  liveAfter: LiveAudit;
  /** The containers once `--write` ran and before apply, and once rollback ran. */
  beforeApply: Map<string, Seen>;
  /** The containers once apply ran, and once `docker-compose up -d` ran again in `composedAgain`. */
  afterApply: Map<string, Seen>;
  afterComposeUp: Map<string, Seen>;
  /** The project brought up again with Compose between the apply and the rollback. */
  composedAgain: string;
  afterRollback: Map<string, Seen>;
  filesAfterWrite: Map<string, string>;
  filesAfterRollback: Map<string, string>;
  rollback: Ran;
  /** apply killed with SIGKILL at the first step of `killedAt`, then run again. */
  killedAt: string;
  killedRun: Ran;
  /** Steps the killed apply had done (its journal says), and of how many projects. */
  killedAfter: { steps: number; projects: number };
  again: Ran;
  liveAgain: LiveAudit;
  /** The failure stage: its apply, and each project's containers and files before and after. */
  failure: {
    host: Host;
    run: Ran;
    before: Map<string, Seen>;
    after: Map<string, Seen>;
    filesBefore: Map<string, string>;
    filesAfter: Map<string, string>;
    plan: { projects: { name: string; status: string }[] };
  };
  seconds: number;
  steps: [string, number][];
}

/** A relay worker whose health check calls the host's proxy by a name no file says. */
function addHealthCheck(file: string): void {
  const doc = parse(readFileSync(file, "utf8")) as {
    services: Record<string, Record<string, unknown>>;
  };
  doc.services.worker.healthcheck = {
    test: ["CMD-SHELL", `nc -w 1 ${PROXY_CONTAINER} 80 </dev/null`],
    interval: "1s",
    timeout: "2s",
    retries: 2,
  };
  writeFileSync(
    file,
    `# stand-in of repo:e2e/fixtures/relay/docker-compose.yml\n${stringify(doc, { lineWidth: 0 })}`,
  );
}

/** The built CLI with time for a whole host: an apply proves every project as it goes. */
const cli = (repoRoot: string, args: string[], env: NodeJS.ProcessEnv) =>
  run(process.execPath, [path.join(repoRoot, "dist", "cli.js"), "--no-color", ...args], {
    cwd: repoRoot,
    env,
    timeoutMs: 900_000,
  });

const readFiles = (host: Host) =>
  new Map(host.projects.map((p) => [p.file, readFileSync(p.file, "utf8")]));

/** Runs `composemod apply --yes` and kills it with SIGKILL once its journal starts a step of `project`. */
function applyKilledAt(
  repoRoot: string,
  env: NodeJS.ProcessEnv,
  dir: string,
  project: string,
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const journal = path.join(dir, ".composemod", "apply-journal.jsonl");
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, "dist", "cli.js"), "--no-color", "apply", "--yes", dir],
      {
        cwd: repoRoot,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const started = `"t":"step","project":"${project}","index":0,"phase":"start"`;
    // this run's records: the journal of an earlier apply is there until this one sets it aside
    const beginOf = (text: string) => text.slice(text.lastIndexOf('{"t":"begin"')).split("\n")[0];
    const earlier = existsSync(journal) ? beginOf(readFileSync(journal, "utf8")) : undefined;
    const timer = setInterval(() => {
      if (!existsSync(journal)) return;
      const text = readFileSync(journal, "utf8");
      if (beginOf(text) === earlier) return;
      if (text.slice(text.lastIndexOf('{"t":"begin"')).includes(started)) {
        clearInterval(timer);
        child.kill("SIGKILL");
      }
    }, 20);
    child.on("error", (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearInterval(timer);
      resolve({ code: code ?? (signal === "SIGKILL" ? 137 : 1), stdout, stderr });
    });
  });
}

/**
 * The migration carried out on a running host: the host of the isolation suite in its
 * before-migration form, `composemod --write`, then `composemod apply --yes` while the stand-in
 * proxy keeps asking every app; then `rollback`; then an apply killed with SIGKILL half way and
 * run again; then, on three more projects, an apply whose second project fails a check.
 */
export async function runApplyScenario(
  engine: Engine,
  options: { repoRoot: string },
): Promise<ApplyScenario> {
  const started = Date.now();
  const env = engine.env;
  const { repoRoot } = options;
  const dir = mkdtempSync(path.join(engine.dir, "host-"));
  const dir2 = mkdtempSync(path.join(engine.dir, "more-"));
  const steps: [string, number][] = [];
  let last = started;
  const step = (name: string) => {
    const now = Date.now();
    steps.push([name, (now - last) / 1000]);
    last = now;
  };
  let runnable: HostProject[] = [];
  let more: HostProject[] = [];
  try {
    const host = await buildHost(dir, HOST_PROJECTS, {
      repoRoot,
      corpus: corpusDir(repoRoot),
      proxyNetwork: "proxy",
      env,
    });
    const failureHost = await buildHost(dir2, FAILURE_PROJECTS, {
      repoRoot,
      proxyNetwork: "proxy",
      env,
    });
    addHealthCheck(failureHost.projects.find((p) => p.name === "relay")!.file);
    runnable = host.projects.filter((p) => !p.notRunnable);
    more = failureHost.projects;
    await ensureStandinImage(engine, [...host.images, ...failureHost.images, PROXY_IMAGE]);
    await runOk("docker", ["network", "create", "proxy"], { env });
    await runOk(
      "docker",
      [
        ...[
          "run",
          "-d",
          "--name",
          PROXY_CONTAINER,
          "--network",
          "proxy",
          "--entrypoint",
          "/bin/sh",
        ],
        PROXY_IMAGE,
        ...["-c", httpdScript(`proxy/${PROXY_CONTAINER}`, 80)],
      ],
      { env },
    );
    await mapLimit(runnable, 3, (p) => composeUp(p, env));
    step("host up");
    const ports = new Map(
      runnable.flatMap((p) => p.services.map((s) => [s.identity, s.port] as const)),
    );
    const portOf = (c: Container) => ports.get(c.identity);
    const matrix = async () => {
      const containers = (await listContainers(engine)).filter(
        (c) => ports.has(c.identity) || c.name === PROXY_CONTAINER,
      );
      return probeMatrix(engine, { containers, portOf });
    };
    const roles = await readRoles(
      repoRoot,
      host.projects.map((p) => p.dir),
    );
    const before = await matrix();
    step("roles, probe");

    const write = await composemod(repoRoot, ["--write", dir]);
    const filesAfterWrite = readFiles(host);
    const planRun = await cli(repoRoot, ["apply", "--dry-run", "--json", "--quiet", dir], env);
    const plan = JSON.parse(planRun.stdout).plan as ApplyScenario["plan"];
    const beforeApply = await inspectAll(engine);
    step("write, plan");

    const apps = (await listContainers(engine)).filter(
      (c) => roles.get(c.identity) === "app" && ports.has(c.identity),
    );
    const watch = watchApps(
      engine,
      PROXY_CONTAINER,
      apps.map((c) => ({ identity: c.identity, host: c.name, port: ports.get(c.identity)! })),
    );
    // the loops answer before the apply starts: the window measures the apply alone
    await new Promise((r) => setTimeout(r, 1500));
    const from = Date.now();
    const apply = await cli(repoRoot, ["apply", "--yes", dir], env);
    const to = Date.now();
    const answers = await watch.stop();
    const gaps = longestGaps(answers, from, to);
    const asked = new Map(
      [...answers.asked].map(([id]) => [
        id,
        answers.answered.get(id)!.filter((t) => t >= from && t <= to).length,
      ]),
    );
    step("apply");
    const recreated = new Set(
      plan.projects.flatMap((p) =>
        p.steps.flatMap((s) =>
          s.kind === "recreate"
            ? (s.containers as { service: string }[]).map((c) => `${p.name}/${c.service}`)
            : [],
        ),
      ),
    );
    const running = runnable.map((p) => p.dir);
    const liveAfter = await runLiveAudit(repoRoot, env, running, false);
    const after = await matrix();
    const afterApply = await inspectAll(engine);
    step("audit --live, probe");

    // a later `docker-compose up -d` replaces a project's reconnected containers (their
    // configuration hash is the old files'), on the networks apply made: rollback makes the old
    // ones again from the journal
    const composedAgain = "pads";
    await composeUp(
      runnable.find((p) => p.name === composedAgain)!,
      env,
    );
    const afterComposeUp = await inspectAll(engine);
    step("docker-compose up");

    const rollback = await cli(repoRoot, ["rollback", "--yes", dir], env);
    const afterRollback = await inspectAll(engine);
    const filesAfterRollback = readFiles(host);
    step("rollback");

    const killedAt = "gitea";
    const killedRun = await applyKilledAt(repoRoot, env, dir, killedAt);
    const records = readFileSync(path.join(dir, ".composemod", "apply-journal.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"phase":"done"'))
      .map((l) => (JSON.parse(l) as { project: string }).project);
    const killedAfter = { steps: records.length, projects: new Set(records).size };
    const again = await cli(repoRoot, ["apply", "--yes", dir], env);
    const liveAgain = await runLiveAudit(repoRoot, env, running, false);
    step("apply killed, apply again");

    await mapLimit(more, 3, (p) => composeUp(p, env));
    // the health check has passed before the apply begins
    for (
      let i = 0;
      i < 50 && (await inspectAll(engine)).get("relay_worker_1")?.health !== "healthy";
      i++
    ) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const filesBefore = readFiles(failureHost);
    const failureBefore = await inspectAll(engine);
    const dirs = more.map((p) => p.dir);
    const failurePlan = JSON.parse(
      (await cli(repoRoot, ["apply", "--write", "--dry-run", "--json", "--quiet", ...dirs], env))
        .stdout,
    ).plan as ApplyScenario["failure"]["plan"];
    const failureRun = await cli(
      repoRoot,
      ["apply", "--write", "--yes", "--wait", "30", ...dirs],
      env,
    );
    const failure = {
      host: failureHost,
      run: failureRun,
      before: failureBefore,
      after: await inspectAll(engine),
      filesBefore,
      filesAfter: readFiles(failureHost),
      plan: failurePlan,
    };
    step("failing check");
    return {
      host,
      runnable,
      roles,
      before,
      after,
      write,
      plan,
      apply,
      applySeconds: (to - from) / 1000,
      gaps,
      asked,
      recreated,
      liveAfter,
      beforeApply,
      afterApply,
      afterComposeUp,
      composedAgain,
      afterRollback,
      filesAfterWrite,
      filesAfterRollback,
      rollback,
      killedAt,
      killedRun,
      killedAfter,
      again,
      liveAgain,
      failure,
      seconds: (Date.now() - started) / 1000,
      steps,
    };
  } finally {
    for (const p of [...runnable, ...more]) await composeDown(p, env).catch(() => undefined);
    await runOk("docker", ["rm", "-f", PROXY_CONTAINER], { env }).catch(() => undefined);
    await runOk("docker", ["network", "rm", "proxy"], { env }).catch(() => undefined);
    await runOk("docker", ["network", "prune", "-f"], { env }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    rmSync(dir2, { recursive: true, force: true });
  }
}
