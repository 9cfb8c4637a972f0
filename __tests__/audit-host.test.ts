import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { run } from "../src/cli/program";
import { inChunks, jsonPieces, LazyArray, writeJson } from "../src/report/json-stream";
import { captureIO, tempTree } from "./helpers/tmp";

type Dict = Record<string, any>;

async function audit(files: Record<string, string>, args: string[] = []) {
  const dir = tempTree(files);
  const io = captureIO(dir);
  const status = await run(["audit", "--json", ...args, "."], io);
  return { dir, status, report: JSON.parse(io.out()) as Dict, err: io.err() };
}

const PROXY = `services:
  nginx-proxy:
    image: nginxproxy/nginx-proxy:1.6
    ports: ["80:80"]
networks:
  default:
    name: proxy
    external: true
`;

const onProxy = (services: string) => `services:
${services}networks:
  default:
    external: true
    name: proxy
`;

const line = (f: Dict) => `${f.rule} ${f.level} ${f.project}/${f.service}`;

/** The summary's figures, counted again from the rows. */
function recount(report: Dict) {
  const levels = { error: 0, warning: 0 } as Record<string, number>;
  for (const f of report.findings) levels[f.level]++;
  return { findings: report.findings.length, levels };
}

describe("no blind spots: a reachable database is an error whatever the rewrite does with its project", () => {
  test("a project whose own web server is caddy:2-alpine, routed by nginx-proxy", async () => {
    const { status, report } = await audit({
      "proxy/compose.yaml": PROXY,
      "site/compose.yaml": onProxy(`  caddy:
    image: caddy:2-alpine
    environment:
      VIRTUAL_HOST: site.example.org
    volumes:
      - ./Caddyfile:/etc/caddy/Caddyfile
  db:
    image: postgres:16
`),
    });
    expect(status).toBe(1);
    expect(report.findings.map(line)).toContain("database-shared-with-other-project error site/db");
    expect(report.summary.databasesReachable).toBe(1);
    expect(report.summary).toMatchObject(recount(report));
  });

  test("Nginx Proxy Manager's own stack with its MariaDB on the shared network", async () => {
    const { status, report } = await audit({
      "blog/compose.yaml": onProxy(`  ghost:
    image: ghost:5
    environment: {VIRTUAL_HOST: blog.example.org}
`),
      "npm/docker-compose.yml": onProxy(`  app:
    image: jc21/nginx-proxy-manager:latest
    ports: ["80:80", "81:81", "443:443"]
    environment:
      DB_MYSQL_HOST: db
  db:
    image: jc21/mariadb-aria:latest
    environment:
      MYSQL_ROOT_PASSWORD: npm
    volumes:
      - ./mysql:/var/lib/mysql
`),
    });
    expect(status).toBe(1);
    const db = report.findings.find(
      (f: Dict) => f.rule === "database-shared-with-other-project" && f.service === "db",
    );
    expect(db).toMatchObject({ level: "error", project: "npm", network: "proxy" });
    expect(report.summary.databasesReachable).toBeGreaterThan(0);
    expect(report.summary).toMatchObject(recount(report));
  });

  test("the proxy's own stack, a project ignored in its file, and a project with a file that does not parse", async () => {
    const { status, report, err } = await audit({
      "proxy/compose.yaml": `services:
  nginx-proxy:
    image: nginxproxy/nginx-proxy:1.6
    ports: ["80:80"]
  stats-db:
    image: redis:7
networks:
  default:
    name: proxy
    external: true
`,
      "old/compose.yaml": `x-composemod:
  ignore: true
${onProxy(`  app:
    image: x/app
    environment: {VIRTUAL_HOST: old.example.org}
  db:
    image: mysql:8
`)}`,
      "wiki/compose.yaml": onProxy(`  wiki:
    image: mediawiki:1.41
    environment: {VIRTUAL_HOST: wiki.example.org}
  wiki-db:
    image: mariadb:11
`),
      "wiki/compose.override.yaml": "services:\n  wiki:\n\tports: ['8080:80']\n",
    });
    // a file that cannot be read: 2, and the databases still count
    expect(status).toBe(2);
    expect(err).toContain("wiki/compose.override.yaml:3:1");
    const shared = report.findings.filter(
      (f: Dict) => f.rule === "database-shared-with-other-project",
    );
    expect(shared.map(line)).toEqual([
      "database-shared-with-other-project error old/db",
      "database-shared-with-other-project error proxy/stats-db",
      "database-shared-with-other-project error wiki/wiki-db",
    ]);
    expect(shared.find((f: Dict) => f.project === "old").message).toContain(
      "(`composemod --write` leaves this project as it is: x-composemod.ignore is set in the file)",
    );
    const wiki = shared.find((f: Dict) => f.project === "wiki");
    expect(wiki.fixedByWrite).toBe(false);
    expect(wiki.message).toContain("wiki/compose.override.yaml:3:1 cannot be read");
    // what the rewrite leaves is what it says it leaves
    const left = shared.filter((f: Dict) => !f.fixedByWrite).map((f: Dict) => f.project);
    expect(left).toEqual(expect.arrayContaining(["old", "wiki"]));
    expect(report.summary).toMatchObject({
      ...recount(report),
      databasesReachable: 3,
      fileErrors: 1,
      after: { databasesReachable: left.length },
    });
  });

  test("0 reachable only when nothing is", async () => {
    const { status, report, dir } = await audit({
      "proxy/compose.yaml": PROXY,
      "pads/compose.yaml": `services:
  pad-db:
    image: postgres:16
    networks: [internal]
  etherpad:
    image: etherpad/etherpad:2
    environment: {VIRTUAL_HOST: pad.example.org}
    networks: [internal, proxy]
networks:
  internal: {}
  proxy: {external: true}
`,
    });
    expect(status).toBe(0);
    expect(report.findings).toEqual([]);
    const table = captureIO(dir);
    expect(await run(["audit", "."], table)).toBe(0);
    expect(table.out()).toBe(
      "2 projects: 0 databases reachable from another project, 0 findings (0 errors, 0 warnings)\nafter `composemod --write`: 0 reachable, 0 findings\n",
    );
  });
});

