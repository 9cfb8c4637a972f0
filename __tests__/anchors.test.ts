import { parse } from "yaml";
import { attachDatabases } from "../transforms";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import { parseComposeFile } from "../src/compose/compose-file";
import type { InheritableKey } from "../src/compose/inheritance";
import { buildModel } from "../src/compose/model";
import { warningText } from "../src/base/warning";
import { applyPlan } from "../src/rewrite/apply-plan";
import { RewriteOptions, rewriteText } from "../src/rewrite/rewrite-project";
import { TRANSFORMS } from "../src/rewrite/transforms";
import { verifyAgainstPlan } from "../src/rewrite/verify";
import { invariantsOfResult } from "./helpers/invariants";
import { flagRoles, rewriteFiles } from "./helpers/project";

/**
 * Anchors and merge keys are edited, not skipped: an anchored node is edited where the plan
 * needs it, and each service that inherits from it and must end elsewhere gets its own key.
 */
interface Case {
  name: string;
  input: string;
  options?: Partial<RewriteOptions>;
  /** Roles given on the command line (`--backend NAME`, ...). */
  roles?: Record<string, "app" | "database" | "backend" | "ignore">;
  /** The exact output text, or `same` for a file left as it is. */
  expected: string;
  status: "changed" | "skipped";
  reason?: string;
  /** The warnings about copied anchors. */
  warnings?: string[];
}

