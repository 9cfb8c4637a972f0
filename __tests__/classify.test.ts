import { readFileSync } from "node:fs";
import * as path from "node:path";
import { classifyServices, ROLE_RULES, RoleOverrides } from "../src/analysis/classify";
import { buildModel } from "../src/compose/model";
import { parseComposeFile } from "../src/compose/compose-file";
import { classifyText } from "./helpers/classify";
import { flagRoles } from "./helpers/project";

function roles(text: string, overrides: RoleOverrides = new Map()) {
  const parsed = parseComposeFile(text, "compose.yaml");
  if (parsed.kind !== "ok") throw new Error(parsed.kind);
  const result = classifyServices(buildModel(parsed.file), "blog", overrides);
  return Object.fromEntries([...result].map(([name, c]) => [name, c.role]));
}

describe("classifyServices", () => {
  test.each([
    ["mariadb:11", "database"],
    ["docker.io/library/postgres:16-alpine", "database"],
    ["bitnami/postgresql:16", "database"],
    ["pgvector/pgvector:pg16", "database"],
    ["ghcr.io/immich-app/postgres:14", "database"],
    ["redis:7", "database"],
    ["valkey/valkey:8", "database"],
    ["mcr.microsoft.com/mssql/server:2022-latest", "database"],
    ["docker.elastic.co/elasticsearch/elasticsearch:8.15.0", "database"],
    ["redis-commander:latest", "backend"],
    ["mongo-express:1", "backend"],
    ["traefik:v3.1", "proxy"],
    ["nginxproxy/nginx-proxy:1.6", "proxy"],
    ["jc21/nginx-proxy-manager:latest", "proxy"],
    ["lscr.io/linuxserver/swag", "proxy"],
    // a lone web server is its project's entry, not the host's proxy
    ["nginx:alpine", "app"],
    ["mcr.microsoft.com/azure-sql-edge:1.0.4", "database"],
    ["docker.redpanda.com/vectorized/redpanda:v22.2.2", "database"],
    ["redislabs/redismod", "database"],
    ["valeriansaliou/sonic:latest", "database"],
    ["prom/prometheus:v2.53.0", "database"],
    ["grafana/loki:3.1.0", "database"],
    ["edoburu/pgbouncer:latest", "database"],
    ["supabase/supavisor:1.1.56", "database"],
    ["bitnami/kafka:3.7", "database"],
    ["caddy:2-alpine", "app"],
  ])("image %s is a %s", (image, role) => {
    expect(roles(`services:\n  s:\n    image: ${image}\n`).s).toBe(role);
  });

  test("data-store evidence without a known image", () => {
    const text = `services:
  a:
    build: ./db
    volumes:
      - ./data:/var/lib/postgresql/data
  mongo:
    build: ./mongo
    environment:
      MONGO_INITDB_ROOT_USERNAME: root
  ui:
    image: ghcr.io/x/admin-ui
    environment:
      POSTGRES_PASSWORD: secret
`;
    // set-up variables count only with other evidence: a client carries them too (the admin UI
    // is the project's entry by its name)
    expect(roles(text)).toEqual({ a: "database", mongo: "database", ui: "app" });
  });

  test("an app that only connects to a database is not one", () => {
    const text = `services:
  web:
    image: ghcr.io/x/web
    environment:
      POSTGRES_PASSWORD: x
      VIRTUAL_HOST: web.example.org
`;
    expect(roles(text).web).toBe("app");
  });

  test("routing evidence makes apps; without any, a published web port does", () => {
    const routed = `services:
  web:
    image: x/web
    labels: ["traefik.enable=true", "traefik.http.routers.web.rule=Host(\`a\`)"]
  admin:
    image: x/admin
    ports: ["8080:80"]
  caddyapp:
    image: x/c
    labels:
      caddy: c.example.org
`;
    expect(roles(routed)).toEqual({ web: "app", admin: "backend", caddyapp: "app" });
    const unrouted = `services:
  web:
    image: x/web
    ports: ["8080:80"]
  mail:
    image: x/mail
    ports: ["25:25"]
`;
    expect(roles(unrouted)).toEqual({ web: "app", mail: "backend" });
  });

  test("traefik.enable=false is no routing", () => {
    const text = `services:\n  w:\n    image: x\n    labels:\n      traefik.enable: "false"\n`;
    expect(roles(text).w).toBe("backend");
  });

  test("network_mode services are skipped", () => {
    expect(roles(`services:\n  v:\n    image: postgres\n    network_mode: host\n`).v).toBe(
      "skipped",
    );
  });

  test("x-composemod and command-line overrides win", () => {
    const text = `services:
  cache:
    image: redis:7
    x-composemod:
      role: backend
  api:
    image: x/api
`;
    expect(roles(text)).toEqual({ cache: "backend", api: "backend" });
    expect(roles(text, flagRoles({ "blog/api": "app" })).api).toBe("app");
    expect(roles(text, flagRoles({ cache: "ignore" })).cache).toBe("ignore");
  });
});

