import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Journal } from "../src/apply/journal";
import { planRestore } from "../src/apply/restore";
import type { ApplyPlan } from "../src/apply/plan-types";
import { runApplyCommand } from "../src/cli/apply-command";
import type { ApplyFlags, ApplySeams } from "../src/cli/apply-seams";
import { fakeCompose, FakeEngine } from "./helpers/apply-engine";
import { captureIO, tempTree } from "./helpers/tmp";

/** A project on the shared proxy network, as the article's second snippet has it; `worker` optional. */
const before = (project: string, worker = false) => `services:
  db:
    image: mariadb:11
  app:
    image: mediawiki
    environment:
      VIRTUAL_HOST: ${project}.example.org
${worker ? `  worker:\n    image: ${project}/worker\n` : ""}networks:
  default:
    external:
      name: proxy
`;

const PROJECTS = ["alpha", "beta", "gamma"];

/** Three running projects on `proxy`, with the host's proxy; `beta`'s worker is healthy only on `proxy`. */
function host(options: { failingBeta?: boolean } = {}) {
  const dir = tempTree(
    Object.fromEntries(
      PROJECTS.map((p) => [
        `${p}/docker-compose.yml`,
        before(p, p === "beta" && options.failingBeta),
      ]),
    ),
  );
  const engine = new FakeEngine();
  engine.network("proxy");
  engine.container("/nginx-proxy", { proxy: [] }, { image: "nginxproxy/nginx-proxy:1.6" });
  for (const p of PROJECTS) {
    engine.container(`${p}/db`, { proxy: [] }, { image: "mariadb:11" }, { port: 3306 });
    engine.container(
      `${p}/app`,
      { proxy: [] },
      { image: "mediawiki", env: [`VIRTUAL_HOST=${p}.example.org`] },
    );
    if (p === "beta" && options.failingBeta) {
      engine.container(
        `${p}/worker`,
        { proxy: [] },
        { image: `${p}/worker` },
        {
          // reaches something on the shared network by a name no file says: healthy only there
          healthy: (c) => c.networks.some((n) => n.network === "proxy"),
        },
      );
    }
  }
  return { dir, engine };
}

function seams(engine: FakeEngine, confirm?: (q: string) => Promise<boolean>): ApplySeams {
  let clock = 0;
  return {
    connect: async () => engine,
    findCompose: async () => fakeCompose(engine, () => ({ proxy: [] })),
    clock: {
      now: () => clock,
      epoch: () => Date.now(),
      sleep: async (ms) => {
        clock += ms;
      },
    },
    confirm,
  };
}

async function apply(
  dir: string,
  engine: FakeEngine,
  flags: ApplyFlags,
  args = [dir],
  confirm?: (q: string) => Promise<boolean>,
) {
  const io = captureIO(dir);
  const code = await runApplyCommand(
    { command: "apply", args, flags: { compose: "auto", wait: 5, ...flags } },
    io,
    {},
    seams(engine, confirm),
  );
  return { code, out: io.out(), err: io.err() };
}

async function rollback(dir: string, engine: FakeEngine, flags: ApplyFlags = { yes: true }) {
  const io = captureIO(dir);
  const code = await runApplyCommand(
    { command: "rollback", args: [dir], flags: { wait: 5, ...flags } },
    io,
    {},
    seams(engine),
  );
  return { code, out: io.out(), err: io.err() };
}

const texts = (dir: string) =>
  PROJECTS.map((p) => readFileSync(path.join(dir, p, "docker-compose.yml"), "utf8"));

const MIGRATED = [
  "alpha_app_1: alpha_internal proxy",
  "alpha_db_1: alpha_internal",
  "beta_app_1: beta_internal proxy",
  "beta_db_1: beta_internal",
  "gamma_app_1: gamma_internal proxy",
  "gamma_db_1: gamma_internal",
  "nginx-proxy: proxy",
];