const cases: Case[] = [
  {
    name: "a whole-service anchor merged by two backends: the app's anchor gets the networks, each backend its own list",
    input: `services:
  netbox: &netbox
    image: netboxcommunity/netbox:v4.1
    env_file: env/netbox.env
    environment:
      VIRTUAL_HOST: netbox.example.org
    volumes:
      - netbox-media:/opt/netbox/netbox/media
  netbox-worker:
    <<: *netbox
    command: [rqworker]
  netbox-housekeeping:
    <<: *netbox
    command: [housekeeping]
  postgres:
    image: postgres:16-alpine
volumes:
  netbox-media:
networks:
  default:
    external:
      name: proxy
`,
    roles: { "netbox-worker": "backend", "netbox-housekeeping": "backend" },
    expected: `services:
  netbox: &netbox
    image: netboxcommunity/netbox:v4.1
    env_file: env/netbox.env
    environment:
      VIRTUAL_HOST: netbox.example.org
    volumes:
      - netbox-media:/opt/netbox/netbox/media
    networks:
      - internal
      - default
  netbox-worker:
    <<: *netbox
    command: [rqworker]
    networks:
      - internal
  netbox-housekeeping:
    <<: *netbox
    command: [housekeeping]
    networks:
      - internal
  postgres:
    image: postgres:16-alpine
    networks:
      - internal
volumes:
  netbox-media:
networks:
  internal:
    driver: bridge
  default:
    external:
      name: proxy
`,
    status: "changed",
  },
  {
    name: "a database anchor merged by a database that must end the same: no key of its own",
    input: `services:
  app:
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
    networks:
      - proxy
  db: &db
    image: mariadb:11
    networks:
      - proxy
  db-replica:
    <<: *db
    command: --read-only
networks:
  proxy:
    external: true
`,
    expected: `services:
  app:
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
    networks:
      - proxy
      - internal
  db: &db
    image: mariadb:11
    networks:
      - internal
  db-replica:
    <<: *db
    command: --read-only
networks:
  internal:
    driver: bridge
  proxy:
    external: true
`,
    status: "changed",
  },
  {
    name: "a backend's anchor merged by the app: the backend's anchor is edited, the app gets its own list",
    input: `services:
  worker: &base
    image: ghcr.io/example/app:1
    command: worker
    environment:
      DATABASE_URL: postgres://db/app
  web:
    <<: *base
    command: web
    environment:
      DATABASE_URL: postgres://db/app
      VIRTUAL_HOST: app.example.org
    ports:
      - "8080:80"
  db:
    image: postgres:16
networks:
  default:
    external:
      name: proxy
`,
    expected: `services:
  worker: &base
    image: ghcr.io/example/app:1
    command: worker
    environment:
      DATABASE_URL: postgres://db/app
    networks:
      - internal
  web:
    <<: *base
    command: web
    environment:
      DATABASE_URL: postgres://db/app
      VIRTUAL_HOST: app.example.org
    # ports:
    #   - "8080:80"
    networks:
      - internal
      - default
  db:
    image: postgres:16
    networks:
      - internal
networks:
  internal:
    driver: bridge
  default:
    external:
      name: proxy
`,
    status: "changed",
  },
  {
    name: "an x- anchor (and a second one) merged by six services: each gets its own list, the anchors stay",
    input: `x-base: &base
  restart: unless-stopped
  networks:
    - proxy
x-logging: &logging
  logging:
    driver: json-file
services:
  web:
    <<: [*base, *logging]
    image: ghcr.io/example/web:2
    labels:
      - traefik.enable=true
      - traefik.http.routers.web.rule=Host(\`web.example.org\`)
  api:
    <<: [*base, *logging]
    image: ghcr.io/example/api:2
  worker:
    <<: *base
    image: ghcr.io/example/api:2
    command: worker
  scheduler:
    <<: *base
    image: ghcr.io/example/api:2
    command: scheduler
  redis:
    <<: [*logging, *base]
    image: redis:7
  postgres:
    <<: *base
    image: postgres:16
networks:
  proxy:
    external: true
`,
    expected: `x-base: &base
  restart: unless-stopped
  networks:
    - proxy
x-logging: &logging
  logging:
    driver: json-file
services:
  web:
    <<: [*base, *logging]
    image: ghcr.io/example/web:2
    labels:
      - traefik.enable=true
      - traefik.http.routers.web.rule=Host(\`web.example.org\`)
      - traefik.docker.network=proxy
    networks:
      - proxy
      - internal
  api:
    <<: [*base, *logging]
    image: ghcr.io/example/api:2
    networks:
      - internal
  worker:
    <<: *base
    image: ghcr.io/example/api:2
    command: worker
    networks:
      - internal
  scheduler:
    <<: *base
    image: ghcr.io/example/api:2
    command: scheduler
    networks:
      - internal
  redis:
    <<: [*logging, *base]
    image: redis:7
    networks:
      - internal
  postgres:
    <<: *base
    image: postgres:16
    networks:
      - internal
networks:
  internal:
    driver: bridge
  proxy:
    external: true
`,
    status: "changed",
  },
  {
    name: "<<: [*a, *b]: the first mapping with networks wins, as YAML merges it",
    input: `x-private: &private
  networks:
    - backend
x-public: &public
  networks:
    - proxy
services:
  app:
    <<: [*public, *private]
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
  cache:
    <<: [*private, *public]
    image: redis:7
  db:
    <<: *public
    image: postgres:16
networks:
  backend:
  proxy:
    external: true
`,
    expected: `x-private: &private
  networks:
    - backend
x-public: &public
  networks:
    - proxy
services:
  app:
    <<: [*public, *private]
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
    networks:
      - proxy
      - internal
  cache:
    <<: [*private, *public]
    image: redis:7
  db:
    <<: *public
    image: postgres:16
    networks:
      - internal
networks:
  internal:
    driver: bridge
  backend:
  proxy:
    external: true
`,
    status: "changed",
  },
  {
    name: "an anchored environment mapping merged through the service's anchor: the app merges it into its own, with the routing",
    input: `x-shared:
  desk-service: &desk-service
    image: ghcr.io/example/desk:7
    environment: &desk-environment
      POSTGRESQL_HOST: desk-postgresql
      # the cache
      MEMCACHE_SERVERS: desk-memcached:11211
services:
  desk-nginx:
    <<: *desk-service
    command: ["desk-nginx"]
    ports:
      - "8080:8080"
  desk-railsserver:
    <<: *desk-service
    command: ["desk-railsserver"]
  desk-memcached:
    image: memcached:1.6
  desk-postgresql:
    image: postgres:17
networks:
  default:
    external:
      name: proxy
`,
    options: { virtualHost: "{service}.example.org" },
    expected: `x-shared:
  desk-service: &desk-service
    image: ghcr.io/example/desk:7
    environment: &desk-environment
      POSTGRESQL_HOST: desk-postgresql
      # the cache
      MEMCACHE_SERVERS: desk-memcached:11211
services:
  desk-nginx:
    <<: *desk-service
    command: ["desk-nginx"]
    # ports:
    #   - "8080:8080"
    environment:
      <<: *desk-environment
      VIRTUAL_HOST: desk-nginx.example.org
      LETSENCRYPT_HOST: desk-nginx.example.org
      VIRTUAL_PORT: "8080"
    networks:
      - internal
      - default
  desk-railsserver:
    <<: *desk-service
    command: ["desk-railsserver"]
    networks:
      - internal
  desk-memcached:
    image: memcached:1.6
    networks:
      - internal
  desk-postgresql:
    image: postgres:17
    networks:
      - internal
networks:
  internal:
    driver: bridge
  default:
    external:
      name: proxy
`,
    status: "changed",
  },
  {
    name: "an environment list inherited through a merge key: the app gets a copy of the list, with the routing and a warning",
    input: `x-shared: &shared
  image: n8nio/n8n:1
  environment:
    - DB_TYPE=postgresdb
    - DB_POSTGRESDB_HOST=postgres
services:
  n8n:
    <<: *shared
    ports:
      - 5678:5678
  n8n-worker:
    <<: *shared
    command: worker
  postgres:
    image: postgres:16
networks:
  default:
    external:
      name: proxy
`,
    options: { virtualHost: "{service}.example.org" },
    expected: `x-shared: &shared
  image: n8nio/n8n:1
  environment:
    - DB_TYPE=postgresdb
    - DB_POSTGRESDB_HOST=postgres
services:
  n8n:
    <<: *shared
    # ports:
    #   - 5678:5678
    environment:
      - DB_TYPE=postgresdb
      - DB_POSTGRESDB_HOST=postgres
      - VIRTUAL_HOST=n8n.example.org
      - LETSENCRYPT_HOST=n8n.example.org
      - VIRTUAL_PORT=5678
    networks:
      - internal
      - default
  n8n-worker:
    <<: *shared
    command: worker
    networks:
      - internal
  postgres:
    image: postgres:16
    networks:
      - internal
networks:
  internal:
    driver: bridge
  default:
    external:
      name: proxy
`,
    status: "changed",
    warnings: [
      "n8n: its environment is now a copy of what it inherited from &shared, with VIRTUAL_HOST, LETSENCRYPT_HOST, VIRTUAL_PORT added (a list cannot be merged): a later change to &shared no longer reaches it",
    ],
  },
  {
    name: "environment: *env of a mapping: the alias becomes a mapping that merges it, with the routing",
    input: `x-env: &env
  DB_HOST: db
services:
  app:
    image: ghcr.io/example/app:1
    environment: *env
    ports:
      - "3000:3000"
  worker:
    image: ghcr.io/example/app:1
    environment: *env
  db:
    image: postgres:16
networks:
  default:
    external:
      name: proxy
`,
    options: { virtualHost: "{service}.example.org" },
    expected: `x-env: &env
  DB_HOST: db
services:
  app:
    image: ghcr.io/example/app:1
    environment:
      <<: *env
      VIRTUAL_HOST: app.example.org
      LETSENCRYPT_HOST: app.example.org
      VIRTUAL_PORT: "3000"
    # ports:
    #   - "3000:3000"
    networks:
      - internal
      - default
  worker:
    image: ghcr.io/example/app:1
    environment: *env
    networks:
      - internal
  db:
    image: postgres:16
    networks:
      - internal
networks:
  internal:
    driver: bridge
  default:
    external:
      name: proxy
`,
    status: "changed",
  },
  {
    name: "ports: *web-ports and networks: *nets: each service that must change gets its own value, the others keep the alias",
    input: `x-ports: &web-ports
  - "8080:80"
x-nets: &nets
  - proxy
services:
  app:
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
    ports: *web-ports
    networks: *nets
  admin:
    image: ghcr.io/example/admin:1
    ports: *web-ports
    networks: *nets
  db:
    image: mariadb:11
    networks: *nets
networks:
  proxy:
    external: true
`,
    expected: `x-ports: &web-ports
  - "8080:80"
x-nets: &nets
  - proxy
services:
  app:
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
    # ports: *web-ports
    networks:
      - proxy
      - internal
  admin:
    image: ghcr.io/example/admin:1
    ports: *web-ports
    networks:
      - internal
  db:
    image: mariadb:11
    networks:
      - internal
networks:
  internal:
    driver: bridge
  proxy:
    external: true
`,
    status: "changed",
  },
  {
    name: "an anchored ports list commented out whole: the service that used it gets its ports as its own",
    input: `services:
  app:
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
    ports: &web-ports
      - "8080:80"
    networks: &nets
      - proxy
  admin:
    image: ghcr.io/example/admin:1
    ports: *web-ports
    networks: *nets
  db:
    image: mariadb:11
    networks: *nets
networks:
  proxy:
    external: true
`,
    expected: `services:
  app:
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
    # ports: &web-ports
    #   - "8080:80"
    networks: &nets
      - proxy
      - internal
  admin:
    image: ghcr.io/example/admin:1
    ports: ["8080:80"]
    networks:
      - internal
  db:
    image: mariadb:11
    networks:
      - internal
networks:
  internal:
    driver: bridge
  proxy:
    external: true
`,
    status: "changed",
  },
  {
    name: "flow anchors: the anchored lists are edited in place, the aliases become flow lists of their own",
    input: `services:
  app:
    image: ghcr.io/example/app:1
    environment: {VIRTUAL_HOST: app.example.org}
    ports: &web-ports ["8080:80", "2222:22"]
    networks: &nets [proxy]
  admin:
    image: ghcr.io/example/admin:1
    ports: *web-ports
    networks: *nets
  db:
    image: mariadb:11
    networks: *nets
networks:
  proxy: {external: true}
`,
    expected: `services:
  app:
    image: ghcr.io/example/app:1
    environment: {VIRTUAL_HOST: app.example.org}
    # ports: &web-ports ["8080:80", "2222:22"]
    ports: ["2222:22"]
    networks: &nets [proxy, internal]
  admin:
    image: ghcr.io/example/admin:1
    ports: ["8080:80", "2222:22"]
    networks: [internal]
  db:
    image: mariadb:11
    networks: [internal]
networks:
  internal:
    driver: bridge
  proxy: {external: true}
`,
    status: "changed",
  },
  {
    name: "a chain of merges: only the first service of the chain writes its own list, the next inherits it",
    input: `services:
  app: &app
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
    networks:
      - proxy
  worker: &worker
    <<: *app
    command: worker
  worker-low:
    <<: *worker
    command: worker --queue low
  db:
    image: postgres:16
    networks:
      - proxy
networks:
  proxy:
    external: true
`,
    roles: { worker: "backend", "worker-low": "backend" },
    expected: `services:
  app: &app
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
    networks:
      - proxy
      - internal
  worker: &worker
    <<: *app
    command: worker
    networks:
      - internal
  worker-low:
    <<: *worker
    command: worker --queue low
  db:
    image: postgres:16
    networks:
      - internal
networks:
  internal:
    driver: bridge
  proxy:
    external: true
`,
    status: "changed",
  },
  {
    name: "a mapping merged in place (<<: {networks: [proxy]}): each service gets its own list",
    input: `services:
  app:
    <<: {networks: [proxy]}
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
  db:
    <<: {networks: [proxy]}
    image: postgres:16
networks:
  proxy:
    external: true
`,
    expected: `services:
  app:
    <<: {networks: [proxy]}
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
    networks:
      - proxy
      - internal
  db:
    <<: {networks: [proxy]}
    image: postgres:16
    networks:
      - internal
networks:
  internal:
    driver: bridge
  proxy:
    external: true
`,
    status: "changed",
  },
  {
    name: "labels: *labels of an app that gains the Traefik network label: the backend keeps a copy of what it had, with a warning",
    input: `services:
  app:
    image: ghcr.io/example/app:1
    labels: &labels
      - traefik.enable=true
      - traefik.http.routers.app.rule=Host(\`app.example.org\`)
    networks:
      - web
  worker:
    image: ghcr.io/example/app:1
    command: worker
    labels: *labels
    networks:
      - web
  db:
    image: postgres:16
    networks:
      - web
networks:
  web:
    external: true
`,
    roles: { worker: "backend" },
    expected: `services:
  app:
    image: ghcr.io/example/app:1
    labels: &labels
      - traefik.enable=true
      - traefik.http.routers.app.rule=Host(\`app.example.org\`)
      - traefik.docker.network=web
    networks:
      - web
      - internal
  worker:
    image: ghcr.io/example/app:1
    command: worker
    labels:
      - traefik.enable=true
      - traefik.http.routers.app.rule=Host(\`app.example.org\`)
    networks:
      - internal
  db:
    image: postgres:16
    networks:
      - internal
networks:
  internal:
    driver: bridge
  web:
    external: true
`,
    status: "changed",
    warnings: [
      "worker: its labels are now a copy of what it inherited from &labels, where entries for another service are added: a later change to &labels no longer reaches it",
    ],
  },
  {
    name: "a service's anchor used outside the services: left alone, the reason names the anchor",
    input: `services:
  app: &app
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
  db:
    image: postgres:16
x-app-copy: *app
networks:
  default:
    external:
      name: proxy
`,
    expected: "same",
    status: "skipped",
    reason:
      "an edit to &app would change other places of the file that use it: a key other than networks, ports, labels or environment changed",
  },
  {
    name: "a service with network_mode that merges the app: left alone, the reason names the service and the anchor",
    input: `services:
  app: &app
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
  sidecar:
    <<: *app
    network_mode: "service:app"
  db:
    image: mariadb:11
networks:
  default:
    external:
      name: proxy
`,
    expected: "same",
    status: "skipped",
    reason:
      "sidecar has network_mode and inherits from &app, which gains networks: Compose refuses networks beside network_mode",
  },
  {
    name: "a service that is an alias of another: left alone when it would have to differ",
    input: `services:
  app: &app
    image: ghcr.io/example/app:1
    environment:
      VIRTUAL_HOST: app.example.org
  app2: *app
  db:
    image: mariadb:11
networks:
  default:
    external:
      name: proxy
`,
    roles: { app2: "backend" },
    expected: "same",
    status: "skipped",
    reason: "service `app2` is an alias (*app); cannot keep its networks",
  },
  {
    name: "routing added to an anchor that a backend merges: left alone, the reason names the anchor and the service",
    input: `services:
  netbox: &netbox
    image: netboxcommunity/netbox:v4
    ports:
      - "8000:8080"
  netbox-worker:
    <<: *netbox
    command: worker
  postgres:
    image: postgres:16
networks:
  default:
    external:
      name: proxy
`,
    options: { virtualHost: "netbox.example.org" },
    roles: { "netbox-worker": "backend" },
    expected: "same",
    status: "skipped",
    reason:
      "netbox-worker inherits its environment from &netbox, which would gain VIRTUAL_HOST, LETSENCRYPT_HOST, VIRTUAL_PORT, meant for another service: a merge cannot take a key out again; add them by hand (in an override file, say)",
  },
];

