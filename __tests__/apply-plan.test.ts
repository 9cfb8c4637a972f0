import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import { liveRoles, engineState } from "../src/apply/make-plan";
import { applyOrder, Ordered } from "../src/apply/order";
import { planProjectApply, ProjectFacts } from "../src/apply/plan-project";
import type { ProjectPlan, Step } from "../src/apply/plan-types";
import { stepLine } from "../src/apply/render-plan";
import { projectTarget } from "../src/apply/target";
import { loadProject } from "../src/compose/load-project";
import { analyseProject } from "../src/rewrite/rewrite-project";
import { FakeEngine } from "./helpers/apply-engine";

/** What a project's files say, loaded from text as the rewrite loads them. */
function targetOf(text: string, project: string) {
  const load = loadProject({
    dir: `/stacks/${project}`,
    files: [
      { path: "docker-compose.yml", absolute: `/stacks/${project}/docker-compose.yml`, text },
    ],
    readText: () => ({ code: "ENOENT" }),
    show: (p) => p,
  });
  if (load.kind !== "ok") throw new Error("not a project");
  const { roles } = analyseProject(load.project, DEFAULT_PLAN_OPTIONS);
  return projectTarget(load.project, roles, project);
}

async function factsOf(
  engine: FakeEngine,
  project: string,
  text: string,
  more: Partial<ProjectFacts> = {},
): Promise<ProjectFacts> {
  const all = await engine.containers();
  const networks = await engine.networks();
  return {
    name: project,
    dir: project,
    files: [`${project}/docker-compose.yml`],
    target: targetOf(text, project),
    containers: all.filter((c) => c.labels["com.docker.compose.project"] === project),
    all,
    networks,
    liveRoles: liveRoles(engineState(engine.endpoint, all, networks)),
    compose: { describe: "docker-compose 1.29.2", major: 1 },
    images: engine.images,
    ...more,
  };
}

const lines = (steps: Step[]) => steps.map(stepLine);

// the article's wiki after `composemod --write`: the database on the internal network only
const WIKI = `services:
  db:
    image: mariadb:11
    networks:
      - internal
  app:
    image: mediawiki
    environment:
      VIRTUAL_HOST: wiki.example.org
    networks:
      - internal
      - default
networks:
  internal:
    driver: bridge
  default:
    external:
      name: proxy
`;

function wikiEngine(): FakeEngine {
  const engine = new FakeEngine();
  engine.network("proxy");
  engine.container("/nginx-proxy", { proxy: [] }, { image: "nginxproxy/nginx-proxy:1.6" });
  engine.container("wiki/db", { proxy: [] }, { image: "mariadb:11" }, { port: 3306 });
  engine.container(
    "wiki/app",
    { proxy: [] },
    { image: "mediawiki", env: ["VIRTUAL_HOST=wiki.example.org"] },
  );
  return engine;
}

