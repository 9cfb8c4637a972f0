import { createServer, Server } from "node:http";
import * as path from "node:path";
import { auditProjects } from "../src/analysis/audit";
import { run } from "../src/cli/program";
import { composeFilesIn } from "../src/batch/discover";
import { projectUnits } from "../src/batch/units";
import { driftFindings } from "../src/live/drift";
import { liveProjects } from "../src/live/live-projects";
import { projectFilesDiffer, startedFrom } from "../src/live/project-files-differ";
import type { EngineState, LiveContainer, LiveNetwork } from "../src/live/read-engine";
import { captureIO, tempTree } from "./helpers/tmp";

type Dict = Record<string, any>;

/** A running container as the engine would show it, Compose's labels from `project/service`. */
function container(
  id: string,
  identity: string,
  image: string,
  networks: Record<string, string[]>,
  more: Partial<LiveContainer> = {},
): LiveContainer {
  const [project, service] = identity.split("/");
  return {
    id,
    name: `${project}_${service}_1`,
    image,
    labels: project
      ? { "com.docker.compose.project": project, "com.docker.compose.service": service }
      : {},
    env: [],
    networkMode: Object.keys(networks)[0] ?? "default",
    networks: Object.entries(networks).map(([network, aliases]) => ({
      network,
      aliases: [service, id.slice(0, 12), ...aliases],
      ip: "172.18.0.2",
    })),
    ports: [],
    exposed: [],
    mounts: [],
    command: [],
    entrypoint: [],
    healthcheck: [],
    ...more,
  };
}

const network = (name: string, project?: string): LiveNetwork => ({
  name,
  id: `id-${name}`,
  driver: "bridge",
  internal: false,
  labels: project ? { "com.docker.compose.project": project } : ({} as Record<string, string>),
});

// the article's wiki on the shared proxy network, a blog already isolated, the proxy
const ENGINE: EngineState = {
  endpoint: "unix:///test.sock",
  networks: [network("proxy"), network("blog_internal", "blog"), network("bridge")],
  containers: [
    container("a1b2c3d4e5f6aaaa", "wiki/wiki-db", "mariadb:11", { proxy: [] }),
    container(
      "b1b2c3d4e5f6bbbb",
      "wiki/mediawiki",
      "mediawiki:1.41",
      { proxy: ["wiki"] },
      {
        env: ["VIRTUAL_HOST=wiki.example.org", "PASSWORD=a$b"],
        ports: [{ hostIp: "0.0.0.0", hostPort: "8080", containerPort: 80, protocol: "tcp" }],
      },
    ),
    container("c1b2c3d4e5f6cccc", "blog/db", "mysql:8", { blog_internal: [] }),
    container(
      "d1b2c3d4e5f6dddd",
      "blog/ghost",
      "ghost:5",
      { blog_internal: [], proxy: [] },
      { env: ["VIRTUAL_HOST=blog.example.org"] },
    ),
    {
      ...container("e1b2c3d4e5f6eeee", "", "nginxproxy/nginx-proxy:1.6", { proxy: [] }),
      name: "nginx-proxy",
      labels: {},
      ports: [{ hostIp: "0.0.0.0", hostPort: "80", containerPort: 80, protocol: "tcp" }],
    },
  ],
};

test("running projects as the audit sees them: roles from the same table, aliases, the proxy network", () => {
  const projects = liveProjects(ENGINE);
  expect(projects.map((p) => p.name)).toEqual(["blog", "nginx-proxy", "wiki"]);
  const wiki = projects.find((p) => p.name === "wiki")!;
  expect(wiki.proxyNetwork).toBe("proxy");
  expect(wiki.services).toEqual([
    {
      name: "wiki-db",
      role: "database",
      networks: [{ network: "proxy", key: "proxy", external: true, aliases: [] }],
      hostNetworkMode: false,
      published: [],
      containers: ["wiki_wiki-db_1"],
      containerName: "wiki_wiki-db_1",
    },
    {
      name: "mediawiki",
      role: "app",
      networks: [{ network: "proxy", key: "proxy", external: true, aliases: ["wiki"] }],
      hostNetworkMode: false,
      published: [{ text: "8080:80", index: 0 }],
      containers: ["wiki_mediawiki_1"],
      containerName: "wiki_mediawiki_1",
    },
  ]);
  const blog = projects.find((p) => p.name === "blog")!;
  expect(blog.services.find((s) => s.name === "db")!.networks).toEqual([
    { network: "blog_internal", key: "blog_internal", external: false, aliases: [] },
  ]);
  expect(projects.find((p) => p.name === "nginx-proxy")!.services[0].role).toBe("proxy");
});

