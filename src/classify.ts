import { ComposeModel, ServiceModel, withDefaults } from "./model";
import { webPort } from "./ports";

/** The part a service plays in its project; decides where it ends up. */
export type Role = "app" | "database" | "backend" | "proxy" | "skipped" | "ignore";

export const ROLES: readonly Role[] = ["app", "database", "backend", "proxy", "skipped", "ignore"];

/** Roles a user can give a service with `x-composemod: {role}` or a command-line flag. */
export const EXPLICIT_ROLES = ["app", "database", "backend", "ignore"] as const;
export type ExplicitRole = (typeof EXPLICIT_ROLES)[number];

export type ProxyKind = "nginx-proxy" | "traefik" | "caddy";

export interface Classification {
  role: Role;
  reason: string;
  /** How a reverse proxy finds this service, when it says so itself. */
  routing?: ProxyKind;
}

/** Role overrides from the command line: `service` or `project/service` -> role. */
export type RoleOverrides = ReadonlyMap<string, ExplicitRole>;

const PROXY_IMAGE =
  /(^|\/)(nginx-proxy|nginxproxy|acme-companion|letsencrypt-nginx-proxy-companion|docker-letsencrypt-nginx-proxy-companion|traefik|caddy|caddy-docker-proxy|nginx-proxy-manager|swag|docker-gen)(:|@|$)/i;

const DATABASE_IMAGE =
  /(^|\/)(mariadb|mysql|mysql-server|percona|percona-server|postgres|postgresql|postgis|timescaledb|timescaledb-ha|pgvector|pgvecto-rs|mongo|mongodb|mongodb-community-server|redis|redis-stack|redis-stack-server|valkey|keydb|dragonfly|memcached|couchdb|cassandra|scylla|clickhouse|clickhouse-server|influxdb|neo4j|rethinkdb|cockroach|arangodb|elasticsearch|opensearch|mssql\/server|oracle\/database|cratedb|crate|questdb|surrealdb|ferretdb)(:|@|$)/i;

const DATA_DIRS = ["/var/lib/mysql", "/var/lib/postgresql/data", "/var/lib/postgresql", "/data/db"];
const DATA_ENV = /^(MYSQL_ROOT_PASSWORD|MARIADB_ROOT_PASSWORD|POSTGRES_PASSWORD|MONGO_INITDB_\w+)$/;

/** The image, with `${VAR:-default}` read as its default. */
function imageOf(service: ServiceModel): string | undefined {
  if (typeof service.data.image !== "string") return undefined;
  return withDefaults(service.data.image);
}

/** How the service asks a reverse proxy to route to it, if it does. */
export function routingEvidence(
  service: ServiceModel,
): { kind: ProxyKind; why: string } | undefined {
  if (service.environment.has("VIRTUAL_HOST")) {
    return { kind: "nginx-proxy", why: "VIRTUAL_HOST environment (nginx-proxy)" };
  }
  const enable = service.labels.get("traefik.enable");
  if (enable !== "false" && [...service.labels.keys()].some((k) => k.startsWith("traefik."))) {
    return { kind: "traefik", why: "traefik.* labels" };
  }
  if ([...service.labels.keys()].some((k) => k === "caddy" || k.startsWith("caddy."))) {
    return { kind: "caddy", why: "caddy labels (caddy-docker-proxy)" };
  }
  return undefined;
}

/** A data store by its image or its data directory, whatever else the service says. */
export function isDataStore(service: ServiceModel): boolean {
  const image = imageOf(service);
  return (image !== undefined && DATABASE_IMAGE.test(image)) || dataVolume(service) !== undefined;
}

function dataVolume(service: ServiceModel): string | undefined {
  const volumes = Array.isArray(service.data.volumes) ? service.data.volumes : [];
  for (const volume of volumes) {
    const target =
      volume && typeof volume === "object"
        ? String((volume as Record<string, unknown>).target ?? "")
        : (String(volume).split(":")[1] ?? "");
    const clean = target.replace(/\/+$/, "");
    if (DATA_DIRS.includes(clean)) return clean;
  }
  return undefined;
}

