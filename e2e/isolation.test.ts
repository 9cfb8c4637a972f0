import * as path from "node:path";
import {
  compareReach,
  crossProjectReaches,
  inProjectLinks,
  lostLinks,
  reachedByOtherProjects,
  reachedFrom,
} from "./analysis";
import type { AuditReach, Role } from "./composemod";
import { Engine, engineUnavailable, startEngine } from "./engine";
import type { Matrix } from "./probe";
import { sarifProblems } from "./sarif";
import { PROXY_CONTAINER, runScenario, Scenario } from "./scenario";
import { figures, report, summaryLine } from "./summary";

const repoRoot = path.resolve(__dirname, "..");
// CI, or `npm run e2e -- --require-engine`: an engine must start here
const required = !!process.env.CI || process.env.COMPOSEMOD_E2E_REQUIRE_ENGINE === "1";
const unavailable = engineUnavailable();
const started = Date.now();
if (unavailable && !required)
  report(`e2e: skipped, no Docker Engine can start here: ${unavailable}`);

let engine: Engine | undefined;
let scenario: Scenario | undefined;
let broken: string | undefined = unavailable && `no Docker Engine can start here: ${unavailable}`;

beforeAll(async () => {
  if (broken) return;
  try {
    engine = await startEngine();
    scenario = await runScenario(engine, { repoRoot });
  } catch (err) {
    broken = (err as Error).stack ?? String(err);
  }
}, 900_000);

afterAll(async () => {
  await engine?.stop();
  const seconds = (Date.now() - started) / 1000;
  if (scenario) {
    const steps = scenario.steps.map(([name, s]) => `${name} ${s.toFixed(1)} s`);
    process.stderr.write(`e2e steps: ${steps.join(", ")}\n`);
    report(summaryLine(figures(scenario), seconds));
  } else if (broken) {
    report(`e2e: FAILED after ${Math.round(seconds)} s: ${broken.split("\n")[0]}`);
  }
}, 120_000);

const describeEngine = unavailable && !required ? describe.skip : describe;
const the = () => {
  if (!scenario) throw new Error(broken);
  return scenario;
};
const show = (lines: string[]) => lines.slice(0, 40).join("\n");

/** The audit's `target -> sources`, the sources narrowed to Compose containers (no audit of files knows the suite's proxy). */
const composeSources = (reach: Map<string, Set<string>>, roles: Map<string, Role>) =>
  new Map([...reach].map(([t, sources]) => [t, new Set([...sources].filter((x) => roles.has(x)))]));

/** Each Compose container's networks, as the engine ran it. */
const networksOf = (m: Matrix) =>
  new Map(
    m.containers
      .filter((c) => c.project && c.networks.length)
      .map((c) => [
        c.identity,
        c.networks
          .map((n) => n.network)
          .sort()
          .join(" "),
      ]),
  );

/** The findings of an audit, as `<rule> <project>/<service>`, sorted. */
const findings = (reach: AuditReach) => [...reach.findings].sort();