test("a label Compose 1 wrote from a YAML boolean routes as the file's boolean does", () => {
  const cloud = liveProjects({
    ...ENGINE,
    containers: [
      container(
        "f1b2c3d4e5f6ffff",
        "cloud/nextcloud",
        "nextcloud:29",
        { proxy: [] },
        {
          labels: {
            "com.docker.compose.project": "cloud",
            "com.docker.compose.service": "nextcloud",
            "traefik.enable": "True",
            "traefik.http.routers.cloud.rule": "Host(`cloud.example.org`)",
          },
        },
      ),
    ],
  });
  expect(cloud[0].services[0].role).toBe("app");
});

test("the same findings from what runs as from the files", () => {
  const found = auditProjects(liveProjects(ENGINE)).findings.map(
    (f) => `${f.rule} ${f.level} ${f.project}/${f.service} ${f.containers}`,
  );
  expect(found).toEqual([
    "app-database-on-proxy warning wiki/mediawiki wiki_mediawiki_1",
    "database-shared-with-other-project error wiki/wiki-db wiki_wiki-db_1",
  ]);
});

test("drift: a container whose networks differ from what its files now say", () => {
  const [files] = liveProjects({
    ...ENGINE,
    containers: ENGINE.containers.filter((c) => c.labels["com.docker.compose.project"] === "wiki"),
  });
  const said = {
    ...files,
    dir: "stacks/wiki",
    files: ["stacks/wiki/docker-compose.yml"],
    services: files.services.map((s) =>
      s.name === "wiki-db"
        ? {
            ...s,
            networks: [{ network: "wiki_internal", key: "internal", external: false, aliases: [] }],
            at: { file: 0, line: 2, col: 3 },
          }
        : s,
    ),
  };
  const drift = driftFindings(liveProjects(ENGINE), [said]);
  expect(drift).toEqual([
    expect.objectContaining({
      rule: "network-drift",
      level: "warning",
      project: "wiki",
      service: "wiki-db",
      file: "stacks/wiki/docker-compose.yml",
      line: 2,
      col: 3,
      containers: ["wiki_wiki-db_1"],
      message:
        "`wiki-db` runs on `proxy`, but its files now put it on `wiki_internal`: `docker compose up -d` in `stacks/wiki` recreates it as they say",
    }),
  ]);
});

/** A stand-in for the Engine API on a unix socket: the few requests the live audit makes. */
function fakeEngine(socket: string, state: EngineState): Promise<Server> {
  const inspect = (c: LiveContainer) => ({
    Id: c.id,
    Name: `/${c.name}`,
    Image: "sha256:0",
    State: { Running: true },
    Config: { Image: c.image, Labels: c.labels, Env: c.env, ExposedPorts: {}, Cmd: null },
    HostConfig: { NetworkMode: c.networkMode },
    NetworkSettings: {
      Ports: Object.fromEntries(
        c.ports.map((p) => [
          `${p.containerPort}/${p.protocol}`,
          [{ HostIp: p.hostIp, HostPort: p.hostPort }],
        ]),
      ),
      Networks: Object.fromEntries(
        c.networks.map((n) => [n.network, { Aliases: n.aliases, IPAddress: n.ip }]),
      ),
    },
    Mounts: [],
  });
  const server = createServer((req, res) => {
    const url = (req.url ?? "").replace(/^\/v[\d.]+/, "").split("?")[0];
    const send = (body: unknown) => {
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify(body));
    };
    if (url === "/_ping") return res.end("OK");
    if (url === "/networks")
      return send(
        state.networks.map((n) => ({
          Name: n.name,
          Id: n.id,
          Driver: n.driver,
          Internal: n.internal,
          Labels: n.labels,
        })),
      );
    if (url === "/containers/json") return send(state.containers.map((c) => ({ Id: c.id })));
    const id = /^\/containers\/([^/]+)\/json$/.exec(url)?.[1];
    const c = state.containers.find((k) => k.id === id);
    if (c) return send(inspect(c));
    res.statusCode = 404;
    send({ message: "no such object" });
  });
  return new Promise((resolve) => server.listen(socket, () => resolve(server)));
}