describe("composemod apply on a faked engine", () => {
  test("--dry-run prints the plan and changes nothing: no file, no engine call", async () => {
    const { dir, engine } = host();
    const was = texts(dir);
    const ran = await apply(dir, engine, { write: true, dryRun: true });
    expect(ran.code).toBe(0);
    expect(ran.out).toContain("alpha (alpha): changes - 2 of its services change networks");
    expect(ran.out).toContain("+ write alpha/docker-compose.yml");
    expect(ran.out).toMatch(
      /Plan: 3 of 3 projects change \(6 containers reconnected, 0 recreated, 3 networks created\)/,
    );
    expect(engine.calls).toEqual([]);
    expect(texts(dir)).toEqual(was);
    expect(existsSync(path.join(dir, ".composemod"))).toBe(false);
  });

  test("--json prints the plan as data", async () => {
    const { dir, engine } = host();
    const ran = await apply(dir, engine, { write: true, dryRun: true, json: true, quiet: true });
    const plan = JSON.parse(ran.out).plan as ApplyPlan;
    expect(plan.format).toBe("composemod-apply-plan");
    expect(plan.projects.map((p) => [p.name, p.status, p.steps.map((s) => s.kind)])).toEqual([
      ["alpha", "change", ["write-files", "create-network", "connect", "connect", "disconnect"]],
      ["beta", "change", ["write-files", "create-network", "connect", "connect", "disconnect"]],
      ["gamma", "change", ["write-files", "create-network", "connect", "connect", "disconnect"]],
    ]);
  });

  test("without --yes and no terminal to ask on: nothing is changed, exit 1; declined on a terminal: the same", async () => {
    const { dir, engine } = host();
    const ran = await apply(dir, engine, { write: true });
    expect(ran.code).toBe(1);
    expect(ran.err).toContain("not applied: there is no terminal to ask on");
    const declined = await apply(dir, engine, { write: true }, [dir], async () => false);
    expect(declined.code).toBe(1);
    expect(engine.calls).toEqual([]);
  });

  test("--write --yes: files rewritten, containers connected before they are disconnected, every project proven; exit 0", async () => {
    const { dir, engine } = host();
    const ran = await apply(dir, engine, { write: true, yes: true });
    expect(ran.err).toContain("composemod apply: 3 projects: 3 applied, 0 up to date");
    expect(ran.code).toBe(0);
    expect(engine.layout()).toEqual(MIGRATED);
    expect(texts(dir)[0]).toContain("      - internal\n");
    const alpha = engine.calls.filter((c) => c.includes("alpha"));
    expect(alpha).toEqual([
      "create-network alpha_internal",
      "connect alpha_db_1 alpha_internal",
      "connect alpha_app_1 alpha_internal",
      "disconnect alpha_db_1 proxy",
    ]);
    const journal = Journal.open(path.join(dir, ".composemod"));
    expect(journal.state).toBe("ended");
    expect([...journal.proved()].sort()).toEqual(PROJECTS);
    // once applied there is nothing left to do
    const again = await apply(dir, engine, { yes: true });
    expect(again.code).toBe(0);
    expect(again.err).toContain("nothing to apply");
  });

  test("on a terminal, a progress line (project, step, elapsed) above which each outcome is printed; --json gives the result as data", async () => {
    const { dir, engine } = host();
    const io = { ...captureIO(dir), stderrIsTTY: true, stderrColumns: 200 };
    const code = await runApplyCommand(
      {
        command: "apply",
        args: [dir],
        flags: { write: true, yes: true, json: true, compose: "auto", wait: 5 },
      },
      io,
      {},
      seams(engine),
    );
    expect(code).toBe(0);
    // redrawn at most every 100 ms: this clock stands still, so the first step is what shows
    expect(io.err()).toContain("\r\u001b[Kcomposemod: 1/3 alpha: snapshot (0.0 s)");
    expect(io.err()).toContain("\r\u001b[Kapplied: alpha (5 steps, 5 checks passed");
    const { result } = JSON.parse(io.out()) as {
      result: {
        outcome: string;
        projects: { name: string; outcome: string; checks: { kind: string; outcome: string }[] }[];
      };
    };
    expect(result.outcome).toBe("applied");
    expect(
      result.projects.map((p) => [
        p.name,
        p.outcome,
        p.checks.map((c) => `${c.kind} ${c.outcome}`),
      ]),
    ).toEqual(
      PROJECTS.map((p) => [
        p,
        "applied",
        [
          "networks passed",
          "proxy-reaches-app passed",
          "app-reaches-database passed",
          "database-isolated passed",
          "healthy passed",
        ],
      ]),
    );
  });

  test("a check that fails puts its project back (files and containers) and stops; the projects before it stay applied", async () => {
    const { dir, engine } = host({ failingBeta: true });
    const was = texts(dir);
    const layout = engine.layout();
    const ids = [...engine.containersById.values()].map((c) => c.id).sort();
    const ran = await apply(dir, engine, { write: true, yes: true });
    expect(ran.code).toBe(1);
    expect(ran.err).toMatch(
      /failed, put back: beta: .*`beta_worker_1` is unhealthy \(it was healthy before\)/,
    );
    expect(ran.err).toContain("1 applied, 0 up to date, 1 failed and put back, 1 not reached");
    const now = engine.layout();
    expect(now.filter((l) => l.startsWith("alpha"))).toEqual(
      MIGRATED.filter((l) => l.startsWith("alpha")),
    );
    expect(now.filter((l) => !l.startsWith("alpha"))).toEqual(
      layout.filter((l) => !l.startsWith("alpha")),
    );
    // the same containers, the beta files as they were, gamma untouched
    expect([...engine.containersById.values()].map((c) => c.id).sort()).toEqual(ids);
    expect(texts(dir).slice(1)).toEqual(was.slice(1));
    expect(engine.networksByName.has("beta_internal")).toBe(false);
  });

  test("rollback after a successful apply puts back files, containers and networks; a second rollback has nothing to do", async () => {
    const { dir, engine } = host();
    const was = texts(dir);
    const layout = engine.layout();
    expect((await apply(dir, engine, { write: true, yes: true })).code).toBe(0);
    const dry = await rollback(dir, engine, { dryRun: true });
    expect(dry.out).toContain("~ restore gamma/docker-compose.yml");
    expect(dry.out).toContain("- remove network gamma_internal, which the apply made");
    const back = await rollback(dir, engine);
    expect(back.code).toBe(0);
    expect(engine.layout()).toEqual(layout);
    expect(texts(dir)).toEqual(was);
    expect([...engine.networksByName.keys()].sort()).toEqual(["proxy"]);
    const again = await rollback(dir, engine);
    expect(again.code).toBe(0);
    expect(again.err).toContain("rolled back already");
  });

  test("an apply killed half way is finished by apply again, and undone by rollback", async () => {
    const { dir, engine } = host();
    const was = texts(dir);
    const layout = engine.layout();
    engine.failAfter = 6;
    void apply(dir, engine, { write: true, yes: true });
    await engine.killed;
    engine.failAfter = undefined;
    const journal = Journal.open(path.join(dir, ".composemod"));
    expect(journal.state).toBe("applying");
    // a kill leaves its lock behind: the next run takes it over
    writeFileSync(path.join(dir, ".composemod", "apply.lock"), "999999");
    const again = await apply(dir, engine, { yes: true });
    expect(again.err).toContain(
      "the apply that stopped half way rewrote the files (--write): going on as it did",
    );
    expect(again.code).toBe(0);
    expect(engine.layout()).toEqual(MIGRATED);
    expect(texts(dir).every((t) => t.includes("internal"))).toBe(true);
    expect((await rollback(dir, engine)).code).toBe(0);
    expect(engine.layout()).toEqual(layout);
    expect(texts(dir)).toEqual(was);
  });

  test("steps done before a kill are not done twice: a connected container, a network made, a file written", async () => {
    const { dir, engine } = host();
    engine.failAfter = 2;
    void apply(dir, engine, { write: true, yes: true });
    await engine.killed;
    engine.failAfter = undefined;
    const done = [...engine.calls];
    expect(done).toEqual(["create-network alpha_internal", "connect alpha_db_1 alpha_internal"]);
    await apply(dir, engine, { yes: true });
    const after = engine.calls.slice(done.length);
    expect(
      after.filter(
        (c) => c === "create-network alpha_internal" || c === "connect alpha_db_1 alpha_internal",
      ),
    ).toEqual([]);
    expect(engine.layout()).toEqual(MIGRATED);
  });

  test("a saved plan is applied while the files and the engine are as it saw them, and refused once either changed", async () => {
    const { dir, engine } = host();
    const file = path.join(dir, "plan.json");
    const saved = await apply(dir, engine, {
      write: true,
      dryRun: true,
      planFile: file,
      quiet: true,
    });
    expect(saved.code).toBe(0);
    expect(saved.err).toContain("plan saved in");
    // a file edited since: refused, nothing changed
    const alpha = path.join(dir, "alpha", "docker-compose.yml");
    const text = readFileSync(alpha, "utf8");
    writeFileSync(alpha, text.replace("mediawiki", "mediawiki:1.41"));
    const refused = await apply(dir, engine, { yes: true, planFile: file }, []);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/no longer holds: alpha\/docker-compose.yml changed/);
    writeFileSync(alpha, text);
    // a container recreated since: refused too
    const db = [...engine.containersById.values()].find((c) => c.name === "gamma_db_1")!;
    engine.containersById.delete(db.id);
    engine.container("gamma/db", { proxy: [] }, { image: "mariadb:11" }, { port: 3306 });
    const moved = await apply(dir, engine, { yes: true, planFile: file }, []);
    expect(moved.code).toBe(2);
    expect(moved.err).toContain("the containers of `gamma` changed");
    expect(engine.calls).toEqual([]);
    // as it was made, it is applied
    const fresh = await apply(dir, engine, {
      write: true,
      dryRun: true,
      planFile: file,
      quiet: true,
    });
    expect(fresh.code).toBe(0);
    const ok = await apply(dir, engine, { yes: true, planFile: file }, []);
    expect(ok.code).toBe(0);
    expect(engine.layout()).toEqual(MIGRATED);
  });

  test("bad command lines: clear messages, exit 2, before the engine is read", async () => {
    const { dir, engine } = host();
    expect((await apply(dir, engine, {}, [])).err).toContain("error: missing paths");
    expect((await apply(dir, engine, { yes: true, dryRun: true })).err).toContain(
      "error: --yes and --dry-run cannot be used together",
    );
    const noPlan = await apply(dir, engine, { planFile: path.join(dir, "none.json") }, []);
    expect(noPlan.code).toBe(2);
    expect(noPlan.err).toContain("no plan in");
    const none = await rollback(dir, engine);
    expect(none.code).toBe(2);
    expect(none.err).toContain("error: no apply to roll back");
    expect(engine.calls).toEqual([]);
  });

  test("another apply holding the lock: exit 2, nothing changed", async () => {
    const { dir, engine } = host();
    const state = path.join(dir, ".composemod");
    require("node:fs").mkdirSync(state);
    writeFileSync(path.join(state, "apply.lock"), String(process.ppid));
    const ran = await apply(dir, engine, { write: true, yes: true });
    expect(ran.code).toBe(2);
    expect(ran.err).toContain(`another apply or rollback (process ${process.ppid})`);
    expect(engine.calls).toEqual([]);
  });

  test("a file with a YAML error: its place as file:line:col, the others applied, exit 2", async () => {
    const { dir, engine } = host();
    writeFileSync(path.join(dir, "gamma", "docker-compose.yml"), "services:\n  db: [\n");
    const ran = await apply(dir, engine, { write: true, yes: true });
    expect(ran.code).toBe(2);
    expect(ran.err).toMatch(/gamma\/docker-compose\.yml:\d+:\d+: /);
    expect(engine.layout().filter((l) => l.startsWith("alpha") || l.startsWith("beta"))).toEqual(
      MIGRATED.filter((l) => l.startsWith("alpha") || l.startsWith("beta")),
    );
  });
});