function explicitRole(service: ServiceModel, project: string, overrides: RoleOverrides) {
  const fromCli = overrides.get(`${project}/${service.name}`) ?? overrides.get(service.name);
  if (fromCli) return { role: fromCli, reason: `set on the command line (--${fromCli})` };
  const ext = service.data["x-composemod"];
  const role = ext && typeof ext === "object" ? (ext as Record<string, unknown>).role : undefined;
  if (typeof role === "string" && (EXPLICIT_ROLES as readonly string[]).includes(role)) {
    return { role: role as ExplicitRole, reason: "set in the file (x-composemod.role)" };
  }
  return undefined;
}

/** What the file as a whole says about which services the proxy routes to. */
export interface FileEvidence {
  /** Some service has routing labels or variables. */
  anyRouted: boolean;
  /** Some service that is not a data store publishes a web port. */
  anyWebPort: boolean;
  /** External network keys of the file. */
  externalNetworks: ReadonlySet<string>;
}

function fileEvidence(model: ComposeModel): FileEvidence {
  return {
    anyRouted: model.services.some((s) => routingEvidence(s) !== undefined),
    anyWebPort: model.services.some(
      (s) => !DATABASE_IMAGE.test(imageOf(s) ?? "") && webPort(s.ports) !== undefined,
    ),
    externalNetworks: new Set(
      [...model.networks.values()].filter((d) => d.external).map((d) => d.key),
    ),
  };
}

/** Gives every service of a file a role and a reason a person can read; first rule that matches wins. */
export function classifyServices(
  model: ComposeModel,
  project: string,
  overrides: RoleOverrides = new Map(),
): Map<string, Classification> {
  const out = new Map<string, Classification>();
  const evidence = fileEvidence(model);
  for (const service of model.services) {
    out.set(service.name, classifyService(service, project, overrides, evidence));
  }
  return out;
}

/**
 * The role of one service. Without routing anywhere in the file, the app is the service that
 * publishes a web port; without that either (its ports already commented out, say), it is the
 * service that is on an external network, which keeps a second run from undoing the first.
 */
export function classifyService(
  service: ServiceModel,
  project: string,
  overrides: RoleOverrides,
  file: FileEvidence,
): Classification {
  const routing = routingEvidence(service);
  const explicit = explicitRole(service, project, overrides);
  if (explicit) return { role: explicit.role, reason: explicit.reason, routing: routing?.kind };
  if (service.data.network_mode != null) {
    return {
      role: "skipped",
      reason: `network_mode: ${String(service.data.network_mode)} (it cannot join networks)`,
    };
  }
  const image = imageOf(service);
  if (image && PROXY_IMAGE.test(image)) {
    return { role: "proxy", reason: `reverse proxy image ${image}` };
  }
  if (!image && PROXY_IMAGE.test(service.name)) {
    return {
      role: "proxy",
      reason: `named like a reverse proxy and has no image to tell otherwise`,
    };
  }
  if (image && DATABASE_IMAGE.test(image)) {
    return { role: "database", reason: `data store image ${image}` };
  }
  const volume = dataVolume(service);
  if (volume) return { role: "database", reason: `keeps its data in ${volume}` };
  const published = webPort(service.ports);
  if (!routing && published === undefined) {
    const env = [...service.environment.keys()].find((k) => DATA_ENV.test(k));
    if (env) return { role: "database", reason: `sets ${env} (a data store's set-up variable)` };
  }
  if (routing) {
    return { role: "app", reason: `routed by the proxy: ${routing.why}`, routing: routing.kind };
  }
  if (!file.anyRouted && published !== undefined) {
    return {
      role: "app",
      reason: `publishes container port ${published} and no service in the file has proxy routing`,
    };
  }
  const external = (service.membership ?? []).find((m) => file.externalNetworks.has(m.key));
  if (!file.anyRouted && !file.anyWebPort && external) {
    return {
      role: "app",
      reason: `on external network \`${external.key}\` and nothing in the file says which service the proxy routes to`,
    };
  }
  return { role: "backend", reason: "not a data store and not routed by the proxy" };
}
