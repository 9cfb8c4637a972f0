import { appendFileSync } from "node:fs";
import { crossProjectReaches, inProjectLinks, lostLinks, reachedFrom } from "./analysis";
import { PROXY_CONTAINER, Scenario } from "./scenario";

/** The figures of a run, as the summary line states them. */
export interface Figures {
  projects: number;
  notRunnable: string[];
  containers: number;
  probes: number;
  crossBefore: number;
  crossAfter: number;
  linksLost: number;
  apps: number;
  proxyApps: number;
  proxyDataStores: number;
  /** `audit --live`: findings before the rewrite, of which name collisions; drifted containers; findings after. */
  liveBefore: number;
  liveNames: number;
  liveDrift: number;
  liveAfter: number;
}

export function figures(s: Scenario): Figures {
  const apps = s.after.containers
    .filter((c) => s.roles.get(c.identity) === "app")
    .map((c) => c.identity);
  const fromProxy = reachedFrom(s.after, PROXY_CONTAINER, s.roles);
  return {
    projects: s.runnable.length,
    notRunnable: s.host.projects.filter((p) => p.notRunnable).map((p) => p.name),
    containers: s.before.containers.filter((c) => c.project).length,
    probes: s.before.probes.length + s.after.probes.length,
    crossBefore: crossProjectReaches(s.before, s.roles).length,
    crossAfter: crossProjectReaches(s.after, s.roles).length,
    linksLost: lostLinks(inProjectLinks(s.before), inProjectLinks(s.after)).length,
    apps: apps.length,
    proxyApps: apps.filter((a) => fromProxy.get("app")?.has(a)).length,
    proxyDataStores: (fromProxy.get("database")?.size ?? 0) + (fromProxy.get("backend")?.size ?? 0),
    liveBefore: s.liveBefore.reach.findings.length,
    liveNames: s.liveBefore.reach.names.size,
    liveDrift: s.liveDrift.reach.drift.size,
    liveAfter: s.liveAfter.reach.findings.length,
  };
}

/** The one line a run ends with. */
export function summaryLine(f: Figures, seconds: number): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const skipped = f.notRunnable.length
    ? ` (+${f.notRunnable.length} not runnable on Compose 1.29: ${f.notRunnable.join(", ")})`
    : "";
  return (
    `e2e: ${f.projects} projects${skipped}, ${f.containers} containers, ${n(f.probes)} probes; ` +
    `cross-project reaches to databases/backends before ${n(f.crossBefore)}, after ${n(f.crossAfter)}; ` +
    `in-project links lost ${f.linksLost}; proxy reaches ${f.proxyApps}/${f.apps} apps, ` +
    `${f.proxyDataStores} databases/backends; audit --live: ${f.liveBefore} findings before ` +
    `(${f.liveNames} name collisions), ${f.liveDrift} containers drifted until recreated, ` +
    `${f.liveAfter} findings after; ${Math.round(seconds)} s`
  );
}

/** Prints a line past jest's console capture, and adds it to $COMPOSEMOD_E2E_SUMMARY when set. */
export function report(line: string): void {
  process.stderr.write(`${line}\n`);
  const file = process.env.COMPOSEMOD_E2E_SUMMARY;
  if (file) appendFileSync(file, `${line}\n`);
}