describeEngine(
  "on a real Docker Engine, composemod --write isolates each project's databases",
  () => {
    test("an engine started", () => {
      if (!scenario) process.stderr.write(`\n*** e2e: ${broken} ***\n\n`);
      the();
    });

    test("the host has at least eight runnable projects; those Compose 1.29 refuses are named", () => {
      const s = the();
      expect(s.host.missing).toEqual([]);
      expect(s.runnable.length).toBeGreaterThanOrEqual(8);
      for (const p of s.host.projects.filter((p) => p.notRunnable)) {
        process.stderr.write(`e2e: not runnable on Compose 1.29: ${p.name}: ${p.notRunnable}\n`);
      }
      const running = new Set(s.before.containers.map((c) => c.identity));
      const expected = s.runnable.flatMap((p) =>
        p.services.filter((x) => !x.networkMode).map((x) => x.identity),
      );
      expect(expected.filter((id) => !running.has(id))).toEqual([]);
    });

    test("before: some database is reachable from another project", () => {
      const s = the();
      const reaches = crossProjectReaches(s.before, s.roles).filter((r) => r.role === "database");
      expect(reaches.length).toBeGreaterThan(0);
    });

    test("composemod --write exits 0", () => {
      const s = the();
      expect({ code: s.write.code, stderr: s.write.stderr }).toEqual({
        code: 0,
        stderr: expect.any(String),
      });
    });

    test("the already migrated project is left unchanged", () => {
      const s = the();
      const migrated = s.host.projects.find((p) => p.name === "wiki-migrated");
      expect(migrated).toBeDefined();
      expect(s.textAfter.get(migrated!.file)).toBe(s.textBefore.get(migrated!.file));
    });

    test("after: no database or backend is reachable from another project's container, by IP or by name", () => {
      const s = the();
      const reaches = crossProjectReaches(s.after, s.roles).map(
        ({ probe: p, role }) =>
          `${p.source} -> ${role} ${p.answered} by ${p.kind} ${p.address}:${p.port}${p.network ? ` on ${p.network}` : ""}`,
      );
      expect(show(reaches)).toBe("");
    });

    test("every in-project link by name that worked before still works", () => {
      const s = the();
      const before = inProjectLinks(s.before);
      expect(before.size).toBeGreaterThan(0);
      expect(show(lostLinks(before, inProjectLinks(s.after)))).toBe("");
    });

    test("the proxy reaches every app and no database or backend", () => {
      const s = the();
      const reached = reachedFrom(s.after, PROXY_CONTAINER, s.roles);
      const apps = s.after.containers
        .filter((c) => s.roles.get(c.identity) === "app")
        .map((c) => c.identity);
      expect(apps.length).toBeGreaterThan(0);
      expect(apps.filter((a) => !reached.get("app")?.has(a))).toEqual([]);
      expect([...(reached.get("database") ?? []), ...(reached.get("backend") ?? [])]).toEqual([]);
    });

    test("docker-compose config accepts every output file it accepted as input", () => {
      const s = the();
      const refused = [...s.configBefore]
        .filter(([file, why]) => why === undefined && s.configAfter.get(file) !== undefined)
        .map(([file]) => `${path.relative(s.host.dir, file)}: ${s.configAfter.get(file)}`);
      expect(refused).toEqual([]);
    });

    test("the audit names exactly the databases and backends the engine let other projects reach, before", () => {
      const s = the();
      expect(
        show(
          compareReach(
            reachedByOtherProjects(s.before, s.roles, "database"),
            s.auditBefore.databases,
          ),
        ),
      ).toBe("");
      expect(
        show(
          compareReach(
            reachedByOtherProjects(s.before, s.roles, "backend"),
            s.auditBefore.backends,
          ),
        ),
      ).toBe("");
    });

    test("the audit names exactly the databases and backends the engine let other projects reach, after", () => {
      const s = the();
      expect(
        show(
          compareReach(
            reachedByOtherProjects(s.after, s.roles, "database"),
            s.auditAfter.databases,
          ),
        ),
      ).toBe("");
      expect(
        show(
          compareReach(reachedByOtherProjects(s.after, s.roles, "backend"), s.auditAfter.backends),
        ),
      ).toBe("");
    });

    test("what the audit said --write would leave is what the engine showed after it", () => {
      const s = the();
      expect(s.auditBefore.databasesReachableAfterWrite).toBe(
        reachedByOtherProjects(s.after, s.roles, "database").size,
      );
    });

    test("audit --live before the rewrite names exactly the databases the engine let other projects reach, exit 1", () => {
      const s = the();
      expect({ code: s.liveBefore.code, stderr: s.liveBefore.stderr }).toEqual({
        code: 1,
        stderr: "",
      });
      expect(s.liveBefore.reach.databasesReachable).toBeGreaterThan(0);
      expect(
        show(
          compareReach(
            reachedByOtherProjects(s.before, s.roles, "database"),
            composeSources(s.liveBefore.reach.databases, s.roles),
          ),
        ),
      ).toBe("");
    });

    test("a name that services of two projects answer on the shared network: a finding before, in both audits; none after", () => {
      const s = the();
      expect(s.auditBefore.names.size).toBeGreaterThan(0);
      expect([...s.liveBefore.reach.names].sort()).toEqual([...s.auditBefore.names].sort());
      expect([...s.auditAfter.names]).toEqual([]);
      expect([...s.liveAfter.reach.names]).toEqual([]);
    });

    test("audit --live between --write and the recreate reports as drift exactly the containers the recreate moved", () => {
      const s = the();
      const before = networksOf(s.before);
      const after = networksOf(s.after);
      const moved = [...before].filter(([id, nets]) => after.get(id) !== nets).map(([id]) => id);
      expect(moved.length).toBeGreaterThan(0);
      expect([...s.liveDrift.reach.drift].sort()).toEqual(moved.sort());
      expect([...s.liveAfter.reach.drift]).toEqual([]);
    });

    test("audit --live says what the static audit says of the same host, before the rewrite", () => {
      const s = the();
      expect(findings(s.liveBefore.reach)).toEqual(findings(s.auditBefore));
    });

    test("audit --live once the stacks are recreated: nothing reachable, exit 0, and what the static audit says", () => {
      const s = the();
      expect({ code: s.liveAfter.code, stderr: s.liveAfter.stderr }).toEqual({
        code: 0,
        stderr: "",
      });
      expect(s.liveAfter.reach.databasesReachable).toBe(0);
      expect(s.liveAfter.reach.databases.size).toBe(0);
      expect(findings(s.liveAfter.reach)).toEqual(findings(s.auditAfter));
    });

    test("audit --live prints SARIF 2.1.0 that validates, and JSON whose summary counts its rows", () => {
      const s = the();
      for (const live of [s.liveBefore, s.liveAfter]) {
        expect(sarifProblems(live.sarif)).toEqual([]);
        const report = live.json as {
          source: string;
          findings: { level: string }[];
          summary: { findings: number; levels: Record<string, number> };
        };
        expect(report.source).toBe("engine");
        expect(report.summary.findings).toBe(report.findings.length);
        expect(report.summary.levels.error).toBe(
          report.findings.filter((f) => f.level === "error").length,
        );
      }
    });
  },
);