test("a port published in the override file is located there, each finding at its own key", async () => {
  const { report } = await audit({
    "proxy/compose.yaml": PROXY,
    "blog/compose.yaml": `services:
  ghost:
    image: ghost:5
    environment: {VIRTUAL_HOST: blog.example.org}
    networks: [proxy]
  db:
    image: mysql:8
    ports: ["127.0.0.1:3306:3306"]
    networks:
      proxy:
        aliases: [blog-db]
networks:
  proxy: {external: true}
`,
    "blog/compose.override.yaml": `services:
  db:
    ports:
      - "3307:3306"
`,
  });
  const at = Object.fromEntries(
    report.findings.map((f: Dict) => [f.rule, `${f.file}:${f.line}:${f.col}`]),
  );
  expect(at).toEqual({
    "app-database-on-proxy": "blog/compose.yaml:5:16",
    "database-published": "blog/compose.override.yaml:4:9",
    "database-shared-with-other-project": "blog/compose.yaml:10:7",
  });
  expect(report.networks[0].members).toContainEqual({
    project: "blog",
    service: "db",
    role: "database",
    names: ["blog-db"],
  });
});

test("two directories of one Compose project name: a warning naming both", async () => {
  const stack = onProxy("  app:\n    image: x/app\n    environment: {VIRTUAL_HOST: a}\n");
  const { report, dir } = await audit({
    "My App/compose.yaml": stack,
    "myapp/compose.yaml": stack,
  });
  expect(report.warnings).toEqual([
    {
      code: "project-name-shared",
      message:
        "the directories `My App`, `myapp` are all the Compose project `myapp`: Compose takes them for one project (their containers, networks and volumes are one project's); give each its own `name:` or COMPOSE_PROJECT_NAME",
    },
  ]);
  const io = captureIO(dir);
  await run(["audit", "."], io);
  expect(io.err()).toContain("warning: the directories `My App`, `myapp` are all");
});

