import { carryOutPlan, restoreProject } from "../apply/apply";
import type { ApplyEngine } from "../apply/engine";
import type { Journal } from "../apply/journal";
import { takeLock } from "../apply/lock";
import type { MadePlan } from "../apply/make-plan";
import { DEFAULT_WAIT_SECONDS } from "../apply/prove";
import { VERSION } from "../version";
import type { ApplySeams, ApplySelected } from "./apply-seams";
import { applyProgress, applySummary } from "./apply-terminal";
import type { RunIO } from "./io";

/**
 * Carries a confirmed plan out under the lock, in the journal's session: a new one, or the one
 * an apply killed half way left (a project it was putting back is put back first, and the apply
 * ends there). Returns the exit status.
 */
export async function carryOut(
  made: MadePlan,
  engine: ApplyEngine,
  journal: Journal,
  stateDir: string,
  s: ApplySelected,
  io: RunIO,
  seams: ApplySeams,
): Promise<number> {
  const lock = takeLock(stateDir);
  if ("heldBy" in lock) {
    io.stderr(
      `error: another apply or rollback (process ${lock.heldBy}) is working on ${stateDir}\n`,
    );
    return 2;
  }
  try {
    const at = () => new Date(seams.clock.epoch()).toISOString();
    if (journal.state === "applying") {
      journal.append({ t: "resume", at: at() });
      if (!s.flags.quiet)
        io.stderr(
          `composemod apply: going on with the apply that stopped half way (journal ${journal.path})\n`,
        );
      const open = journal.unfinishedRollbacks();
      if (open.length) {
        let left = 0;
        for (const { project, why } of open) {
          const snap = journal.snapshots().find((x) => x.name === project);
          const problems = snap
            ? await restoreProject(engine, snap, journal.startedSteps(project), {
                clock: seams.clock,
                waitMs: (s.flags.wait ?? DEFAULT_WAIT_SECONDS) * 1000,
              })
            : [];
          journal.append({ t: "restored", project, problems });
          left += problems.length;
          io.stderr(
            `failed, put back: ${project}: ${why}${problems.length ? `\n  could not put back: ${problems.join("; ")}` : ""}\n`,
          );
        }
        journal.append({ t: "end", at: at(), outcome: "failed" });
        return left ? 2 : 1;
      }
    } else {
      journal.archive();
      journal.append({
        t: "begin",
        session: new Date(seams.clock.epoch()).toISOString().replace(/[:.]/g, "-"),
        at: at(),
        composemod: VERSION,
        engine: engine.endpoint,
        paths: made.plan.paths,
        write: made.plan.write,
      });
    }
    const progress = applyProgress(io, made.plan.projects.length, s.flags.quiet === true);
    const report = await carryOutPlan(made, engine, journal, seams.clock, {
      waitMs: (s.flags.wait ?? DEFAULT_WAIT_SECONDS) * 1000,
      progress,
    });
    progress.end();
    journal.append({ t: "end", at: at(), outcome: report.outcome });
    if (s.flags.json)
      io.stdout(JSON.stringify({ plan: made.plan, result: report }, null, 2) + "\n");
    if (!s.flags.quiet) io.stderr(applySummary(report) + "\n");
    const problems =
      made.errors.length > 0 ||
      report.projects.some(
        (p) => p.problems.length || p.outcome === "error" || p.outcome === "refused",
      );
    return problems ? 2 : report.outcome === "failed" ? 1 : 0;
  } finally {
    lock.release();
  }
}
