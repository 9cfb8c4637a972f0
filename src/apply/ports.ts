import type { ContainerState } from "./engine";
import type { TargetService } from "./target";

/** The port each kind of data store listens on, by its image, when nothing says otherwise. */
const DATA_STORE_PORTS: [RegExp, number][] = [
  [/postgres|postgis|pgvecto|timescale|pgbouncer|pgcat|supavisor/, 5432],
  [/mariadb|mysql|percona/, 3306],
  [/redis|valkey|keydb|dragonfly/, 6379],
  [/mongo/, 27017],
  [/memcached/, 11211],
  [/elasticsearch|opensearch/, 9200],
  [/meilisearch/, 7700],
  [/typesense/, 8108],
  [/influxdb/, 8086],
  [/clickhouse/, 8123],
  [/rabbitmq/, 5672],
  [/couchdb/, 5984],
  [/minio/, 9000],
];

const port = (value: unknown): number | undefined => {
  const n = Number(String(value ?? "").trim());
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
};

/** Ports the running container declares it listens on (its image's EXPOSE, `expose`, ports). */
function exposed(c: ContainerState | undefined): number[] {
  return (c?.live?.exposed ?? [])
    .filter((e) => !e.endsWith("/udp"))
    .map((e) => port(e.split("/")[0]))
    .filter((p): p is number => p !== undefined);
}

/**
 * The port the host's proxy sends an app's traffic to, as the proxy works it out: `VIRTUAL_PORT`,
 * Traefik's `loadbalancer.server.port`, caddy-docker-proxy's `{{upstreams N}}`, else the one
 * port the container exposes, else a port it publishes, else 80.
 */
export function routingPort(t: TargetService, c: ContainerState | undefined): number {
  const fromEnv = port(t.environment.get("VIRTUAL_PORT"));
  if (fromEnv) return fromEnv;
  for (const [key, value] of t.labels) {
    if (/loadbalancer\.server\.port$/.test(key) && port(value)) return port(value)!;
    const upstream =
      /^caddy(_\d+)?\.reverse_proxy$/.test(key) && /\{\{\s*upstreams\s+(\d+)\s*\}\}/.exec(value);
    if (upstream && port(upstream[1])) return port(upstream[1])!;
  }
  const declared = [...new Set([...exposed(c), ...t.expose])];
  if (declared.length === 1) return declared[0];
  const published = t.ports.find((p) => p.protocol === "tcp" && p.containerPort)?.containerPort;
  return published ?? declared[0] ?? 80;
}

/** The port a database answers on: what it exposes or publishes, else its kind's usual port. */
export function databasePort(t: TargetService, c: ContainerState | undefined): number | undefined {
  const declared = [...exposed(c), ...t.expose];
  if (declared.length) return declared[0];
  const published = t.ports.find((p) => p.protocol === "tcp" && p.containerPort)?.containerPort;
  if (published) return published;
  const image = (t.image ?? c?.image ?? "").toLowerCase();
  return DATA_STORE_PORTS.find(([pattern]) => pattern.test(image))?.[1];
}
