import { runStep, StepContext } from "./carry-out";
import type { ApplyEngine } from "./engine";
import type { Journal, ProjectSnapshot } from "./journal";
import type { MadePlan } from "./make-plan";
import { PROJECT_LABEL } from "./plan-project";
import type { ProjectPlan, Step } from "./plan-types";
import { Baseline, baselineOf, CheckResult, proveProject } from "./prove";
import { stepLine } from "./render-plan";
import { planRestore, readText, restoreDiffers, runRestore, writtenBy } from "./restore";

/** The clock and the waits of a run: behind a seam, so that tests need none. */
export interface Clock {
  /** Milliseconds, for elapsed times. */
  now: () => number;
  /** Milliseconds since the epoch, for what the engine stamps (health check runs). */
  epoch: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** How a project came out of the apply. */
export interface ProjectOutcome {
  name: string;
  dir: string;
  outcome:
    | "applied"
    | "up-to-date"
    | "files-written"
    | "not-running"
    | "refused"
    | "error"
    | "rolled-back"
    | "not-reached";
  reason: string;
  steps: number;
  seconds: number;
  checks: CheckResult[];
  /** What the rollback of a failed project could not put back. */
  problems: string[];
}

export interface ApplyReport {
  projects: ProjectOutcome[];
  /** `applied`: every project that changes did; `failed`: one failed and was put back; the rest was not reached. */
  outcome: "applied" | "failed";
  seconds: number;
}

/** What the run tells the person at the terminal as it goes. */
export interface ApplyProgress {
  step(project: string, index: number, total: number, what: string): void;
  done(outcome: ProjectOutcome): void;
}

function emptyOutcome(plan: ProjectPlan): Partial<ProjectOutcome> {
  return { name: plan.name, dir: plan.dir, steps: 0, checks: [], problems: [] };
}

/** The project as it is before the apply touches it: files, containers, the networks its steps make or change. */
export function snapshotOf(made: MadePlan, plan: ProjectPlan): ProjectSnapshot {
  const files = (made.filesOf.get(plan.name) ?? []).flatMap((f) => {
    const text = readText(f.path);
    return text === undefined ? [] : [{ path: f.path, shown: f.shown, text }];
  });
  const containers = made.containers
    .filter((c) => c.labels[PROJECT_LABEL] === plan.name)
    .map(({ live: _live, ...c }) => c);
  const touched = new Set(
    plan.steps.flatMap((s) =>
      s.kind === "create-network" || s.kind === "replace-network" ? [s.network.name] : [],
    ),
  );
  const networks = [...touched].map((name) => {
    const state = made.networks.find((n) => n.name === name);
    return state ? { name, state } : { name };
  });
  return { name: plan.name, dir: plan.dir, files, containers, networks };
}

/**
 * Puts a project back as its snapshot says, checks by inspection that it is, and waits (up to
 * `waitMs`) for the containers that were healthy to be healthy again. Says what could not be.
 */
export async function restoreProject(
  engine: ApplyEngine,
  snap: ProjectSnapshot,
  started: Step[],
  wait: { clock: Clock; waitMs: number },
): Promise<string[]> {
  const written = writtenBy(started);
  const now = async () => ({
    containers: await engine.containers(),
    networks: await engine.networks(),
    text: readText,
  });
  const plan = planRestore(snap, written, await now());
  const problems = await runRestore(engine, plan);
  const differs = restoreDiffers(snap, await now(), written);
  const healthy = snap.containers.filter((c) => c.running && c.health.status === "healthy");
  const deadline = wait.clock.now() + wait.waitMs;
  let unhealthy: string[] = [];
  for (;;) {
    const all = healthy.length ? await engine.containers() : [];
    unhealthy = healthy
      .filter((s) => all.find((c) => c.name === s.name)?.health.status !== "healthy")
      .map((s) => s.name);
    if (!unhealthy.length || wait.clock.now() >= deadline) break;
    await wait.clock.sleep(1000);
  }
  const sick = unhealthy.map((n) => `\`${n}\` is not healthy again (it was before the apply)`);
  return [...new Set([...problems, ...differs, ...sick])];
}

/**
 * Carries out a plan, one project at a time: its snapshot into the journal, its steps (each
 * journaled before and after), then its proof. A project whose step fails or whose proof does
 * not hold is put back as its snapshot says (files and containers), and the apply stops there:
 * the projects before it stay applied, the ones after it are not touched.
 */
export async function carryOutPlan(
  made: MadePlan,
  engine: ApplyEngine,
  journal: Journal,
  clock: Clock,
  options: { waitMs: number; progress: ApplyProgress },
): Promise<ApplyReport> {
  const started = clock.now();
  const outcomes: ProjectOutcome[] = [];
  const snapshots = new Map(journal.snapshots().map((s) => [s.name, s]));
  // projects an apply that stopped half way changed and did not get to prove
  const settled = new Set([...journal.proved(), ...journal.restoredDuringApply()]);
  const unproven = new Set([...snapshots.keys()].filter((name) => !settled.has(name)));
  let failed = false;
  const plans = made.plan.projects;
  const total = plans.length;
  for (let at = 0; at < plans.length;) {
    // projects applied together come one after another: changed, then proved, as one
    const group = plans.slice(at, at + 1 + (plans[at].together?.length ?? 0));
    const began = clock.now();
    const outcomeOf = new Map<string, Partial<ProjectOutcome>>();
    const finish = (plan: ProjectPlan, o: Partial<ProjectOutcome>) => {
      const outcome: ProjectOutcome = {
        name: plan.name,
        dir: plan.dir,
        outcome: "up-to-date",
        reason: plan.reason,
        steps: 0,
        seconds: 0,
        checks: [],
        problems: [],
        ...outcomeOf.get(plan.name),
        ...o,
      };
      outcome.seconds = (clock.now() - began) / 1000;
      outcomes.push(outcome);
      options.progress.done(outcome);
    };
    const active: { plan: ProjectPlan; index: number; prove: boolean }[] = [];
    for (const [k, plan] of group.entries()) {
      const prove =
        plan.status === "change" || (plan.status === "up-to-date" && unproven.has(plan.name));
      if (failed) finish(plan, { outcome: "not-reached", reason: "the apply stopped before it" });
      else if (plan.status === "refused" || plan.status === "error")
        finish(plan, { outcome: plan.status });
      else if (!plan.steps.length && !prove) {
        finish(plan, { outcome: plan.status === "not-running" ? "not-running" : "up-to-date" });
      } else active.push({ plan, index: at + k, prove });
    }
    at += group.length;
    if (!active.length) continue;
    const say = (plan: ProjectPlan, index: number, what: string) =>
      options.progress.step(plan.name, index, total, what);
    const baselines = new Map<string, Baseline>();
    for (const { plan, index } of active) {
      outcomeOf.set(plan.name, { ...emptyOutcome(plan) });
      if (!snapshots.has(plan.name)) {
        say(plan, index, "snapshot");
        const snap = snapshotOf(made, plan);
        journal.append({ t: "snapshot", project: plan.name, snapshot: snap });
        snapshots.set(plan.name, snap);
      }
      baselines.set(
        plan.name,
        plan.status === "change" ? await baselineOf(engine, plan) : new Map(),
      );
    }
    let failure: { project: string; why: string } | undefined;
    for (const { plan, index } of active) {
      const ctx: StepContext = {
        engine,
        compose: made.composeOf.get(plan.name),
        composeTarget: made.composeTargets.get(plan.name),
        texts: made.texts,
      };
      for (const [i, step] of plan.steps.entries()) {
        say(plan, index, stepLine(step));
        journal.append({ t: "step", project: plan.name, index: i, phase: "start", step });
        try {
          await runStep(step, ctx);
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          failure = { project: plan.name, why: `${stepLine(step)}: ${why}` };
          break;
        }
        journal.append({ t: "step", project: plan.name, index: i, phase: "done", step });
        outcomeOf.get(plan.name)!.steps!++;
      }
      if (failure) break;
    }
    for (const { plan, index, prove } of active) {
      if (failure || !prove) continue;
      say(plan, index, "proving");
      const proofStarted = clock.now();
      const checks = await proveProject(
        {
          engine,
          now: clock.now,
          sleep: clock.sleep,
          waitMs: options.waitMs,
          since: clock.epoch(),
        },
        plan,
        baselines.get(plan.name)!,
      );
      outcomeOf.get(plan.name)!.checks = checks;
      const bad = checks.filter((c) => c.outcome === "failed");
      if (bad.length) {
        failure = { project: plan.name, why: bad.map((c) => `${c.check}: ${c.detail}`).join("; ") };
      } else {
        journal.append({
          t: "proved",
          project: plan.name,
          seconds: (clock.now() - proofStarted) / 1000,
        });
      }
    }
    if (failure) {
      failed = true;
      for (const { plan, index } of [...active].reverse()) {
        const why =
          plan.name === failure.project
            ? failure.why
            : `applied together with ${failure.project}, which failed: ${failure.why}`;
        say(plan, index, "putting it back");
        journal.append({ t: "rollback-start", project: plan.name, why });
        const problems = await restoreProject(
          engine,
          snapshots.get(plan.name)!,
          journal.startedSteps(plan.name),
          { clock, waitMs: options.waitMs },
        );
        journal.append({ t: "restored", project: plan.name, problems });
        finish(plan, { outcome: "rolled-back", reason: why, problems });
      }
      continue;
    }
    for (const { plan, prove } of active)
      finish(plan, { outcome: prove ? "applied" : "files-written" });
  }
  return {
    projects: outcomes,
    outcome: failed ? "failed" : "applied",
    seconds: (clock.now() - started) / 1000,
  };
}