describe.each(cases)("$name", ({ input, options, roles, expected, status, reason, warnings }) => {
  const opts = {
    ...DEFAULT_PLAN_OPTIONS,
    ...options,
    ...(roles ? { overrides: flagRoles(roles) } : {}),
  };
  const result = rewriteText(input, "compose.yaml", opts);

  test("gives exactly the expected text, status and reason", () => {
    expect(result.error).toBeUndefined();
    expect(result.output).toBe(expected === "same" ? input : expected);
    expect(result.status).toBe(status);
    if (reason !== undefined) expect(result.reason).toBe(reason);
    const copied = result.warnings.filter((w) => w.code === "anchor-copied").map(warningText);
    expect(copied).toEqual(warnings ?? []);
  });

  test("holds the invariants, reads the same in YAML 1.1, and a second run changes nothing", () => {
    if (result.status !== "changed") return;
    const data = parse(result.output, { merge: true });
    expect(parse(result.output, { version: "1.1", merge: true })).toEqual(data);
    const putBehind = opts.proxyNetwork !== undefined || opts.virtualHost !== undefined;
    expect(invariantsOfResult(input, result, putBehind)).toEqual([]);
    const again = rewriteText(result.output, "compose.yaml", opts);
    expect(again.status).toBe("unchanged");
    expect(again.output).toBe(result.output);
  });
});

