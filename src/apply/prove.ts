import type { ApplyEngine, ContainerState } from "./engine";
import { PROJECT_LABEL, SERVICE_LABEL } from "./plan-project";
import type { Check, ProjectPlan } from "./plan-types";
import { probeFrom } from "./probe";
import { checkLine } from "./render-plan";

/** What a check found. */
export interface CheckResult {
  check: string;
  kind: Check["kind"];
  /** passed, failed, or could not be tried (no tool to probe with): `skipped` does not fail a project. */
  outcome: "passed" | "failed" | "skipped";
  detail: string;
}

/** Checks that a probe decides, and whether each held before the apply (by index into the plan's checks). */
export type Baseline = Map<number, boolean>;

/** How long, unless told, a project's checks may take to pass (and a container put back to be healthy). */
export const DEFAULT_WAIT_SECONDS = 120;

/** What proving a project needs: the engine, a clock, and how long to wait for it to settle. */
export interface ProveContext {
  engine: ApplyEngine;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** How long the checks may take to pass, in milliseconds. */
  waitMs: number;
  /** When the project's last step ended, as a time (ms since the epoch): health runs after it count. */
  since: number;
}

interface Verdict {
  outcome: CheckResult["outcome"] | "pending";
  detail: string;
  /** a failure that waiting will not mend */
  final?: boolean;
}

const running = (all: ContainerState[], project: string, service?: string) =>
  all.filter(
    (c) =>
      c.running &&
      c.labels[PROJECT_LABEL] === project &&
      (service === undefined || c.labels[SERVICE_LABEL] === service),
  );

const list = (xs: string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(", ") : "none");

function networksVerdict(
  check: Extract<Check, { kind: "networks" }>,
  all: ContainerState[],
  project: string,
): Verdict {
  const wrong: string[] = [];
  for (const s of check.services) {
    const containers = running(all, project, s.service);
    if (!containers.length) wrong.push(`no container of \`${s.service}\` runs`);
    for (const c of containers) {
      const on = c.networks.map((n) => n.network).sort();
      const want = s.networks.map((n) => n.network).sort();
      if (on.join(" ") !== want.join(" ")) {
        wrong.push(`\`${c.name}\` is on ${list(on)}; its files say ${list(want)}`);
        continue;
      }
      for (const n of s.networks) {
        const has = c.networks.find((x) => x.network === n.network)?.aliases ?? [];
        const missing = n.aliases.filter((a) => !has.includes(a));
        if (missing.length)
          wrong.push(`\`${c.name}\` does not answer ${list(missing)} on \`${n.network}\``);
      }
    }
  }
  return wrong.length
    ? { outcome: "pending", detail: wrong.join("; ") }
    : { outcome: "passed", detail: "" };
}

function healthVerdict(
  check: Extract<Check, { kind: "healthy" }>,
  all: ContainerState[],
  project: string,
  since: number,
): Verdict {
  const waiting: string[] = [];
  for (const s of check.services) {
    const containers = running(all, project, s.service);
    if (!containers.length) {
      waiting.push(`no container of \`${s.service}\` runs`);
      continue;
    }
    if (!s.health) continue;
    for (const c of containers) {
      if (c.health.status === "unhealthy") {
        return {
          outcome: "failed",
          final: true,
          detail: `\`${c.name}\` is unhealthy (it was healthy before)`,
        };
      }
      const last = c.health.runs.filter((r) => Date.parse(r.start) >= since).pop();
      if (c.health.status !== "healthy" || !last || last.exitCode !== 0) {
        waiting.push(`\`${c.name}\` has not passed its health check since the change`);
      }
    }
  }
  return waiting.length
    ? { outcome: "pending", detail: waiting.join("; ") }
    : { outcome: "passed", detail: "" };
}

