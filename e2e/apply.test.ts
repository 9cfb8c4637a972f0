import * as path from "node:path";
import { crossProjectReaches, inProjectLinks, lostLinks, reachedFrom } from "./analysis";
import { ApplyScenario, runApplyScenario, Seen } from "./apply-scenario";
import { applySummaryLines } from "./apply-summary";
import { Engine, engineUnavailable, startEngine } from "./engine";
import { PROXY_CONTAINER } from "./scenario";
import { report } from "./summary";

const repoRoot = path.resolve(__dirname, "..");
// CI, or `npm run e2e -- --require-engine`: an engine must start here
const required = !!process.env.CI || process.env.COMPOSEMOD_E2E_REQUIRE_ENGINE === "1";
const unavailable = engineUnavailable();
const started = Date.now();
if (unavailable && !required)
  report(`e2e apply: skipped, no Docker Engine can start here: ${unavailable}`);

let engine: Engine | undefined;
let scenario: ApplyScenario | undefined;
let broken: string | undefined = unavailable && `no Docker Engine can start here: ${unavailable}`;

beforeAll(async () => {
  if (broken) return;
  try {
    engine = await startEngine();
    scenario = await runApplyScenario(engine, { repoRoot });
  } catch (err) {
    broken = (err as Error).stack ?? String(err);
  }
}, 1_800_000);

afterAll(async () => {
  await engine?.stop();
  const seconds = (Date.now() - started) / 1000;
  if (scenario) {
    const steps = scenario.steps.map(([name, s]) => `${name} ${s.toFixed(1)} s`);
    process.stderr.write(`e2e apply steps: ${steps.join(", ")}\n`);
    for (const line of applySummaryLines(scenario, seconds)) report(line);
  } else if (broken) {
    report(`e2e apply: FAILED after ${Math.round(seconds)} s: ${broken.split("\n")[0]}`);
  }
}, 120_000);

const describeEngine = unavailable && !required ? describe.skip : describe;
const the = () => {
  if (!scenario) throw new Error(broken);
  return scenario;
};

/** The containers of some projects, by name, as compared before and after. */
const of = (seen: Map<string, Seen>, prefixes: string[], keep: (x: Seen) => unknown = (x) => x) =>
  Object.fromEntries(
    [...seen]
      .filter(([name]) => prefixes.some((p) => name.startsWith(`${p}_`)))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, x]) => [name, keep(x)]),
  );

