import { crossProjectReaches } from "./analysis";
import type { ApplyScenario } from "./apply-scenario";

const n = (x: number) => x.toLocaleString("en-US");
const s = (x: number) => `${x.toFixed(1)} s`;

/** Cross-project reaches to databases alone, from a matrix. */
export function databaseReaches(sc: ApplyScenario, after: boolean): number {
  return crossProjectReaches(after ? sc.after : sc.before, sc.roles).filter(
    (r) => r.role === "database",
  ).length;
}

/** The lines an apply run ends with: the migration, the availability per app, the failure, rollback and kill. */
export function applySummaryLines(sc: ApplyScenario, seconds: number): string[] {
  const steps = sc.plan.projects.flatMap((p) => p.steps);
  const changed = sc.plan.projects.filter((p) => p.status === "change").length;
  const gaps = [...sc.gaps]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([app, gap]) => `${app} ${s(gap)}${sc.recreated.has(app) ? " (recreated)" : ""}`);
  const relay = [...sc.failure.after.keys()].filter((k) => k.startsWith("relay_"));
  const own = (name: string) => sc.runnable.some((p) => name.startsWith(`${p.name}_`));
  const putBack = [...sc.beforeApply.keys()].filter((k) => own(k) && sc.afterRollback.has(k));
  return [
    `e2e apply: ${sc.runnable.length} running projects (${changed} changed), --write then apply --yes in ${s(sc.applySeconds)}: ` +
      `${steps.filter((x) => x.kind === "connect").length} connections, ${steps.filter((x) => x.kind === "disconnect").length} disconnections, ` +
      `${sc.recreated.size} containers recreated, ${steps.filter((x) => x.kind === "create-network").length} networks created, each project proven live; ` +
      `audit --live after: ${sc.liveAfter.reach.findings.length} findings, ${sc.liveAfter.reach.drift.size} drifted; ` +
      `cross-project database reaches before ${n(databaseReaches(sc, false))}, after ${n(databaseReaches(sc, true))}; ${Math.round(seconds)} s`,
    `e2e apply: longest gap per app through the proxy network during the apply: ${gaps.join(", ")}`,
    `e2e apply: forced failing check: relay put back (files byte for byte, ${relay.length} containers as inspected before), notes migrated before it, zine not reached (exit ${sc.failure.run.code}); ` +
      `rollback after success (${sc.composedAgain} replaced by docker-compose up -d in between): ${putBack.length} containers and ${sc.filesAfterRollback.size} files as before (exit ${sc.rollback.code}); ` +
      `kill -9 as ${sc.killedAt} began (${sc.killedAfter.steps} steps of ${sc.killedAfter.projects} projects done), apply again: exit ${sc.again.code}, audit --live ${sc.liveAgain.reach.findings.length} findings, ${sc.liveAgain.reach.drift.size} drifted`,
  ];
}