describe("names that several projects answer on a shared network", () => {
  const stack = (host: string) =>
    onProxy(`  app:
    image: ghost:5
    environment: {VIRTUAL_HOST: ${host}}
  db:
    image: mysql:8
`);
  const files = {
    "proxy/compose.yaml": PROXY,
    "blog/compose.yaml": stack("blog.example.org"),
    "news/compose.yaml": stack("news.example.org"),
  };

  test("a finding of its own, before the rewrite; none after", async () => {
    const { report, dir } = await audit(files);
    const collisions = report.findings.filter(
      (f: Dict) => f.rule === "name-shared-with-other-project",
    );
    expect(collisions.map((f: Dict) => [line(f), f.name, f.network, f.others])).toEqual([
      [
        "name-shared-with-other-project error blog/db",
        "db",
        "proxy",
        { services: 1, projects: 1, first: ["news/db"] },
      ],
      [
        "name-shared-with-other-project error news/db",
        "db",
        "proxy",
        { services: 1, projects: 1, first: ["blog/db"] },
      ],
    ]);
    expect(collisions[0].message).toBe(
      "`app` looks up `db` on network `proxy`, where 1 service of 1 other project (news/db) answer that name too: Docker's DNS may answer with theirs",
    );
    expect(collisions.every((f: Dict) => f.fixedByWrite)).toBe(true);
    expect(await run(["--write", "-q", "."], captureIO(dir))).toBe(0);
    const after = captureIO(dir);
    expect(await run(["audit", "--json", "."], after)).toBe(0);
    expect(JSON.parse(after.out()).findings).toEqual([]);
  });

  test("a project already migrated is still at risk while the other's `db` is on the network, where Docker looks first", async () => {
    // Docker searches a container's networks in name order: `proxy` before `zine_internal`
    const { report } = await audit({
      "proxy/compose.yaml": files["proxy/compose.yaml"],
      "blog/compose.yaml": files["blog/compose.yaml"],
      "zine/compose.yaml": `services:
  app:
    image: ghost:5
    environment: {VIRTUAL_HOST: news.example.org}
    networks: [internal, proxy]
  db:
    image: mysql:8
    networks: [internal]
networks:
  internal: {}
  proxy: {external: true}
`,
    });
    expect(
      report.findings
        .filter((f: Dict) => f.rule === "name-shared-with-other-project")
        .map((f: Dict) => `${line(f)} ${f.others.first}`),
    ).toEqual(["name-shared-with-other-project error zine/db blog/db"]);
  });

  test("a migrated project whose own network Docker searches before the shared one finds its own `db`", async () => {
    // `news_internal` comes before `proxy`: the app's `db` is answered there first
    const { report } = await audit({
      ...files,
      "news/compose.yaml": `services:
  app:
    image: ghost:5
    environment: {VIRTUAL_HOST: news.example.org}
    networks: [internal, proxy]
  db:
    image: mysql:8
    networks: [internal]
networks:
  internal: {}
  proxy: {external: true}
`,
    });
    expect(
      report.findings
        .filter((f: Dict) => f.rule === "name-shared-with-other-project" && f.project === "news")
        .map(line),
    ).toEqual([]);
  });
});

test("a container name or alias that the environment decides is no name two projects share", async () => {
  const stack = (name: string) => `services:
  app:
    image: ${name}
    container_name: \${CONTAINER_NAME}
    environment: {VIRTUAL_HOST: ${name}.example.org}
  cache:
    image: redis:7
    container_name: \${CACHE_NAME:-shared-cache}
networks:
  default:
    external: true
    name: proxy
`;
  const { report } = await audit({
    "proxy/compose.yaml": PROXY,
    "one/compose.yaml": stack("one"),
    "two/compose.yaml": stack("two"),
  });
  const names = report.findings
    .filter((f: Dict) => f.rule === "name-shared-with-other-project")
    .map((f: Dict) => `${f.project}/${f.service} ${f.name}`);
  // `cache` and its default name are shared; `${CONTAINER_NAME}` is up to each shell
  expect(names).toEqual([
    "one/cache cache",
    "one/cache shared-cache",
    "two/cache cache",
    "two/cache shared-cache",
  ]);
});