describeEngine(
  "on a real Docker Engine, composemod apply migrates a running host and proves it",
  () => {
    test("an engine started, and the host runs at least ten projects in their before-migration form", () => {
      if (!scenario) process.stderr.write(`\n*** e2e apply: ${broken} ***\n\n`);
      const s = the();
      expect(s.runnable.length).toBeGreaterThanOrEqual(10);
      expect(
        crossProjectReaches(s.before, s.roles).filter((r) => r.role === "database").length,
      ).toBeGreaterThan(0);
    });

    test("--write, then the plan: every project whose files changed changes, recreating only the apps whose routing labels changed", () => {
      const s = the();
      expect(s.write.code).toBe(0);
      const changing = s.plan.projects.filter((p) => p.status === "change").map((p) => p.name);
      expect(changing.length).toBeGreaterThanOrEqual(8);
      expect([...s.recreated].sort()).toEqual(["cloud/nextcloud", "paperless/paperless-ngx"]);
    });

    test("apply --yes: exit 0, every changed project applied and proven", () => {
      const s = the();
      expect({ code: s.apply.code, stderr: s.apply.stderr }).toEqual({
        code: 0,
        stderr: expect.stringMatching(/composemod apply: 11 projects: \d+ applied/),
      });
      expect(s.apply.stderr).not.toMatch(/failed|refused|error/);
    });

    test("afterwards audit --live has no finding and no drift", () => {
      const s = the();
      expect(s.liveAfter.code).toBe(0);
      expect(s.liveAfter.reach.findings).toEqual([]);
      expect([...s.liveAfter.reach.drift]).toEqual([]);
    });

    test("afterwards no database or backend is reachable from another project; in-project links and the proxy's reach kept", () => {
      const s = the();
      expect(
        crossProjectReaches(s.after, s.roles).map(
          (r) => `${r.probe.source} -> ${r.probe.answered}`,
        ),
      ).toEqual([]);
      expect(lostLinks(inProjectLinks(s.before), inProjectLinks(s.after))).toEqual([]);
      const reached = reachedFrom(s.after, PROXY_CONTAINER, s.roles);
      const apps = s.after.containers
        .filter((c) => s.roles.get(c.identity) === "app")
        .map((c) => c.identity);
      expect(apps.filter((a) => !reached.get("app")?.has(a))).toEqual([]);
    });

    test("every app answered through the proxy network throughout the apply: a reconnected one within a probe, a recreated one within its restart", () => {
      const s = the();
      expect(s.gaps.size).toBeGreaterThanOrEqual(10);
      for (const [app, gap] of s.gaps) {
        expect({ app, answered: (s.asked.get(app) ?? 0) > 0 }).toEqual({ app, answered: true });
        expect({ app, gap: gap < (s.recreated.has(app) ? 15 : 2.5) }).toEqual({ app, gap: true });
      }
    });

    test("a later docker-compose up -d replaces the reconnected containers, onto the networks apply made", () => {
      const s = the();
      const project = [s.composedAgain];
      const replaced = Object.entries(of(s.afterComposeUp, project, (x) => x.id)).filter(
        ([name, id]) => of(s.afterApply, project, (x) => x.id)[name] !== id,
      );
      expect(replaced.map(([name]) => name).sort()).toEqual(["pads_app_1", "pads_db_1"]);
      const compare = (x: Seen) => ({ running: x.running, networks: x.networks });
      expect(of(s.afterComposeUp, project, compare)).toEqual(of(s.afterApply, project, compare));
    });

    test("rollback after the apply puts back every container (same container, networks, names there, health) and every file", () => {
      const s = the();
      expect(s.rollback.code).toBe(0);
      const projects = s.runnable.map((p) => p.name);
      const compare = (x: Seen) => ({
        running: x.running,
        health: x.health,
        image: x.image,
        routing: x.routing,
        networks: x.networks,
      });
      expect(of(s.afterRollback, projects, compare)).toEqual(of(s.beforeApply, projects, compare));
      // reconnected containers are the very same ones; the ones Compose replaced (in the apply, or
      // in docker-compose up afterwards) were made again
      const recreated = new Set([
        "cloud_nextcloud_1",
        "paperless_paperless-ngx_1",
        "pads_app_1",
        "pads_db_1",
      ]);
      const ids = (seen: Map<string, Seen>) => of(seen, projects, (x) => x.id);
      const same = Object.entries(ids(s.afterRollback)).filter(
        ([name, id]) => ids(s.beforeApply)[name] === id,
      );
      expect(same.length).toBe(Object.keys(ids(s.beforeApply)).length - recreated.size);
      expect(s.filesAfterRollback).toEqual(s.filesAfterWrite);
    });

    test("an apply killed with SIGKILL half way, run again, converges: no finding, no drift", () => {
      const s = the();
      expect(s.killedRun.code).toBe(137);
      expect(s.again.code).toBe(0);
      expect(s.again.stderr).toContain("going on with the apply that stopped half way");
      expect(s.liveAgain.code).toBe(0);
      expect(s.liveAgain.reach.findings).toEqual([]);
      expect([...s.liveAgain.reach.drift]).toEqual([]);
    });

    test("a failing check puts its project back (files and containers, by inspection) and stops; the project before it stays migrated", () => {
      const s = the();
      const f = s.failure;
      expect(f.plan.projects.map((p) => [p.name, p.status])).toEqual([
        ["notes", "change"],
        ["relay", "change"],
        ["zine", "change"],
      ]);
      expect(f.run.code).toBe(1);
      expect(f.run.stderr).toMatch(
        /failed, put back: relay: .*`relay_worker_1` is unhealthy \(it was healthy before\)/,
      );
      const files = (name: string) => f.host.projects.find((p) => p.name === name)!.file;
      // relay: its files byte for byte, the same containers on the same networks, healthy again
      expect(f.filesAfter.get(files("relay"))).toBe(f.filesBefore.get(files("relay")));
      expect(of(f.after, ["relay"])).toEqual(of(f.before, ["relay"]));
      // notes, before it: migrated; zine, after it: not touched
      expect(f.filesAfter.get(files("notes"))).not.toBe(f.filesBefore.get(files("notes")));
      expect(of(f.after, ["notes"], (x) => x.networks.map((n) => n.split(":")[0]))).toEqual({
        notes_app_1: ["notes_internal", "proxy"],
        notes_db_1: ["notes_internal"],
      });
      expect(f.filesAfter.get(files("zine"))).toBe(f.filesBefore.get(files("zine")));
      expect(of(f.after, ["zine"])).toEqual(of(f.before, ["zine"]));
    });
  },
);
