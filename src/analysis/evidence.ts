import type { ServiceModel } from "../compose/model";
import { withDefaults } from "../compose/values";

export type ProxyKind = "nginx-proxy" | "traefik" | "caddy";

export const PROXY_KINDS: readonly ProxyKind[] = ["nginx-proxy", "traefik", "caddy"];

export const PROXY_IMAGE =
  /(^|\/)(nginx-proxy|nginxproxy|acme-companion|letsencrypt-nginx-proxy-companion|docker-letsencrypt-nginx-proxy-companion|traefik|caddy|caddy-docker-proxy|nginx-proxy-manager|swag|docker-gen)(:|@|$)/i;

export const DATABASE_IMAGE =
  /(^|\/)(mariadb|mysql|mysql-server|percona|percona-server|postgres|postgresql|postgis|timescaledb|timescaledb-ha|pgvector|pgvecto-rs|mongo|mongodb|mongodb-community-server|redis|redis-stack|redis-stack-server|valkey|keydb|dragonfly|memcached|couchdb|cassandra|scylla|clickhouse|clickhouse-server|influxdb|neo4j|rethinkdb|cockroach|arangodb|elasticsearch|opensearch|mssql\/server|oracle\/database|cratedb|crate|questdb|surrealdb|ferretdb)(:|@|$)/i;

const DATA_DIRS = ["/var/lib/mysql", "/var/lib/postgresql/data", "/var/lib/postgresql", "/data/db"];
export const DATA_ENV =
  /^(MYSQL_ROOT_PASSWORD|MARIADB_ROOT_PASSWORD|POSTGRES_PASSWORD|MONGO_INITDB_\w+)$/;

/** The image, with `${VAR:-default}` read. */
export function imageOf(service: ServiceModel): string | undefined {
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

/** The data directory a service keeps in a volume, if it is a data store's. */
export function dataVolume(service: ServiceModel): string | undefined {
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

/** A data store by its image or its data directory, whatever else the service says. */
export function isDataStore(service: ServiceModel): boolean {
  const image = imageOf(service);
  return (image !== undefined && DATABASE_IMAGE.test(image)) || dataVolume(service) !== undefined;
}
