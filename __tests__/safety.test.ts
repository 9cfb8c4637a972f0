import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { hostIndex, projectFacts } from "../src/analysis/host-index";
import { DEFAULT_PLAN_OPTIONS, PlanOptions } from "../src/analysis/plan/options";
import { checkPlan } from "../src/analysis/plan/safety";
import type { Plan } from "../src/analysis/plan/types";
import { run } from "../src/cli/program";
import { parseComposeFile } from "../src/compose/compose-file";
import { buildModel, ComposeModel, Membership } from "../src/compose/model";
import { warningText } from "../src/base/warning";
import { RewriteOptions, rewriteText } from "../src/rewrite/rewrite-project";
import { flagRoles } from "./helpers/project";
import { captureIO, tempTree } from "./helpers/tmp";

type Dict = Record<string, any>;

function modelOf(text: string): ComposeModel {
  const parsed = parseComposeFile(text, "compose.yaml");
  if (parsed.kind !== "ok") throw new Error(`not a compose file: ${text}`);
  return buildModel(parsed.file);
}

function migrate(text: string, options: Partial<RewriteOptions> = {}) {
  const result = rewriteText(text, "compose.yaml", { ...DEFAULT_PLAN_OPTIONS, ...options });
  return {
    ...result,
    warnings: result.warnings.map(warningText),
    data: parse(result.output) as Dict,
  };
}

/** The plan a rewrite made of `text`, with some services' networks after set by hand. */
function planWith(text: string, after: Record<string, string[]>, options = DEFAULT_PLAN_OPTIONS) {
  const result = rewriteText(text, "compose.yaml", options);
  const plan = structuredClone(result.plan!) as Plan;
  for (const s of plan.services) {
    if (after[s.name]) {
      s.after = after[s.name].map((key): Membership => ({ key, settings: null }));
    }
  }
  return { model: modelOf(text), plan };
}

const THREE_ON_PROXY = `services:
  app:
    image: x/app
    environment: {VIRTUAL_HOST: a.example.org}
  db:
    image: postgres:16
  adminer:
    image: adminer
networks:
  default:
    external: true
    name: proxy
`;

describe("the safety check, on plans made by hand", () => {
  test("two services that share a network and would share none after: one breach naming both", () => {
    const { model, plan } = planWith(THREE_ON_PROXY, {
      app: ["default", "internal"],
      db: ["internal"],
      adminer: ["default"],
    });
    const breaches = checkPlan({ model, project: "p", options: DEFAULT_PLAN_OPTIONS, plan });
    expect(breaches).toEqual([
      {
        code: "would-cut-connection",
        services: ["db", "adminer"],
        message:
          "`db` (database) and `adminer` (backend) share `proxy` now and would share no network after",
      },
    ]);
  });

  test("services that all meet on one network after pass, whatever else moves", () => {
    const { model, plan } = planWith(THREE_ON_PROXY, {
      app: ["default", "internal"],
      db: ["internal"],
      adminer: ["internal"],
    });
    expect(checkPlan({ model, project: "p", options: DEFAULT_PLAN_OPTIONS, plan })).toEqual([]);
  });

  test("a pair that only ever shared a network through a third service is no pair", () => {
    const { model, plan } = planWith(
      `services:
  app:
    image: x/app
    networks: [front, back]
  db:
    image: postgres:16
    networks: [back]
  web:
    image: nginx
    networks: [front]
networks:
  front: {}
  back: {}
`,
      { app: ["front", "back"], db: ["back"], web: ["front"] },
    );
    expect(checkPlan({ model, project: "p", options: DEFAULT_PLAN_OPTIONS, plan })).toEqual([]);
  });

  test("a service another project reaches by name over the shared network may not leave it", () => {
    const text = `services:
  wiki:
    image: requarks/wiki
    environment: {VIRTUAL_HOST: wiki.example.org}
  db:
    image: postgres:16
    container_name: wiki-db
networks:
  default:
    external: true
    name: proxy
`;
    const backup = modelOf(`services:
  backup:
    image: databack/mysql-backup
    environment: {MYSQL_HOST: wiki-db}
networks:
  default:
    external: true
    name: proxy
`);
    const host = hostIndex([projectFacts("wiki", modelOf(text)), projectFacts("backup", backup)]);
    const { model, plan } = planWith(text, { wiki: ["default", "internal"], db: ["internal"] });
    const breaches = checkPlan({
      model,
      project: "wiki",
      options: { ...DEFAULT_PLAN_OPTIONS, host },
      plan,
    });
    expect(breaches.map((b) => [b.code, b.message])).toEqual([
      [
        "would-cut-cross-project",
        "`db` would leave `proxy`, where `backup/backup` (environment MYSQL_HOST) reach it by name",
      ],
    ]);
  });

  test("a plain run may not declare an external network; --proxy-network may", () => {
    const { model, plan } = planWith(THREE_ON_PROXY, {});
    plan.proxy = { key: "web", realName: "web", declare: true, used: true };
    const plain = checkPlan({ model, project: "p", options: DEFAULT_PLAN_OPTIONS, plan });
    expect(plain.map((b) => b.code)).toEqual(["would-add-network"]);
    const asked: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, proxyNetwork: "web" };
    expect(checkPlan({ model, project: "p", options: asked, plan })).toEqual([]);
  });

  test("a swarm stack file may not get a bridge network", () => {
    const { model, plan } = planWith(THREE_ON_PROXY, {});
    plan.internal = { ...plan.internal, declare: true, used: true, driver: "bridge" };
    const breaches = checkPlan({
      model,
      project: "p",
      options: DEFAULT_PLAN_OPTIONS,
      plan,
      swarm: true,
    });
    expect(breaches.map((b) => b.code)).toEqual(["driver-refused"]);
  });
});