describe("data stores by evidence, whatever the image", () => {
  test.each([
    ["image: ${DB_IMAGE:-postgres:16}", "database [database]", "data store image postgres:16"],
    [
      "image: jc21/mariadb-aria\n    volumes: [./mysql:/var/lib/mysql]",
      "database [database]",
      "keeps its data in /var/lib/mysql",
    ],
    [
      "image: registry.example.com/x/cache:1\n    volumes: [cache:/bitnami/valkey/data]",
      "database [database]",
      "keeps its data in /bitnami/valkey/data",
    ],
    [
      "image: registry.example.com/x/kv:1\n    command: redis-server --appendonly yes\n    volumes: [./kv:/data]",
      "database [database]",
      "its command starts redis-server",
    ],
    [
      'image: registry.example.com/x/docs:1\n    command: ["sh", "-c", "mongod --bind_ip_all"]',
      "database [database]",
      "its command starts mongod",
    ],
    [
      'image: registry.example.com/x/db:1\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U app"]',
      "database [database-check]",
      "checks itself with pg_isready (a client would check the host it connects to)",
    ],
    [
      'image: registry.example.com/x/db:1\n    expose: ["3306"]\n    healthcheck:\n      test: ["CMD", "mysqladmin", "ping", "-h", "localhost"]',
      "database [database-check]",
      "listens on 3306 and checks itself with mysqladmin (a client would check the host it connects to)",
    ],
  ])("%s", (lines, role, reason) => {
    const { roles, of } = classifyText(
      `services:\n  store:\n    ${lines}\n  app:\n    image: x/app\n`,
    );
    expect(roles.store).toBe(role);
    expect(of("store").reason).toBe(reason);
  });

  test.each([
    ['["CMD-SHELL", "pg_isready -h db -U app"]'],
    ['["CMD", "mysqladmin", "ping", "-hdb"]'],
    ['["CMD", "redis-cli", "-u", "redis://cache:6379", "ping"]'],
    ['["CMD", "wget", "-q", "http://localhost/mongo-express"]'],
  ])("a health check against another host is a client's: %s", (test) => {
    const text = `services:\n  app:\n    image: x/app\n    healthcheck:\n      test: ${test}\n`;
    expect(classifyText(text).roles.app).not.toMatch(/^database/);
  });

  test.each([["eclipse-mosquitto:2"], ["emqx/emqx:5.8"], ["vernemq/vernemq"], ["hivemq/hivemq4"]])(
    "the MQTT broker %s serves devices outside Docker: a backend whose ports stay",
    (image) => {
      const text = `services:\n  broker:\n    image: ${image}\n    ports: ["1883:1883"]\n`;
      const { roles, of } = classifyText(text);
      expect(roles.broker).toBe("backend [mqtt-broker]");
      expect(of("broker").reason).toBe(
        `an MQTT broker (${image}): it serves devices outside Docker, so its published ports stay; no web proxy carries its traffic`,
      );
    },
  );
});

test("docs/decisions.md's decision table lists every rule of the table, in its order", () => {
  const readme = readFileSync(path.resolve(__dirname, "..", "docs", "decisions.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Roles: the decision table"));
  const rows = [...section.matchAll(/^\| `([a-z-]+)` +\| (\w+) +\|/gm)].map((m) => [m[1], m[2]]);
  expect(rows).toEqual(ROLE_RULES.map((r) => [r.code, r.role]));
});