describe("what a rollback puts back", () => {
  const TRAEFIK = `services:
  db:
    image: postgres:16
  app:
    image: nextcloud
    labels:
      - traefik.enable=true
networks:
  default:
    external:
      name: proxy
`;

  test("a container Compose recreated is made again as it was: its name, labels and volumes, on its networks", async () => {
    const dir = tempTree({ "cloud/docker-compose.yml": TRAEFIK });
    const engine = new FakeEngine();
    engine.network("proxy");
    engine.container("/traefik", { proxy: [] }, { image: "traefik:3" });
    engine.container("cloud/db", { proxy: [] }, { image: "postgres:16" }, { port: 5432 });
    const labels = {
      "com.docker.compose.project": "cloud",
      "com.docker.compose.service": "app",
      "com.docker.compose.version": "1.29.2",
      "traefik.enable": "true",
    };
    const app = engine.container("cloud/app", { proxy: ["cloud"] }, { image: "nextcloud", labels });
    app.spec = {
      config: { Image: "nextcloud", Labels: labels },
      hostConfig: { NetworkMode: "proxy" },
      volumes: [{ name: "4f0c9e", destination: "/var/www/html", readOnly: false }],
    };
    const s = seams(engine);
    s.findCompose = async () =>
      fakeCompose(
        engine,
        () => ({ proxy: [], cloud_internal: [] }),
        () => ({ "traefik.docker.network": "proxy" }),
      );
    const io = captureIO(dir);
    const code = await runApplyCommand(
      {
        command: "apply",
        args: [dir],
        flags: { write: true, yes: true, compose: "auto", wait: 5 },
      },
      io,
      {},
      s,
    );
    expect(io.err()).toContain("applied: cloud");
    expect(code).toBe(0);
    const made = [...engine.containersById.values()].find((c) => c.name === "cloud_app_1")!;
    expect(made.id).not.toBe(app.id);
    expect(made.labels["traefik.docker.network"]).toBe("proxy");
    expect((await rollback(dir, engine)).code).toBe(0);
    const back = [...engine.containersById.values()].find((c) => c.name === "cloud_app_1")!;
    expect(back.labels).toEqual(labels);
    expect(back.spec?.hostConfig.Mounts).toEqual([
      { Type: "volume", Source: "4f0c9e", Target: "/var/www/html", ReadOnly: false },
    ]);
    expect(
      back.networks.map((n) => [n.network, n.aliases.filter((a) => !/^[0-9a-f]{12}$/.test(a))]),
    ).toEqual([["proxy", ["app", "cloud"]]]);
    expect(engine.calls.filter((c) => c.startsWith("remove ")).length).toBe(2);
  });

  test("after a later `docker compose up -d` replaced reconnected containers, rollback makes the old ones again", async () => {
    const { dir, engine } = host();
    const layout = engine.layout();
    expect((await apply(dir, engine, { write: true, yes: true })).code).toBe(0);
    // the configuration hash no longer matches: Compose recreates them, on the same networks
    const compose = fakeCompose(engine, (service): Record<string, string[]> =>
      service === "db" ? { alpha_internal: [] } : { alpha_internal: [], proxy: [] },
    );
    await compose.up({ project: "alpha", workingDir: dir, files: [] }, ["db", "app"]);
    const back = await rollback(dir, engine);
    expect(back.err).toContain("put back: alpha");
    expect(back.code).toBe(0);
    expect(engine.layout()).toEqual(layout);
  });

  test("a container gone whose configuration was not kept: what replaced it stays, and the rollback says so", async () => {
    const engine = new FakeEngine();
    engine.network("proxy");
    const old = engine.container("wiki/db", { proxy: [] });
    const snapshot = { ...structuredClone(old), id: "0".repeat(64) };
    delete snapshot.spec;
    const plan = planRestore(
      { name: "wiki", dir: "wiki", files: [], containers: [snapshot], networks: [] },
      new Map(),
      {
        containers: await engine.containers(),
        networks: await engine.networks(),
        text: () => undefined,
      },
    );
    expect(plan.actions).toEqual([]);
    expect(plan.problems).toEqual([
      "`wiki_db_1` is gone and its configuration was not kept: it cannot be made again, and what replaced it stays",
    ]);
  });

  test("a file changed since the apply wrote it is left as it is, and the rollback says so; exit 2", async () => {
    const { dir, engine } = host();
    expect((await apply(dir, engine, { write: true, yes: true })).code).toBe(0);
    const alpha = path.join(dir, "alpha", "docker-compose.yml");
    writeFileSync(alpha, readFileSync(alpha, "utf8") + "# mine\n");
    const back = await rollback(dir, engine);
    expect(back.code).toBe(2);
    expect(back.err).toContain(
      "alpha/docker-compose.yml changed since the apply wrote it: left as it is",
    );
    expect(readFileSync(alpha, "utf8")).toContain("# mine\n");
  });

  test("a journal line cut short by a kill is ignored", () => {
    const dir = tempTree({
      ".composemod/apply-journal.jsonl":
        '{"t":"begin","session":"s","at":"x","composemod":"0","engine":"e","paths":[],"write":false}\n{"t":"step","proj',
    });
    const journal = Journal.open(path.join(dir, ".composemod"));
    expect(journal.records.length).toBe(1);
    expect(journal.state).toBe("applying");
  });
});