describe("composemod audit --live, through the Engine API", () => {
  const dir = tempTree({});
  const socket = path.join(dir, "docker.sock");
  let server: Server;
  beforeAll(async () => {
    server = await fakeEngine(socket, ENGINE);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test("the table, JSON and SARIF of what runs, exit 1 while a database is reachable", async () => {
    const env = { DOCKER_HOST: `unix://${socket}` };
    const json = captureIO(dir);
    expect(await run(["audit", "--live", "--json"], json, false, env)).toBe(1);
    const report = JSON.parse(json.out());
    expect(report.source).toBe("engine");
    expect(report.summary).toMatchObject({ projects: 3, databasesReachable: 1 });
    expect(report.findings.map((f: Dict) => f.rule)).toEqual([
      "app-database-on-proxy",
      "database-shared-with-other-project",
    ]);
    expect(report.networks[0].name).toBe("proxy");
    const sarif = captureIO(dir);
    expect(await run(["audit", "--live", "--sarif"], sarif, false, env)).toBe(1);
    const [, result] = JSON.parse(sarif.out()).runs[0].results;
    expect(result.locations[0].logicalLocations).toEqual([
      { index: 0, name: "proxy", fullyQualifiedName: "proxy", kind: "network" },
      { name: "wiki_wiki-db_1", kind: "container" },
    ]);
    const table = captureIO(dir);
    expect(await run(["audit", "--live", "--format", "table"], table, false, env)).toBe(1);
    expect(table.out()).toMatch(/wiki\/wiki-db +database `wiki-db` is on network `proxy`/);
    expect(table.out()).toContain("wiki_wiki-db_1\n");
    // one a line: with no file, the service and the containers that run it
    const lines = captureIO(dir);
    expect(await run(["audit", "--live", "--no-color"], lines, false, env)).toBe(1);
    expect(lines.out()).toContain(
      "wiki/wiki-db (wiki_wiki-db_1): error database-shared-with-other-project database `wiki-db` is on network `proxy`",
    );
  });

  test("an engine that cannot be reached: a clear error, exit 2", async () => {
    const io = captureIO(dir);
    const env = { DOCKER_HOST: `unix://${path.join(dir, "none.sock")}` };
    expect(await run(["audit", "--live"], io, false, env)).toBe(2);
    expect(io.err()).toBe(
      `error: cannot reach the Docker Engine at unix://${path.join(dir, "none.sock")}: no such socket\n`,
    );
    expect(io.out()).toBe("");
  });
});

describe("running projects started from files composemod reads otherwise", () => {
  const APP = `services:
  chat:
    image: mattermost/mattermost-team-edition:10
    environment: [VIRTUAL_HOST=chat.example.org]
networks:
  default:
    external: true
    name: proxy
`;
  const dir = tempTree({
    "chat/docker-compose.yml": APP,
    "chat/docker-compose.nginx.yml": "services:\n  chat:\n    ports: ['8443:8443']\n",
    "chat/docker-compose.without-nginx.yml": "services:\n  chat:\n    ports: ['8065:8065']\n",
    "rss/docker-compose.yml": APP.replace(/chat/g, "rss"),
    "rss/docker-compose-db.yml": "services:\n  rss-db:\n    image: postgres:17\n",
  });
  /** A project's container as Compose labels it: its project, its directory, its files. */
  const started = (identity: string, files: string) => {
    const [project] = identity.split("/");
    const c = container(`${project}0123456789abcdef`, identity, "alpine", { proxy: [] });
    return {
      ...c,
      labels: {
        ...c.labels,
        "com.docker.compose.project.working_dir": path.join(dir, project),
        "com.docker.compose.project.config_files": files,
      },
    };
  };
  const unitsIn = (dirs: string[]) => {
    const files = dirs.map((d) => composeFilesIn(d));
    return files.every((f) => f !== undefined) ? projectUnits(files.flat()).units : undefined;
  };

  test("the files each running project was made from, by its labels (relative ones too)", () => {
    const state = {
      ...ENGINE,
      containers: [
        started("rss/rss", `${path.join(dir, "rss/docker-compose.yml")}`),
        started("chat/chat", "docker-compose.yml,docker-compose.without-nginx.yml"),
      ],
    };
    expect(startedFrom(state)).toEqual([
      {
        project: "chat",
        dir: path.join(dir, "chat"),
        files: [
          path.join(dir, "chat/docker-compose.yml"),
          path.join(dir, "chat/docker-compose.without-nginx.yml"),
        ],
      },
      {
        project: "rss",
        dir: path.join(dir, "rss"),
        files: [path.join(dir, "rss/docker-compose.yml")],
      },
    ]);
  });

  test("a warning names the files and the COMPOSE_FILE line; files read as Compose did need none", () => {
    const at = (p: string) => path.join(dir, p);
    const warnings = projectFilesDiffer(
      [
        {
          project: "chat",
          dir: at("chat"),
          files: [at("chat/docker-compose.yml"), at("chat/docker-compose.without-nginx.yml")],
        },
        { project: "rss", dir: at("rss"), files: [at("rss/docker-compose.yml")] },
        {
          project: "rss2",
          dir: at("rss"),
          files: [at("rss/docker-compose.yml"), at("rss/docker-compose-db.yml")],
        },
        { project: "gone", dir: at("gone"), files: [at("gone/compose.yaml")] },
      ],
      unitsIn,
    );
    expect(warnings).toEqual([
      {
        code: "project-files-differ",
        message: `the running project \`chat\` was started from \`docker-compose.yml\`, \`docker-compose.without-nginx.yml\` in \`${at("chat")}\`, but composemod reads \`docker-compose.yml\`, \`docker-compose.without-nginx.yml\` each as a project of its own: \`COMPOSE_FILE=docker-compose.yml:docker-compose.without-nginx.yml\` in \`${at("chat/.env")}\` makes composemod read the project as Compose did`,
      },
      {
        code: "project-files-differ",
        message: `the running project \`rss\` was started from \`docker-compose.yml\` in \`${at("rss")}\`, but composemod reads \`docker-compose.yml\` together with \`docker-compose-db.yml\`: \`COMPOSE_FILE=docker-compose.yml\` in \`${at("rss/.env")}\` makes composemod read the project as Compose did`,
      },
    ]);
  });

  test("audit --live says so, in the JSON report too", async () => {
    const socket = path.join(dir, "engine.sock");
    const server = await fakeEngine(socket, {
      ...ENGINE,
      containers: [started("chat/chat", "docker-compose.yml,docker-compose.without-nginx.yml")],
    });
    try {
      const io = captureIO(dir);
      await run(["audit", "--live", "--json"], io, false, { DOCKER_HOST: `unix://${socket}` });
      expect(JSON.parse(io.out()).warnings).toEqual([
        expect.objectContaining({
          code: "project-files-differ",
          message: expect.stringContaining(
            "`COMPOSE_FILE=docker-compose.yml:docker-compose.without-nginx.yml`",
          ),
        }),
      ]);
      const text = captureIO(dir);
      await run(["audit", "--live"], text, false, { DOCKER_HOST: `unix://${socket}` });
      expect(text.err()).toContain("warning: the running project `chat` was started from");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