describe("the plan of a running project", () => {
  test("the internal network is made with Compose's labels; databases join it before the app; they leave the proxy network last", async () => {
    const plan = planProjectApply(await factsOf(wikiEngine(), "wiki", WIKI));
    expect(plan.status).toBe("change");
    expect(lines(plan.steps)).toEqual([
      "+ create network wiki_internal (bridge) with Compose's labels, so that `docker compose up` takes it for the project's `internal`",
      "+ connect wiki_db_1 to wiki_internal as db",
      "+ connect wiki_app_1 to wiki_internal as app",
      "- disconnect wiki_db_1 from proxy",
    ]);
    const create = plan.steps[0] as Extract<Step, { kind: "create-network" }>;
    expect(create.network.labels).toEqual({
      "com.docker.compose.project": "wiki",
      "com.docker.compose.network": "internal",
      "com.docker.compose.version": "1.29.2",
    });
    expect(create.network.attachable).toBe(true);
    // Compose 1 gives the short id as an alias too: a later `docker-compose start` keeps the connection
    const connect = plan.steps[1] as Extract<Step, { kind: "connect" }>;
    expect(connect.endpoint.aliases).toEqual(["db", connect.id.slice(0, 12)]);
  });

  test("it proves the networks, the proxy reaching the app, the app reaching its database, no other project reaching it, health", async () => {
    const plan = planProjectApply(await factsOf(wikiEngine(), "wiki", WIKI));
    expect(plan.checks.map((c) => c.kind)).toEqual([
      "networks",
      "proxy-reaches-app",
      "app-reaches-database",
      "database-isolated",
      "healthy",
    ]);
    expect(plan.checks[1]).toEqual({
      kind: "proxy-reaches-app",
      service: "app",
      network: "proxy",
      port: 80,
      via: "nginx-proxy",
    });
    expect(plan.checks[2]).toEqual({
      kind: "app-reaches-database",
      app: "app",
      database: "db",
      port: 3306,
    });
    expect(plan.notes).toEqual([
      "a later `docker compose up -d` recreates `db`, `app` once (their configuration no longer matches the files Compose made them from); they come back on the same networks",
    ]);
  });

  test("a project whose containers already run as its files say is up to date", async () => {
    const engine = new FakeEngine();
    engine.network("proxy");
    engine.network("wiki_internal", { labels: { "com.docker.compose.network": "internal" } });
    engine.container("wiki/db", { wiki_internal: [] }, { image: "mariadb:11" });
    engine.container(
      "wiki/app",
      { wiki_internal: [], proxy: [] },
      { image: "mediawiki", env: ["VIRTUAL_HOST=wiki.example.org"] },
    );
    const plan = planProjectApply(await factsOf(engine, "wiki", WIKI));
    expect(plan.status).toBe("up-to-date");
    expect(plan.steps).toEqual([]);
  });

  test("no container running: nothing to do on the engine", async () => {
    const engine = new FakeEngine();
    engine.network("proxy");
    const plan = planProjectApply(await factsOf(engine, "wiki", WIKI));
    expect(plan.status).toBe("not-running");
  });

  test("routing a proxy reads from the container (Traefik's network label) needs a new container: recreated through Compose", async () => {
    const engine = new FakeEngine();
    engine.network("proxy");
    engine.container("cloud/db", { proxy: [] }, { image: "postgres:16" });
    engine.container(
      "cloud/app",
      { proxy: [] },
      {
        image: "nextcloud",
        labels: {
          "com.docker.compose.project": "cloud",
          "com.docker.compose.service": "app",
          "com.docker.compose.version": "1.29.2",
          "traefik.enable": "true",
        },
      },
    );
    const text = `services:
  db:
    image: postgres:16
    networks: [internal]
  app:
    image: nextcloud
    labels:
      - traefik.enable=true
      - traefik.docker.network=proxy
    networks: [internal, web]
networks:
  internal: {}
  web:
    external: true
    name: proxy
`;
    const plan = planProjectApply(await factsOf(engine, "cloud", text));
    expect(lines(plan.steps)).toEqual([
      "+ create network cloud_internal (bridge) with Compose's labels, so that `docker compose up` takes it for the project's `internal`",
      "+ connect cloud_db_1 to cloud_internal as db",
      "! recreate cloud_app_1 through Compose: app: its proxy must read `traefik.docker.network=proxy`, which only a new container carries",
      "- disconnect cloud_db_1 from proxy",
    ]);
    // without Compose, or without the image (never pulled), the project is refused, untouched
    const none = planProjectApply(await factsOf(engine, "cloud", text, { compose: undefined }));
    expect(none.status).toBe("refused");
    expect(none.reason).toMatch(/no Docker Compose/);
    const noImage = planProjectApply(await factsOf(engine, "cloud", text, { images: new Map() }));
    expect(noImage.status).toBe("refused");
    expect(noImage.reason).toMatch(/never pulls an image/);
  });

  test("a database port the files no longer publish closes only with a new container; an app's stays published, with a note", async () => {
    const engine = new FakeEngine();
    engine.network("proxy");
    const published = (port: number) => [
      { hostIp: "0.0.0.0", hostPort: String(port), containerPort: port, protocol: "tcp" },
    ];
    engine.container("pads/db", { proxy: [] }, { image: "postgres:16", ports: published(5432) });
    engine.container(
      "pads/app",
      { proxy: [] },
      { image: "etherpad", ports: published(9001), env: ["VIRTUAL_HOST=pads.example.org"] },
    );
    const text = `services:
  db:
    image: postgres:16
    # ports:
    #   - 5432:5432
    networks: [internal]
  app:
    image: etherpad
    environment:
      VIRTUAL_HOST: pads.example.org
    networks: [internal, default]
networks:
  internal: {}
  default:
    external: true
    name: proxy
`;
    const plan = planProjectApply(await factsOf(engine, "pads", text));
    const recreate = plan.steps.find((s) => s.kind === "recreate") as Extract<
      Step,
      { kind: "recreate" }
    >;
    expect(recreate.services).toEqual(["db"]);
    expect(recreate.why[0]).toMatch(/stops publishing `5432:5432`/);
    expect(plan.notes).toContain(
      "`pads_app_1` publishes `9001:9001` until it is recreated: its files no longer do",
    );
  });

  test("a fixed address on a network it joins: Compose gives it when it creates the container", async () => {
    const engine = new FakeEngine();
    engine.network("proxy");
    engine.container("dns/db", { proxy: [] }, { image: "postgres:16" });
    engine.container("dns/app", { proxy: [] }, { image: "app", env: ["VIRTUAL_HOST=x"] });
    const text = `services:
  db:
    image: postgres:16
    networks:
      internal:
        ipv4_address: 10.9.0.5
  app:
    image: app
    environment: [VIRTUAL_HOST=x]
    networks: [internal, default]
networks:
  internal:
    ipam:
      config:
        - subnet: 10.9.0.0/24
  default:
    external: true
    name: proxy
`;
    const plan = planProjectApply(await factsOf(engine, "dns", text));
    const recreate = plan.steps.find((s) => s.kind === "recreate") as Extract<
      Step,
      { kind: "recreate" }
    >;
    expect(recreate.services).toEqual(["db"]);
    const create = plan.steps.find((s) => s.kind === "create-network") as Extract<
      Step,
      { kind: "create-network" }
    >;
    expect(create.network.ipam).toEqual({ config: [{ Subnet: "10.9.0.0/24" }] });
  });

  test("a service in another's network namespace is recreated with it", async () => {
    const engine = new FakeEngine();
    engine.network("proxy");
    const vpn = engine.container(
      "dl/vpn",
      { proxy: [] },
      {
        image: "gluetun",
        labels: {
          "com.docker.compose.project": "dl",
          "com.docker.compose.service": "vpn",
          "com.docker.compose.version": "1.29.2",
        },
      },
    );
    engine.container(
      "dl/torrent",
      {},
      { image: "qbittorrent", networkMode: `container:${vpn.id}` },
    );
    const text = `services:
  vpn:
    image: gluetun
    labels: [traefik.enable=true, traefik.docker.network=proxy]
    networks: [default]
  torrent:
    image: qbittorrent
    network_mode: service:vpn
networks:
  default:
    external: true
    name: proxy
`;
    const plan = planProjectApply(await factsOf(engine, "dl", text));
    const recreate = plan.steps.find((s) => s.kind === "recreate") as Extract<
      Step,
      { kind: "recreate" }
    >;
    expect(recreate.services.sort()).toEqual(["torrent", "vpn"]);
    expect(recreate.why.join(" ")).toMatch(/shares `vpn`'s network namespace/);
  });

  test("a network whose options changed is made anew with its containers put back; not when another project is on it", async () => {
    const engine = new FakeEngine();
    engine.network("proxy");
    engine.network("wiki_internal", {
      labels: { "com.docker.compose.network": "internal", "com.docker.compose.project": "wiki" },
    });
    engine.container("wiki/db", { wiki_internal: [] }, { image: "mariadb:11" });
    engine.container(
      "wiki/app",
      { wiki_internal: [], proxy: [] },
      { image: "mediawiki", env: ["VIRTUAL_HOST=wiki.example.org"] },
    );
    const text = WIKI.replace("    driver: bridge", "    driver: bridge\n    internal: true");
    const plan = planProjectApply(await factsOf(engine, "wiki", text));
    expect(lines(plan.steps)).toEqual([
      "! make network wiki_internal anew, its 2 container(s) put back on it: Compose does not make a network anew when its options change (internal: false, files say true)",
    ]);
    engine.container("other/spy", { wiki_internal: [] });
    const refused = planProjectApply(await factsOf(engine, "wiki", text));
    expect(refused.status).toBe("refused");
    expect(refused.reason).toMatch(/containers of other projects are on it: `other_spy_1`/);
  });

  test("an external network the engine does not have: refused, as Compose would refuse it", async () => {
    const engine = new FakeEngine();
    engine.network("other");
    engine.container("wiki/db", { other: [] }, { image: "mariadb:11" });
    engine.container("wiki/app", { other: [] }, { image: "mediawiki" });
    const plan = planProjectApply(await factsOf(engine, "wiki", WIKI));
    expect(plan.status).toBe("refused");
    expect(plan.reason).toMatch(/`proxy`, declared external, which the engine does not have/);
  });
});

describe("the order of the projects", () => {
  const RELAY = WIKI.replace(/wiki/g, "relay");
  const plans = async (engine: FakeEngine, projects: [string, string][]): Promise<Ordered[]> =>
    Promise.all(
      projects.map(async ([name, text]) => {
        const facts = await factsOf(engine, name, text);
        return {
          plan: {
            ...planProjectApply(facts),
            seen: { files: {}, containers: "", networks: "" },
          } as ProjectPlan,
          target: facts.target,
        };
      }),
    );

  test("a project goes after those whose database answers its database's name on a network Docker searches first", async () => {
    const engine = new FakeEngine();
    engine.network("proxy");
    // `zeta_internal` sorts after `proxy`: zeta's app looks `db` up on `proxy` first, where alpha's db answers
    engine.container("zeta/db", { proxy: [] }, { image: "mariadb:11" });
    engine.container(
      "zeta/app",
      { proxy: [] },
      { image: "mediawiki", env: ["VIRTUAL_HOST=relay.example.org"] },
    );
    engine.container("alpha/db", { proxy: [] }, { image: "mariadb:11" });
    engine.container(
      "alpha/app",
      { proxy: [] },
      { image: "mediawiki", env: ["VIRTUAL_HOST=relay.example.org"] },
    );
    const order = applyOrder(
      await plans(engine, [
        ["zeta", RELAY],
        ["alpha", RELAY],
      ]),
      await engine.containers(),
      await engine.networks(),
    );
    expect(order.map((o) => o.plan.name)).toEqual(["alpha", "zeta"]);
    expect(order[1].plan.notes.join(" ")).toMatch(
      /applied after alpha \(`app` looks `db` up on `proxy` before `zeta_internal`/,
    );
  });

  test("two projects that wait for each other are applied together", async () => {
    const engine = new FakeEngine();
    engine.network("proxy");
    for (const p of ["zeta", "relay"]) {
      engine.container(`${p}/db`, { proxy: [] }, { image: "mariadb:11" });
      engine.container(
        `${p}/app`,
        { proxy: [] },
        { image: "mediawiki", env: ["VIRTUAL_HOST=relay.example.org"] },
      );
    }
    const order = applyOrder(
      await plans(engine, [
        ["zeta", RELAY],
        ["relay", RELAY],
      ]),
      await engine.containers(),
      await engine.networks(),
    );
    expect(order.map((o) => [o.plan.name, o.plan.together])).toEqual([
      ["zeta", ["relay"]],
      ["relay", ["zeta"]],
    ]);
  });
});