describe("what services inherit", () => {
  const [netbox] = cases;
  const opts = { ...DEFAULT_PLAN_OPTIONS, overrides: flagRoles(netbox.roles!) };
  const result = rewriteText(netbox.input, "compose.yaml", opts);
  const parsed = (text: string) => {
    const outcome = parseComposeFile(text, "compose.yaml");
    if (outcome.kind !== "ok") throw new Error(`${outcome.kind}: not a compose file`);
    return outcome.file;
  };
  const model = buildModel(parsed(netbox.input));

  test("the verify reads every service as Compose merges it, not only the service edited", () => {
    // the app's anchor edited, the backends that merge it left as they were
    const ownerOnly = result.output.replace(
      /( {4}command: \[(rqworker|housekeeping)\]\n) {4}networks:\n {6}- internal\n/g,
      "$1",
    );
    expect(verifyAgainstPlan(model, result.plan!, parsed(result.output))).toEqual([]);
    expect(verifyAgainstPlan(model, result.plan!, parsed(ownerOnly))).toEqual([
      "service `netbox-worker`: networks are [internal, default], planned [internal]",
      "service `netbox-housekeeping`: networks are [internal, default], planned [internal]",
    ]);
  });

  test("a transform leaves an inherited key to the rewrite that settles it, and writes it when told", () => {
    const ctx = { model, plan: result.plan! };
    const edited = (ownKeys?: Map<string, Set<InheritableKey>>) =>
      attachDatabases
        .apply({ ...ctx, ownKeys })
        .edits.map((e) => e.text.trim().split(/\s+/).join(" "));
    // without the rewrite's settling, a key that must change is written as the service's own
    expect(edited()).toEqual([
      "networks: - internal",
      "networks: - internal",
      "networks: - internal",
    ]);
    expect(edited(new Map())).toEqual(["networks: - internal"]);
    expect(edited(new Map([["netbox-worker", new Set(["networks" as const])]]))).toEqual([
      "networks: - internal",
      "networks: - internal",
    ]);
  });

  test("with no transform to write a key as a service's own, the file is left alone, the anchor named", () => {
    const text = `services:
  db:
    image: mariadb
    networks: &nets
      - proxy
      - front
  web:
    image: x/web
    environment: {VIRTUAL_HOST: b}
    networks: *nets
networks:
  proxy: {external: true}
  front: {}
`;
    const plan = rewriteText(text, "compose.yaml", DEFAULT_PLAN_OPTIONS).plan!;
    const transforms = TRANSFORMS.filter((t) => t.name !== "keep-inherited");
    const applied = applyPlan(buildModel(parsed(text)), plan, "compose.yaml", transforms);
    expect(applied).toMatchObject({
      kind: "skipped",
      reason:
        "web inherits its networks from &nets, and not even a key of its own makes them what the plan says (service `web`: networks are [front], planned [proxy, front])",
    });
  });
});

test("routing for an app whose base-file mapping is an anchor that backends merge goes to its override file", () => {
  const base = `services:
  netbox: &netbox
    image: netboxcommunity/netbox:v4.1
  netbox-worker:
    <<: *netbox
    command: [rqworker]
  postgres:
    image: postgres:16
networks:
  default:
    external:
      name: proxy
`;
  const override = `services:
  netbox:
    ports:
      - "8000:8080"
    restart: unless-stopped
`;
  const [baseResult, overrideResult] = rewriteFiles(
    [
      { path: "docker-compose.yml", text: base },
      { path: "docker-compose.override.yml", text: override },
    ],
    { virtualHost: "{service}.example.org", overrides: flagRoles({ "netbox-worker": "backend" }) },
  );
  expect([baseResult.status, overrideResult.status]).toEqual(["changed", "changed"]);
  expect(baseResult.output).not.toContain("VIRTUAL_HOST");
  expect(overrideResult.output).toBe(`services:
  netbox:
    # ports:
    #   - "8000:8080"
    restart: unless-stopped
    environment:
      VIRTUAL_HOST: netbox.example.org
      LETSENCRYPT_HOST: netbox.example.org
      VIRTUAL_PORT: "8080"
`);
});