test("output grows with the number of projects, not with its square", async () => {
  const host = (n: number) => {
    const files: Record<string, string> = { "proxy/compose.yaml": PROXY };
    for (let i = 0; i < n; i++) {
      files[`p${i}/compose.yaml`] = onProxy(`  app:
    image: ghost:5
    environment: {VIRTUAL_HOST: p${i}.example.org}
  db:
    image: mysql:8
`);
    }
    return files;
  };
  const bytes = async (n: number, format: string) => {
    const dir = tempTree(host(n));
    const io = captureIO(dir);
    await run(["audit", format, "."], io);
    return io.out().length;
  };
  for (const format of ["--json", "--sarif"]) {
    const ratio = (await bytes(80, format)) / (await bytes(40, format));
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
  }
});

test.each([
  ["a scalar", 1],
  ["nested objects and arrays", { a: [1, { b: [] }, {}], c: { d: "x\ny" }, e: null }],
  ["undefined and functions left out", { a: undefined, b: () => 1, c: [undefined, 2] }],
  ["deeper than the walk", { a: { b: { c: { d: { e: [1, 2] } } } } }],
])("writeJson writes %s as JSON.stringify(value, null, 2) does", (_name, value) => {
  for (const depth of [0, 1, 2, 5]) {
    expect([...inChunks(jsonPieces(value, depth), 4)].join("")).toBe(
      JSON.stringify(value, null, 2),
    );
  }
});

test("a lazy array is written as the array its iterable makes", () => {
  const make = function* () {
    yield { a: 1 };
    yield [2];
  };
  let text = "";
  writeJson({ list: new LazyArray(make()), empty: new LazyArray([]) }, (t) => (text += t));
  expect(text).toBe(JSON.stringify({ list: [{ a: 1 }, [2]], empty: [] }, null, 2));
  text = "";
  writeJson({ list: new LazyArray(make(), true) }, (t) => (text += t));
  expect(text).toBe('{\n  "list": [\n    {"a":1},\n    [2]\n  ]\n}');
});

/** The proxy and `count` projects of a blog and its database, all on the proxy network. */
function ghostHost(count: number, name: (i: number) => string): Record<string, string> {
  const files: Record<string, string> = { "proxy/compose.yaml": PROXY };
  for (let i = 0; i < count; i++) {
    files[`${name(i)}/compose.yaml`] = onProxy(`  app:
    image: ghost:5
    environment: {VIRTUAL_HOST: p${i}.example.org}
  db:
    image: mysql:8
`);
  }
  return files;
}

test("the built CLI, reading a large host in worker threads, prints what one process does", async () => {
  const dir = tempTree(ghostHost(70, (i) => `p${String(i).padStart(2, "0")}`));
  const cli = path.resolve(__dirname, "..", "dist", "cli.js");
  for (const format of ["--json", "--sarif"]) {
    const spawned = spawnSync(process.execPath, [cli, "audit", format, "."], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(spawned.status).toBe(1);
    const io = captureIO(dir);
    expect(await run(["audit", format, "."], io)).toBe(1);
    expect(spawned.stdout).toBe(io.out());
  }
});

test("standard output is handed the report chunk by chunk, as it takes them", async () => {
  const dir = tempTree(ghostHost(60, (i) => `p${i}`));
  const plain = captureIO(dir);
  await run(["audit", "--sarif", "."], plain);
  const slow = captureIO(dir);
  let waits = 0;
  let pending = 0;
  slow.stdout = ((write) => (text: string) => {
    expect(pending).toBe(0);
    pending++;
    write(text);
  })(slow.stdout);
  slow.drained = async () => {
    waits++;
    await new Promise((resolve) => setImmediate(resolve));
    pending = 0;
  };
  await run(["audit", "--sarif", "."], slow);
  expect(slow.out()).toBe(plain.out());
  expect(waits).toBeGreaterThan(1);
});