describe("a stack is never broken: the planner keeps consumers with what they use, or leaves the project alone", () => {
  test("a homelab file with its own Traefik: databases on the project's own network stay there", () => {
    const text = `services:
  traefik:
    image: traefik:v3
    ports: ["80:80", "443:443"]
    volumes: ["/var/run/docker.sock:/var/run/docker.sock:ro"]
  grafana:
    image: grafana/grafana
    labels: ["traefik.http.routers.grafana.rule=Host(\`g.home\`)"]
  influxdb:
    image: influxdb:2
  phpmyadmin:
    image: phpmyadmin
    labels: ["traefik.http.routers.pma.rule=Host(\`pma.home\`)"]
  mariadb:
    image: mariadb:11
    ports: ["3306:3306"]
`;
    const { status, data, warnings, reason } = migrate(text);
    expect(status).toBe("changed");
    expect(reason).toBe("database ports commented out");
    for (const s of Object.values(data.services) as Dict[]) expect(s.networks).toBeUndefined();
    expect(data.services.mariadb.ports).toBeUndefined();
    expect(warnings.join("\n")).not.toContain("no longer shares");
  });

  test("the proxy's stack on the shared network: its database leaves, and every consumer of it follows", () => {
    const { status, data } = migrate(`services:
  traefik:
    image: traefik:v3
    volumes: ["/var/run/docker.sock:/var/run/docker.sock:ro"]
  grafana:
    image: grafana/grafana
    labels: ["traefik.http.routers.grafana.rule=Host(\`g.home\`)"]
  influxdb:
    image: influxdb:2
networks:
  default:
    external: true
    name: proxy
`);
    expect(status).toBe("changed");
    expect(data.services.influxdb.networks).toEqual(["internal"]);
    expect(data.services.grafana.networks).toEqual(["internal", "default"]);
    expect(data.services.traefik.networks).toEqual(["internal", "default"]);
  });

  test("an ignored service that uses the database: the project is left as it is, saying what would make composemod act", () => {
    const text = THREE_ON_PROXY;
    const result = migrate(text, { overrides: flagRoles({ adminer: "ignore" }) });
    expect(result.status).toBe("skipped");
    expect(result.reasonCode).toBe("would-cut-connection");
    expect(result.reason).toBe(
      "left as it is, since the rewrite would break the stack: `db` (database) and `adminer` (ignore) share `proxy` now and would share no network after: composemod leaves `adminer` alone (ignored), so it cannot follow `db`; give `adminer` a role (--backend adminer) or leave `db` alone too (--ignore-service db)",
    );
    expect(result.output).toBe(text);
  });

  test("a database beside a host-network service is rebound to loopback, not left as a shared database service", () => {
    const { status, data, reason } = migrate(`services:
  homeassistant:
    image: ghcr.io/home-assistant/home-assistant:stable
    network_mode: host
  influxdb:
    image: influxdb:2
    ports: ["8086:8086"]
`);
    expect(status).toBe("changed");
    expect(reason).toBe("database ports rebound to loopback");
    expect(data.services.influxdb.ports).toEqual(["127.0.0.1:8086:8086"]);
  });

  test("a swarm stack file: the network composemod adds is an overlay network", () => {
    const { status, data } = migrate(`services:
  app:
    image: x/app
    deploy:
      replicas: 2
      placement: {constraints: [node.role == worker]}
    labels: [traefik.enable=true]
    networks: [proxy]
  db:
    image: postgres:16
    networks: [proxy]
networks:
  proxy:
    external: true
    driver: overlay
`);
    expect(status).toBe("changed");
    expect(data.networks.internal).toEqual({ driver: "overlay" });
  });
});