async function probeVerdict(
  check: Check,
  all: ContainerState[],
  project: string,
  engine: ApplyEngine,
): Promise<Verdict> {
  switch (check.kind) {
    case "proxy-reaches-app": {
      const apps = running(all, project, check.service);
      const ips = apps.flatMap((c) =>
        c.networks.filter((n) => n.network === check.network && n.ip).map((n) => n.ip),
      );
      if (!ips.length)
        return {
          outcome: "pending",
          detail: `\`${check.service}\` has no address on \`${check.network}\``,
        };
      const outcomes = await probeFrom(
        engine,
        check.via,
        ips.map((host) => ({ host, port: check.port })),
      );
      if (outcomes.some((o) => o === "no-tool" || o === "no-exec")) {
        return {
          outcome: "skipped",
          detail: `\`${check.via}\` has no shell or tool to connect with (nc, curl, wget, bash)`,
        };
      }
      const closed = ips.filter((_, i) => outcomes[i] !== "open");
      return closed.length
        ? {
            outcome: "pending",
            detail: `\`${check.via}\` cannot connect to ${closed.map((ip) => `${ip}:${check.port}`).join(", ")}`,
          }
        : { outcome: "passed", detail: "" };
    }
    case "app-reaches-database": {
      const app = running(all, project, check.app)[0];
      if (!app) return { outcome: "pending", detail: `no container of \`${check.app}\` runs` };
      const [outcome] = await probeFrom(engine, app.id, [
        { host: check.database, port: check.port },
      ]);
      if (outcome === "no-tool" || outcome === "no-exec") {
        return {
          outcome: "skipped",
          detail: `\`${app.name}\` has no shell or tool to connect with (nc, curl, wget, bash)`,
        };
      }
      return outcome === "open"
        ? { outcome: "passed", detail: "" }
        : {
            outcome: "pending",
            detail: `\`${app.name}\` cannot connect to \`${check.database}:${check.port}\``,
          };
    }
    case "database-isolated": {
      const dbs = running(all, project, check.database);
      const shared: string[] = [];
      for (const db of dbs) {
        for (const n of db.networks) {
          const others = all.filter(
            (c) =>
              c.running &&
              c.labels[PROJECT_LABEL] !== project &&
              c.networks.some((x) => x.network === n.network),
          );
          for (const o of others)
            shared.push(`\`${db.name}\` shares \`${n.network}\` with \`${o.name}\``);
        }
      }
      if (shared.length) return { outcome: "failed", final: true, detail: shared.join("; ") };
      if (!check.via || check.port === undefined) return { outcome: "passed", detail: "" };
      const ips = dbs.flatMap((c) => c.networks.map((n) => n.ip).filter(Boolean));
      const outcomes = await probeFrom(
        engine,
        check.via,
        ips.map((host) => ({ host, port: check.port! })),
      );
      const open = ips.filter((_, i) => outcomes[i] === "open");
      return open.length
        ? {
            outcome: "failed",
            final: true,
            detail: `\`${check.via}\` connects to ${open.map((ip) => `${ip}:${check.port}`).join(", ")}`,
          }
        : { outcome: "passed", detail: "" };
    }
    default:
      return { outcome: "passed", detail: "" };
  }
}

const PROBED = new Set<Check["kind"]>(["proxy-reaches-app", "app-reaches-database"]);

/** Which of the probed checks hold now, before the apply changes anything. */
export async function baselineOf(engine: ApplyEngine, plan: ProjectPlan): Promise<Baseline> {
  const all = await engine.containers();
  const out: Baseline = new Map();
  await Promise.all(
    plan.checks.map(async (check, i) => {
      if (!PROBED.has(check.kind)) return;
      const v = await probeVerdict(check, all, plan.name, engine);
      out.set(i, v.outcome === "passed");
    }),
  );
  return out;
}

/**
 * Proves a project once its steps are done: every check passes, or the project fails. Checks
 * that may need time (a container starting, a health check's next run, DNS) are tried again
 * until `waitMs` has passed; a final failure (unhealthy, a database another project can reach)
 * ends it at once. A probe that failed before the apply too does not fail it: the apply did
 * not break it, and says so.
 */
export async function proveProject(
  ctx: ProveContext,
  plan: ProjectPlan,
  baseline: Baseline,
): Promise<CheckResult[]> {
  const deadline = ctx.now() + ctx.waitMs;
  for (;;) {
    const all = await ctx.engine.containers();
    // the probes of all checks at once: a probe that cannot connect waits out its timeout
    const verdicts = await Promise.all(
      plan.checks.map(async (check, i): Promise<Verdict> => {
        let v: Verdict;
        if (check.kind === "networks") v = networksVerdict(check, all, plan.name);
        else if (check.kind === "healthy") v = healthVerdict(check, all, plan.name, ctx.since);
        else v = await probeVerdict(check, all, plan.name, ctx.engine);
        if (v.outcome === "pending" && baseline.get(i) === false) {
          v = { outcome: "skipped", detail: `${v.detail} (nor could it before the apply)` };
        }
        return v;
      }),
    );
    const final = verdicts.some((v) => v.final);
    const pending = verdicts.some((v) => v.outcome === "pending");
    if (final || !pending || ctx.now() >= deadline) {
      return plan.checks.map((check, i) => ({
        check: checkLine(check),
        kind: check.kind,
        outcome:
          verdicts[i].outcome === "pending"
            ? "failed"
            : (verdicts[i].outcome as CheckResult["outcome"]),
        detail: verdicts[i].detail,
      }));
    }
    await ctx.sleep(1000);
  }
}