describe("across projects: a rewrite never cuts a working connection silently", () => {
  async function host(files: Record<string, string>, args: string[] = []) {
    const dir = tempTree(files);
    const io = captureIO(dir);
    const status = await run(["--json", ...args, "."], io);
    const report = JSON.parse(io.out()) as Dict;
    const byPath = new Map<string, Dict>(report.files.map((f: Dict) => [f.path, f]));
    return { dir, status, byPath, err: io.err() };
  }
  const onProxy = (services: string) => `services:
${services}networks:
  default:
    external:
      name: proxy
`;

  test("a database another project names (container name, links) stays on the shared network, with a warning; the audit counts it", async () => {
    const files = {
      "wiki/docker-compose.yml": onProxy(`  wiki:
    image: requarks/wiki:2
    environment: {VIRTUAL_HOST: wiki.example.org, DB_HOST: wiki-db}
  db:
    image: postgres:15
    container_name: wiki-db
`),
      "blog/docker-compose.yml": onProxy(`  wordpress:
    image: wordpress
    environment: {VIRTUAL_HOST: blog.example.org, WORDPRESS_DB_HOST: db}
  db:
    image: mariadb:10
  cache:
    image: redis:7
`),
      "backup/docker-compose.yml": onProxy(`  backup:
    image: databack/mysql-backup
    environment: {MYSQL_HOST: wiki-db}
`),
      "kuma/docker-compose.yml": onProxy(`  uptime-kuma:
    image: louislam/uptime-kuma:1
    environment: {VIRTUAL_HOST: status.example.org}
    external_links: ["blog-db-1:blogdb"]
`),
    };
    const { byPath } = await host(files);
    const wiki = byPath.get("wiki/docker-compose.yml")!;
    expect(wiki.status).toBe("unchanged");
    expect(wiki.reasonCode).toBe("cross-project-kept");
    expect(wiki.warnings.map((w: Dict) => `${w.code} ${w.service}`)).toContain(
      "cross-project-connection db",
    );
    const blog = byPath.get("blog/docker-compose.yml")!;
    // its cache nobody else names leaves; its db that kuma links to stays
    expect(blog.status).toBe("changed");
    expect(blog.diff).toContain("+    networks:\n+      - internal\n");
    expect(blog.warnings.map((w: Dict) => w.message).join("\n")).toContain(
      "`kuma/uptime-kuma` (external_links) of another project reaches it there by name",
    );

    const dir = tempTree(files);
    const io = captureIO(dir);
    await run(["audit", "--json", "."], io);
    const audit = JSON.parse(io.out()) as Dict;
    expect(audit.summary.after.databasesReachable).toBe(2);
    const reached = audit.findings.filter((f: Dict) => f.rule === "reached-by-other-project");
    expect(reached.map((f: Dict) => `${f.project}/${f.service}`).sort()).toEqual([
      "blog/db",
      "wiki/db",
    ]);
  });

  test("a flag's value is no host name: it holds no backend back on the shared network", async () => {
    const { byPath } = await host({
      "mail/docker-compose.yml": onProxy(`  web:
    image: x/mail-web
    environment: {VIRTUAL_HOST: mail.example.org}
  acme:
    image: x/acme
    environment: {ONLY_MAILCOW_HOSTNAME: n, SKIP_LETS_ENCRYPT: y, LE_STAGING: "no"}
`),
      "other/docker-compose.yml": onProxy(`  site:
    image: x/site
    environment: {VIRTUAL_HOST: site.example.org}
`),
    });
    const mail = byPath.get("mail/docker-compose.yml")!;
    expect(mail.status).toBe("changed");
    expect(mail.warnings.filter((w: Dict) => w.code === "cross-project-connection")).toEqual([]);
  });

  test("the proxy's own project, whose database other projects use over a shared network, is left alone", async () => {
    const { byPath } = await host({
      "traefik/docker-compose.yml": `services:
  traefik:
    image: traefik:v3
    volumes: ["/var/run/docker.sock:/var/run/docker.sock:ro"]
    networks: [proxy]
  redis:
    image: redis:7
    networks: [backend]
networks:
  proxy: {external: true}
  backend: {external: true}
`,
      "app/docker-compose.yml": `services:
  app:
    image: x/app
    labels: [traefik.enable=true]
    environment: {REDIS_URL: "redis://redis:6379"}
    networks: [proxy, backend]
networks:
  proxy: {external: true}
  backend: {external: true}
`,
    });
    const traefik = byPath.get("traefik/docker-compose.yml")!;
    expect(traefik.status).toBe("skipped");
    expect(traefik.reasonCode).toBe("proxy-stack-shared");
  });

  test("the proxy's own network that other projects join: the proxy's database leaves it", async () => {
    const npm = readFileSync(
      path.join(
        __dirname,
        "..",
        "examples",
        "judgement-18-proxy-stack-private",
        "docker-compose.yml",
      ),
      "utf8",
    );
    const { byPath } = await host({
      "npm/docker-compose.yml": npm,
      "site/docker-compose.yml": `services:
  site:
    image: x/site
networks:
  default:
    external: true
    name: npm_default
`,
    });
    const own = byPath.get("npm/docker-compose.yml")!;
    expect(own.status).toBe("changed");
    expect(own.diff).toContain("+    networks:\n+      - internal\n");
  });
});
