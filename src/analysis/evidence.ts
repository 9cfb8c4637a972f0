import { parseDocument } from "yaml";
import type { ComposeModel, ServiceModel } from "../compose/model";
import { parsePort, PortSpec } from "../compose/ports";
import { interpolate } from "../compose/values";
import { memo } from "../memo";
import { commentsIn } from "../yaml/comments";

export type ProxyKind = "nginx-proxy" | "traefik" | "caddy";

export const PROXY_KINDS: readonly ProxyKind[] = ["nginx-proxy", "traefik", "caddy"];

/** The host's reverse proxies and their companions, which discover other projects' containers. */
const PROXY_IMAGES =
  /^(nginx-proxy|nginxproxy\/nginx-proxy|jwilder\/nginx-proxy|acme-companion|nginxproxy\/acme-companion|letsencrypt-nginx-proxy-companion|jrcs\/letsencrypt-nginx-proxy-companion|docker-letsencrypt-nginx-proxy-companion|docker-gen|jwilder\/docker-gen|nginxproxy\/docker-gen|traefik|caddy-docker-proxy|lucaslorentz\/caddy-docker-proxy|nginx-proxy-manager|jc21\/nginx-proxy-manager|swag|linuxserver\/swag|letsencrypt)$/i;

/** Labels by which nginx-proxy's companions find the nginx they configure. */
const COMPANION_LABELS = [
  "com.github.nginx-proxy.nginx-proxy.nginx",
  "com.github.jrcs.letsencrypt_nginx_proxy_companion.nginx_proxy",
  "com.github.nginx-proxy.docker-gen",
];

/** Images of data stores: SQL and NoSQL servers, caches, search and time-series stores, brokers, poolers. */
const DATA_STORE_IMAGES =
  /^(mariadb|mysql|mysql-server|percona|percona-server|postgres|postgresql|postgis|timescaledb|timescaledb-ha|pgvector|pgvecto-rs|vectorchord|mongo|mongodb|mongodb-community-server|redis|redis-stack|redis-stack-server|redismod|rejson|redisearch|valkey|keydb|dragonfly|dragonflydb|garnet|memcached|couchdb|couchbase|cassandra|scylla|clickhouse|clickhouse-server|influxdb|prometheus|victoria-metrics|victoriametrics|vmstorage|loki|mimir|tempo|questdb|neo4j|rethinkdb|cockroach|arangodb|elasticsearch|opensearch|solr|meilisearch|typesense|sonic|manticoresearch|qdrant|weaviate|milvus|chroma|minio|seaweedfs|garage|rabbitmq|kafka|cp-kafka|redpanda|nats|activemq|pgbouncer|pgcat|odyssey|supavisor|pgpool|pgpool2|mssql-server|mssql\/server|azure-sql-edge|oracle\/database|cratedb|crate|surrealdb|ferretdb|etcd|zookeeper|cp-zookeeper|orientdb|dgraph|tidb|yugabyte)$/i;

/** Container paths where data stores keep their data. */
const DATA_DIRS = [
  "/var/lib/mysql",
  "/var/lib/postgresql/data",
  "/var/lib/postgresql",
  "/data/db",
  "/var/lib/mongodb",
  "/bitnami/postgresql",
  "/bitnami/mariadb",
  "/bitnami/mysql",
  "/bitnami/mongodb",
  "/bitnami/redis/data",
  "/var/lib/redis",
  "/var/lib/clickhouse",
  "/var/lib/influxdb",
  "/var/lib/influxdb2",
  "/usr/share/elasticsearch/data",
  "/usr/share/opensearch/data",
  "/var/lib/rabbitmq",
  "/var/lib/neo4j/data",
  "/var/opt/mssql",
  "/meili_data",
  "/var/lib/cassandra",
  "/var/lib/couchdb",
  "/opt/couchdb/data",
  "/var/lib/valkey",
  "/var/lib/keydb",
  "/var/lib/questdb",
  "/qdrant/storage",
];

/** Bitnami images keep a data store's data in `/bitnami/<store>` (or its `data` directory). */
const BITNAMI_DATA_DIR =
  /^\/bitnami\/(postgresql|mariadb|mariadb-galera|mysql|mongodb|redis|valkey|keydb|memcached|elasticsearch|opensearch|rabbitmq|kafka|cassandra|clickhouse|influxdb|etcd|zookeeper|minio|couchdb|neo4j|solr|scylladb)(\/data)?$/;

/** Brokers that serve devices outside Docker over MQTT. */
const MQTT_BROKER_IMAGES =
  /^(mosquitto|eclipse-mosquitto|emqx|emqx-enterprise|vernemq|docker-vernemq|hivemq4|hivemq-ce|nanomq)$/i;

/** Data-store servers by the program a container's command starts. */
const DATA_STORE_SERVERS =
  /^(redis-server|redis-stack-server|valkey-server|keydb-server|mongod|mysqld|mariadbd|postgres|memcached|clickhouse-server|influxd)$/;

/** Variables that set a data store up; clients carry them too, so they count only with other evidence. */
const DATA_ENV =
  /^(MYSQL_ROOT_PASSWORD|MARIADB_ROOT_PASSWORD|MYSQL_DATABASE|MARIADB_DATABASE|POSTGRES_PASSWORD|POSTGRES_DB|PGDATA|MONGO_INITDB_\w+|SA_PASSWORD|MSSQL_SA_PASSWORD|REDIS_PASSWORD)$/;

/** Service names that say a data store when nothing else says anything. */
const DATA_STORE_NAME =
  /^(db|database|postgres|postgresql|pg|mysql|mariadb|mongo|mongodb|redis|valkey|cache|memcached|elasticsearch|es|search)([-_]?\d+)?$/i;

/** Servers that speak something other than HTTP: what a web proxy cannot carry. */
const NON_HTTP_IMAGES: [RegExp, string][] = [
  [
    /(^|[/-])(dovecot|postfix|mailserver|docker-mailserver|stalwart[\w-]*|exim\d*|opendkim|rspamd|clamd|clamav|maddy|haraka)$/i,
    "a mail server",
  ],
  [
    /(^|[/-])(bind9?|unbound|coredns|dnsmasq|cloudflared|powerdns|pdns[\w-]*|knot-resolver|dnscrypt-proxy)$/i,
    "a DNS server",
  ],
  [/(^|[/-])(syslog-ng|rsyslog|syslog)$/i, "a syslog receiver"],
  [/(^|[/-])(snmpd|snmptrapd|net-snmp|snmp[\w-]*)$/i, "an SNMP agent"],
  [/(^|[/-])(coturn|turnserver|eturnal)$/i, "a TURN server"],
  [
    /(^|[/-])(nginx-rtmp|rtmp[\w-]*|srs|mediamtx|rtsp-simple-server)$/i,
    "a streaming (RTMP/RTSP) server",
  ],
  [
    /(^|[/-])(logstash|fluentd|fluent-bit|vector|filebeat|promtail|telegraf|otel-collector|opentelemetry-collector[\w-]*|alloy)$/i,
    "a log or metrics shipper",
  ],
  [/(^|[/-])(wireguard|wg-easy|openvpn[\w-]*|tailscale|headscale-relay)$/i, "a VPN"],
  [/(^|[/-])(vsftpd|pure-ftpd|proftpd|samba|openssh-server|sftp)$/i, "a file transfer server"],
  [
    /(^|[/-])(minecraft-server|valheim-server|fivem|factorio|terraria[\w-]*|steamcmd|csgo|teamspeak|mumble-server|murmur)$/i,
    "a game or voice server",
  ],
  [/(^|[/-])(pebble|pebble-challtestsrv)$/i, "an ACME test server"],
];

/** Web servers a stack bundles in front of its own services. */
const WEB_SERVER_IMAGES =
  /^(nginx|nginxinc\/nginx-unprivileged|httpd|caddy|openresty\/openresty|openresty|haproxy|envoyproxy\/envoy|lighttpd)$/i;

/** Images named as a web server or proxy of their stack: `chocobozzz/peertube-webserver`. */
const WEB_SERVER_NAME =
  /(^|[-_])(nginx|webserver|web-server|httpd|caddy|haproxy|openresty|proxy)([-_]|$)/i;

/** Images that only hold a place: their name says nothing of what runs. */
const PLACEHOLDER_IMAGES =
  /^(alpine|busybox|ubuntu|debian|centos|fedora|scratch|hello-world|bash)$/i;

/** Names of the networks a reverse proxy owns: `proxy`, `traefik_proxy`, `nginx-proxy`, `web`. */
const PROXY_NETWORK_NAME = /proxy|traefik|caddy|nginx|web|edge|ingress|public|frontend/i;

/** True when a network's name says a reverse proxy owns it. */
export function proxyNetworkName(name: string): boolean {
  return PROXY_NETWORK_NAME.test(name);
}

/** Names of a stack's public entry. */
const ENTRY_NAME = /^(web|www|front|frontend|ui|webui|site|client|gateway)([-_]?\d+)?$/i;

/** Names and images of a stack's API or worker tier. */
const INNER_NAME =
  /(^|[-_/])(api|backend|worker|workers|queue|scheduler|cron|jobs?|sidekiq|celery|beat)([-_]?\d+)?$/i;

/** A service's image, `${VAR:-default}` read, with its repository and the repository's last segment. */
interface ImageFacts {
  text: string;
  repository: string;
  base: string;
}

/** Every rule of the table asks for the image: it is read once a service. */
function imageFacts(service: ServiceModel): ImageFacts | undefined {
  return memo(service, "image", () => {
    if (typeof service.data.image !== "string") return undefined;
    const text = interpolate(service.data.image, service.variables).text;
    const repository = imageRepository(text);
    return { text, repository, base: repository.slice(repository.lastIndexOf("/") + 1) };
  });
}

/** The image, with `${VAR:-default}` read. */
export function imageOf(service: ServiceModel): string | undefined {
  return imageFacts(service)?.text;
}

/**
 * The image's repository path without registry, tag or digest: `ghcr.io/immich-app/postgres:14`
 * is `immich-app/postgres`, `docker.io/library/redis:7` is `redis`.
 */
export function imageRepository(image: string): string {
  let name = image.split("@")[0];
  const lastSlash = name.lastIndexOf("/");
  const colon = name.indexOf(":", lastSlash + 1);
  if (colon !== -1) name = name.slice(0, colon);
  const parts = name.split("/");
  // a first part with a dot, a colon or `localhost` is a registry
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === "localhost")) parts.shift();
  if (parts[0] === "library") parts.shift();
  return parts.join("/").toLowerCase();
}

/** The repository's last segment: `bitnami/postgresql` is `postgresql`. */
export function imageBase(image: string): string {
  const repo = imageRepository(image);
  return repo.slice(repo.lastIndexOf("/") + 1);
}

function imageMatches(service: ServiceModel, pattern: RegExp): string | undefined {
  const image = imageFacts(service);
  if (!image) return undefined;
  return pattern.test(image.repository) || pattern.test(image.base) ? image.text : undefined;
}

/** A value as the service's environment or labels give it, `${...}` read. */
export interface ReadValue {
  text: string;
  /** It depends on a variable with no value here: the environment decides. */
  unknown: boolean;
}

function read(service: ServiceModel, raw: string | null | undefined): ReadValue | undefined {
  if (raw === undefined) return undefined;
  if (raw === null) return { text: "", unknown: true };
  const value = interpolate(raw, service.variables, "empty");
  return { text: value.text.trim(), unknown: value.unknown.length > 0 };
}

/**
 * An environment value as the container gets it. A key with no value (`VIRTUAL_HOST:`,
 * `- VIRTUAL_HOST`) passes the variable through from the environment Compose runs in: it has the
 * value the project's variables give it, else none.
 */
export function envValue(service: ServiceModel, key: string): ReadValue | undefined {
  const raw = service.environment.get(key);
  if (raw === null) {
    const passed = service.variables.get(key);
    return { text: passed?.trim() ?? "", unknown: false };
  }
  return read(service, raw);
}

export function labelValue(service: ServiceModel, key: string): ReadValue | undefined {
  return read(service, service.labels.get(key));
}

/** How a reverse proxy is asked to route to a service. */
export interface Routing {
  kind: ProxyKind;
  why: string;
  /** The host names and paths it answers, where it says them. */
  endpoints: Endpoint[];
  /** It depends on variables with no value here (`traefik.enable=${EXPOSED}`): it may route nothing. */
  uncertain: boolean;
}

/** A host name and the path under it that a routed service answers (`/` for the whole host). */
export interface Endpoint {
  host: string;
  path: string;
}

/** Host names and paths in a Traefik rule: `Host(\`a\`, \`b\`) && PathPrefix(\`/api\`)`. */
function traefikEndpoints(rule: string): Endpoint[] {
  const quoted = (args: string) => [...args.matchAll(/[`"']([^`"']+)[`"']/g)].map((m) => m[1]);
  const hosts = [...rule.matchAll(/\bHost\(([^)]*)\)/g)].flatMap((m) => quoted(m[1]));
  const path = [...rule.matchAll(/\bPath(?:Prefix)?\(([^)]*)\)/g)].flatMap((m) => quoted(m[1]))[0];
  return hosts.map((host) => ({ host, path: path ?? "/" }));
}

/**
 * How the service asks a reverse proxy to route to it: a `VIRTUAL_HOST` (or
 * `VIRTUAL_HOST_MULTIPORTS`) with a value, Traefik labels that enable a router, or
 * caddy-docker-proxy labels. Values are read with `${VAR:-default}`; an empty value routes nothing.
 */
export function routingOf(service: ServiceModel): Routing | undefined {
  for (const key of ["VIRTUAL_HOST", "VIRTUAL_HOST_MULTIPORTS"]) {
    const value = envValue(service, key);
    if (value && (value.text || value.unknown)) {
      const path = envValue(service, "VIRTUAL_PATH")?.text || "/";
      const endpoints =
        key === "VIRTUAL_HOST"
          ? value.text
              .split(",")
              .map((h) => h.trim())
              .filter(Boolean)
              .map((host) => ({ host, path }))
          : multiportEndpoints(value.text);
      return {
        kind: "nginx-proxy",
        why: `${key} environment (nginx-proxy)`,
        endpoints,
        uncertain: !value.text,
      };
    }
  }
  const traefikKeys = [...service.labels.keys()].filter((k) => k.startsWith("traefik."));
  if (traefikKeys.length) {
    const enable = labelValue(service, "traefik.enable");
    const rules = traefikKeys.filter((k) => /^traefik\.(http|tcp)\.routers\.[^.]+\.rule$/.test(k));
    const routes =
      enable?.text === "true" ||
      (enable === undefined &&
        (rules.length > 0 || traefikKeys.some((k) => /^traefik\.http\./.test(k))));
    const maybe = enable !== undefined && enable.unknown && !enable.text;
    if ((routes || maybe) && enable?.text !== "false") {
      const endpoints = rules.flatMap((k) => traefikEndpoints(labelValue(service, k)?.text ?? ""));
      return {
        kind: "traefik",
        why: maybe
          ? `traefik.* labels (traefik.enable=${service.labels.get("traefik.enable")})`
          : "traefik.* labels",
        endpoints,
        uncertain: maybe,
      };
    }
  }
  const caddy = labelValue(service, "caddy");
  const caddyKeys = [...service.labels.keys()].filter(
    (k) => k === "caddy" || /^caddy(_\d+)?(\.|$)/.test(k),
  );
  if (caddyKeys.length && (caddy === undefined || caddy.text || caddy.unknown)) {
    return {
      kind: "caddy",
      why: "caddy labels (caddy-docker-proxy)",
      endpoints: caddy?.text
        ? caddy.text
            .split(/[\s,]+/)
            .filter(Boolean)
            .map((host) => ({ host, path: "/" }))
        : [],
      uncertain: caddy !== undefined && !caddy.text,
    };
  }
  return undefined;
}

/** `VIRTUAL_HOST_MULTIPORTS` (YAML or JSON): each host, and each path under it (`/` when it names none). */
function multiportEndpoints(text: string): Endpoint[] {
  const doc = parseDocument(text, { logLevel: "silent" });
  const value: unknown = doc.errors.length ? undefined : doc.toJS();
  if (!value || typeof value !== "object" || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([host, paths]) => {
    const named =
      paths && typeof paths === "object" && !Array.isArray(paths)
        ? Object.keys(paths).filter((p) => p.startsWith("/"))
        : [];
    return (named.length ? named : ["/"]).map((path) => ({ host, path }));
  });
}

/**
 * Routing written for the user to fill in: a `VIRTUAL_HOST` with an empty value, or passed
 * through from an environment that gives it none. It routes nothing yet, but says where the
 * author meant the proxy to go.
 */
export function emptyRouting(service: ServiceModel): string | undefined {
  if (!service.environment.has("VIRTUAL_HOST")) return undefined;
  const value = envValue(service, "VIRTUAL_HOST");
  if (!value || value.text || value.unknown) return undefined;
  return service.environment.get("VIRTUAL_HOST") === null
    ? "VIRTUAL_HOST passed through from an environment that gives it no value"
    : "an empty VIRTUAL_HOST";
}

/** The service tells the proxy not to route to it (`traefik.enable=false`). */
export function routingDisabled(service: ServiceModel): boolean {
  return labelValue(service, "traefik.enable")?.text === "false";
}

/** The container ports the proxy sends a routed service's traffic to, where the service says so. */
export function carriedPorts(service: ServiceModel, routing: Routing | undefined): number[] {
  const out = new Set<number>();
  const port = (text: string | undefined) => {
    const n = Number(/^\s*(\d+)\s*$/.exec(text ?? "")?.[1]);
    if (Number.isInteger(n) && n > 0) out.add(n);
  };
  if (!routing || routing.kind === "nginx-proxy") {
    port(envValue(service, "VIRTUAL_PORT")?.text);
    const multi = envValue(service, "VIRTUAL_HOST_MULTIPORTS")?.text ?? "";
    for (const m of multi.matchAll(/^\s+["']?[^:\s"']*["']?\s*:\s*["']?(\d+)["']?/gm)) port(m[1]);
  }
  if (!routing || routing.kind === "traefik") {
    for (const key of service.labels.keys()) {
      if (/^traefik\.http\.services\.[^.]+\.loadbalancer\.server\.port$/.test(key)) {
        port(labelValue(service, key)?.text);
      }
    }
  }
  if (!routing || routing.kind === "caddy") {
    for (const key of service.labels.keys()) {
      if (!/^caddy(_\d+)?\.reverse_proxy$/.test(key)) continue;
      for (const m of (labelValue(service, key)?.text ?? "").matchAll(
        /upstreams\s+(?:https?\s+)?(\d+)/g,
      ))
        port(m[1]);
    }
  }
  return [...out];
}

/**
 * A data store by its image, its data directory or the server its command starts, whatever else
 * the service says.
 */
export function dataStoreEvidence(service: ServiceModel): string | undefined {
  if (mqttBroker(service)) return undefined;
  const image = imageMatches(service, DATA_STORE_IMAGES);
  if (image) return `data store image ${image}`;
  const base = imageOf(service) && imageBase(imageOf(service)!);
  if (base && /[-_]db$/.test(base)) return `data store image ${imageOf(service)} (named as one)`;
  const volume = dataVolume(service);
  if (volume) return `keeps its data in ${volume}`;
  const server = startedServer(service);
  if (server) return `its command starts ${server}`;
  return undefined;
}

/** The MQTT broker a service runs, by its image (Mosquitto, EMQX, VerneMQ, HiveMQ, NanoMQ). */
export function mqttBroker(service: ServiceModel): string | undefined {
  return imageMatches(service, MQTT_BROKER_IMAGES);
}

/**
 * The data-store server a container's command or entrypoint starts (`redis-server --appendonly
 * yes`, `sh -c "mongod --bind_ip_all"`): the program it runs, whatever the image.
 */
function startedServer(service: ServiceModel): string | undefined {
  for (const key of ["entrypoint", "command"] as const) {
    const value = service.data[key];
    const words =
      typeof value === "string"
        ? value.trim().split(/\s+/)
        : Array.isArray(value)
          ? value.map((w) => String(w ?? ""))
          : [];
    // `sh -c "redis-server ..."`: the program the shell runs
    const shell = /^(\/bin\/)?(ba)?sh$/.test(words[0] ?? "") && /^-\w*c$/.test(words[1] ?? "");
    const program = (shell ? words.slice(2).join(" ").trim().split(/\s+/)[0] : words[0]) ?? "";
    const path = program.replace(/^["']/, "");
    const name = path.slice(path.lastIndexOf("/") + 1);
    if (DATA_STORE_SERVERS.test(name)) return name;
  }
  return undefined;
}

export function isDataStore(service: ServiceModel): boolean {
  return dataStoreEvidence(service) !== undefined;
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
    if (DATA_DIRS.includes(clean) || BITNAMI_DATA_DIR.test(clean)) return clean;
  }
  return undefined;
}

/** A data store's set-up variable the service sets, if any. */
export function setupVariable(service: ServiceModel): string | undefined {
  return [...service.environment.keys()].find((k) => DATA_ENV.test(k));
}

/** A name that says data store, on a service whose image says nothing (a placeholder, or none). */
export function dataStoreByName(service: ServiceModel): boolean {
  return DATA_STORE_NAME.test(service.name) && saysNothing(service);
}

/** The service's image says nothing of what runs: a placeholder image, or only a build. */
export function saysNothing(service: ServiceModel): boolean {
  const image = imageOf(service);
  return image === undefined || PLACEHOLDER_IMAGES.test(imageRepository(image));
}

/** Why a service is the host's reverse proxy or one of its companions, if it is. */
export function proxyEvidence(service: ServiceModel): string | undefined {
  const image = imageMatches(service, PROXY_IMAGES);
  if (image) return `reverse proxy image ${image}`;
  const label = [...service.labels.keys()].find(
    (l) => COMPANION_LABELS.includes(l) || l.startsWith("com.github.nginx-proxy."),
  );
  if (label && isWebServer(service)) {
    return `the nginx that nginx-proxy's companions configure (label ${label})`;
  }
  // an nginx-proxy built from the stack's own Dockerfile says so by what it carries
  if (label && imageOf(service) === undefined && service.data.build !== undefined) {
    return `an nginx-proxy built here (label ${label})`;
  }
  const web = publishedWebPorts(service);
  if (web.length && mounts(service).some((m) => m.target === "/tmp/docker.sock")) {
    return `reads the containers from /tmp/docker.sock as nginx-proxy does, and publishes ${web.join(", ")}`;
  }
  return undefined;
}

/** The edge ports (80, 443) the service publishes beyond the host. */
function publishedWebPorts(service: ServiceModel): number[] {
  const ports = service.ports
    .filter((p) => !p.loopback && p.protocol === "tcp")
    .map((p) => p.containerPort);
  return [80, 443].filter((p) => ports.includes(p));
}

/** A volume of the service: where it comes from (a named volume or a host path) and where it goes. */
export interface Mount {
  source: string | undefined;
  target: string;
}

/** The service's volumes, short and long syntax, `${VAR:-default}` read. */
export function mounts(service: ServiceModel): Mount[] {
  const volumes = Array.isArray(service.data.volumes) ? service.data.volumes : [];
  return volumes.flatMap((volume): Mount[] => {
    if (volume && typeof volume === "object") {
      const v = volume as Record<string, unknown>;
      if (typeof v.target !== "string") return [];
      const source = typeof v.source === "string" ? v.source : undefined;
      return [{ source: source && readPath(service, source), target: clean(v.target) }];
    }
    const parts = interpolate(String(volume), service.variables).text.split(":");
    if (parts.length === 1) return [{ source: undefined, target: clean(parts[0]) }];
    return [{ source: readPath(service, parts[0]), target: clean(parts[1]) }];
  });
}

function readPath(service: ServiceModel, path: string): string {
  return clean(interpolate(path, service.variables).text);
}

function clean(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** Where a system keeps the certificates it trusts: a client's, not a server's own. */
const TRUST_STORE =
  /^\/(etc\/ssl\/certs|etc\/pki|usr\/local\/share\/ca-certificates|usr\/share\/ca-certificates)(\/|$)|ca-certificates/i;

/** A directory named for certificates: `/etc/letsencrypt`, `/etc/nginx/certs`, `/etc/nginx/ssl`. */
const CERT_DIR = /^(certs?|certificates|letsencrypt|ssl|tls|acme)$/i;

/** The certificate or key the service mounts to serve TLS itself, if it mounts one. */
function servedCertificate(service: ServiceModel): string | undefined {
  const found = mounts(service).flatMap(({ target }) => {
    const last = target.slice(target.lastIndexOf("/") + 1);
    return !TRUST_STORE.test(target) && (/\.(pem|crt|key)$/i.test(last) || CERT_DIR.test(last))
      ? [target]
      : [];
  });
  // the certificate itself says it best; Diffie-Hellman parameters come with one
  return found.find((t) => !/dhparam/i.test(t)) ?? found[0];
}

/** ACME clients by image: certbot, acme.sh, lego. */
const ACME_IMAGES = /^(certbot|certbot\/[\w-]+|acme\.sh|neilpang\/acme\.sh|goacme\/lego)$/i;

/** The ACME client a service runs (by its image or its command), if it runs one. */
export function acmeClient(service: ServiceModel): string | undefined {
  const image = imageMatches(service, ACME_IMAGES);
  if (image) return image;
  const words = [service.data.entrypoint, service.data.command]
    .flat()
    .map((w) => String(w ?? ""))
    .join(" ");
  const run = ACME_COMMAND.exec(words);
  return run ? (run[1] ?? run[2] ?? run[3]) : undefined;
}

/** A command that obtains or renews certificates. */
const ACME_COMMAND =
  /\b(certbot)\s+(?:renew|certonly)\b|\b(acme\.sh)\b.*--(?:issue|cron|renew)\b|\b(lego)\b.*\b(?:run|renew)\b/;

/** Volumes two services share: the same named volume or host path. */
function sharedSources(a: ServiceModel, b: ServiceModel): string[] {
  const theirs = new Set(mounts(b).flatMap((m) => (m.source ? [m.source] : [])));
  return mounts(a).flatMap((m) => (m.source && theirs.has(m.source) ? [m.source] : []));
}

/**
 * Why a service is its stack's own TLS edge, if it is: a web server (by its image) that
 * publishes 443 and terminates TLS itself (it mounts a certificate, a key or a certificate
 * directory, or an ACME client of the stack shares its webroot or certificates). A host proxy
 * would replace it rather than route to it. A web server that only publishes 80/443 is its
 * stack's entry, not an edge.
 */
export function tlsEdge(service: ServiceModel, model: ComposeModel): string | undefined {
  if (!publishedWebPorts(service).includes(443) || routingOf(service)) return undefined;
  // an app that serves TLS itself (GitLab's omnibus image) is what a proxy would route to
  if (!isWebServer(service) && !WEB_SERVER_NAME.test(imageBase(imageOf(service) ?? ""))) {
    return undefined;
  }
  const cert = servedCertificate(service);
  if (cert) return `publishes 443 and serves TLS itself (mounts ${cert})`;
  for (const other of model.services) {
    if (other === service) continue;
    const client = acmeClient(other);
    const shared = client ? sharedSources(service, other) : [];
    if (shared.length) {
      return `publishes 443 and serves TLS itself: \`${other.name}\` (${client}) gets its certificates through ${shared[0]}`;
    }
  }
  return undefined;
}

/**
 * The stack's TLS edge or proxy whose certificates an ACME client obtains (it shares a volume
 * with it), if the service is such a client.
 */
export function acmeCompanionOf(service: ServiceModel, model: ComposeModel): string | undefined {
  const client = acmeClient(service);
  if (!client) return undefined;
  for (const other of model.services) {
    if (other === service || !sharedSources(service, other).length) continue;
    if (tlsEdge(other, model) || proxyEvidence(other)) return other.name;
  }
  return undefined;
}

/** Named like the host's proxy with no image or build to tell otherwise: its image comes from another file. */
export function proxyByName(service: ServiceModel): boolean {
  return (
    imageOf(service) === undefined &&
    service.data.build === undefined &&
    /(^|[-_])(nginx-proxy|traefik|caddy-docker-proxy|acme-companion|docker-gen|dockergen)([-_]|$)/i.test(
      service.name,
    )
  );
}

/** What non-HTTP server a service is, by its image, if it is one. */
export function nonHttpServer(service: ServiceModel): string | undefined {
  const image = imageOf(service);
  if (!image) return undefined;
  const repo = imageRepository(image);
  for (const [pattern, what] of NON_HTTP_IMAGES) if (pattern.test(repo)) return what;
  return undefined;
}

/** True when the service's image is a web server a stack bundles (nginx, httpd, Caddy, ...). */
export function isWebServer(service: ServiceModel): boolean {
  return imageMatches(service, WEB_SERVER_IMAGES) !== undefined;
}

/** A container that runs scheduled jobs: cron in its command, entrypoint or name. */
export function isCron(service: ServiceModel): boolean {
  const words = [service.data.command, service.data.entrypoint].flat().map((w) => String(w ?? ""));
  return (
    /(^|[-_])cron($|[-_])|ofelia/i.test(service.name) ||
    words.some((w) => /\bcron(d|\.sh|tab)?\b|supercronic/.test(w))
  );
}

export function isEntryName(name: string): boolean {
  return ENTRY_NAME.test(name);
}

/** Named (or imaged) like an inner tier: an API, a worker, a queue. */
export function isInnerName(service: ServiceModel): boolean {
  const image = imageOf(service);
  return (
    INNER_NAME.test(service.name) || (image !== undefined && INNER_NAME.test(imageBase(image)))
  );
}

/**
 * Routing the author left commented out inside the service's block (`#labels: - traefik.http.routers...`,
 * `# - VIRTUAL_HOST=...`): the service they meant the proxy to reach.
 */
export function commentedRouting(model: ComposeModel, service: ServiceModel): boolean {
  if (!fileMentions(model, COMMENTED_ROUTING)) return false;
  const text = blockText(model, service);
  if (!/traefik\.http\.routers|VIRTUAL_HOST|caddy\.reverse_proxy/.test(text)) return false;
  return commentsIn(text).some((c) =>
    /traefik\.http\.routers\.[^.]+\.rule|VIRTUAL_HOST\s*[=:]\s*\S|caddy\.reverse_proxy/.test(c),
  );
}

const COMMENTED_ROUTING = /#.*(traefik\.http\.routers|VIRTUAL_HOST|caddy\.reverse_proxy)/;
const COMMENTED_PORTS = /#\s*ports\s*:/;

/** Whether the file's text holds a match at all: one look per file, before any per service. */
function fileMentions(model: ComposeModel, pattern: RegExp): boolean {
  return memo(model.file, pattern, () => pattern.test(model.file.source.text));
}

/** The text of a service's block in its file, with the comments after its last key. */
function blockText(model: ComposeModel, service: ServiceModel): string {
  const node = service.node;
  const pair = service.pair;
  if (!node?.range || !pair?.key) return "";
  const start = (pair.key as { range?: number[] }).range?.[0] ?? node.range[0];
  // the block runs to the next service's key; comments after its last key belong to it, up to
  // a service that is commented out whole (`#  caddy:`): what follows is that service's
  const end = nextServiceStart(model, service) ?? node.range[2];
  const text = model.file.source.text.slice(start, end);
  const column = start - model.file.source.text.lastIndexOf("\n", start - 1) - 1;
  const firstLine = text.indexOf("\n");
  if (firstLine === -1) return text;
  const rest = text.slice(firstLine + 1);
  let offset = 0;
  for (const line of rest.split("\n")) {
    if (commentedServiceKey(line, column)) return text.slice(0, firstLine + 1 + offset);
    offset += line.length + 1;
  }
  return text;
}

/**
 * A comment line that holds a key at (or left of) the services' column, as a service commented
 * out whole reads: `  # caddy:` (toggled at its indentation) or `#  caddy:` (`#` put in front).
 */
function commentedServiceKey(line: string, column: number): boolean {
  const m = /^(\s*)#( ?)(\s*)[\w.-]+:\s*(#.*)?\r?$/.exec(line);
  if (!m) return false;
  // the line as it reads with its `#` (and one space after it) taken out
  return m[1].length + m[3].length <= column;
}

const PORT_ITEM = /^-?\s*["']?((?:[\w.${}:-]+:)?[\w${}:-]+(?:\/(?:tcp|udp))?)["']?\s*$/;

/**
 * Ports left commented out in the service's block (`# ports:` then `#   - "8080:80"`, or
 * `# ports: ["8080:80"]`, as composemod comments them out): what it published before.
 */
export function commentedPorts(model: ComposeModel, service: ServiceModel): PortSpec[] {
  if (!fileMentions(model, COMMENTED_PORTS)) return [];
  const text = blockText(model, service);
  if (!/#\s*ports\s*:/.test(text)) return [];
  const out: PortSpec[] = [];
  let inPorts = false;
  for (const comment of commentsIn(text)) {
    const body = comment.replace(/^#+\s?/, "").trim();
    const flow = /^ports\s*:\s*\[(.*)\]\s*$/.exec(body);
    if (flow) {
      for (const item of flow[1].split(",")) {
        const m = PORT_ITEM.exec(item.trim());
        if (m) out.push(parsePort(m[1], service.variables));
      }
      inPorts = false;
    } else if (/^ports\s*:\s*$/.test(body)) inPorts = true;
    else {
      const m = inPorts && body.startsWith("-") ? PORT_ITEM.exec(body) : null;
      if (m) out.push(parsePort(m[1], service.variables));
      else if (!body.startsWith("#")) inPorts = false;
    }
  }
  return out;
}

function nextServiceStart(model: ComposeModel, service: ServiceModel): number | undefined {
  const positions = memo(model, "positions", () => new Map(model.services.map((s, i) => [s, i])));
  const index = positions.get(service) ?? -1;
  for (let i = index + 1; i < model.services.length; i++) {
    const key = model.services[i].pair?.key as { range?: number[] } | undefined;
    if (key?.range) return key.range[0];
  }
  return undefined;
}

/** Container ports a reverse proxy typically routes HTTP to. */
export const HTTP_PORTS = new Set([
  80, 443, 2368, 3000, 3001, 4000, 5000, 5001, 5601, 5678, 8000, 8008, 8080, 8081, 8082, 8083, 8088,
  8090, 8096, 8443, 8888, 9000, 9001, 9080, 9443,
]);

/** Well-known ports of protocols an HTTP reverse proxy does not carry (ssh, mail, dns, mqtt, ...). */
export const NON_HTTP_PORTS = new Set([
  21, 22, 23, 25, 53, 67, 69, 110, 123, 143, 161, 162, 389, 465, 514, 587, 636, 993, 995, 1194,
  1883, 1935, 2222, 3306, 3478, 5222, 5269, 5349, 5432, 5044, 6379, 8883, 9229, 9230, 11211, 24224,
  27017, 50001, 51820,
]);

function tcp(ports: PortSpec[]): PortSpec[] {
  return ports.filter((p) => p.protocol === "tcp" && p.containerPort !== undefined);
}

/** The first typical web port among the ports, if any. */
export function typicalWebPort(ports: PortSpec[]): number | undefined {
  return tcp(ports).find((p) => HTTP_PORTS.has(p.containerPort!))?.containerPort;
}

/** The first TCP port that is not a known port of another protocol, if any. */
export function possibleWebPort(ports: PortSpec[]): number | undefined {
  return tcp(ports).find((p) => !NON_HTTP_PORTS.has(p.containerPort!))?.containerPort;
}

/** The services a service depends on or links to, by name. */
export function dependencies(service: ServiceModel): string[] {
  const out: string[] = [];
  const deps = service.data.depends_on;
  if (Array.isArray(deps)) out.push(...deps.map(String));
  else if (deps && typeof deps === "object") out.push(...Object.keys(deps));
  if (Array.isArray(service.data.links))
    out.push(...service.data.links.map((l) => String(l).split(":")[0]));
  return out;
}

/** True when every network the service is on is `internal: true`: nothing outside reaches it. */
export function unreachable(model: ComposeModel, service: ServiceModel): boolean {
  const list = service.membership ?? [];
  if (list.length === 0) return false;
  return list.every((m) => {
    const cfg = (model.file.data.networks as Record<string, unknown> | undefined)?.[m.key];
    return !!cfg && typeof cfg === "object" && (cfg as Record<string, unknown>).internal === true;
  });
}

/** Admin tools for a data store: the entry only where nothing else is. */
const ADMIN_TOOL =
  /(^|[/-])(phpmyadmin|adminer|pgadmin4?|mongo-express|redis-commander|redisinsight|dbgate|cloudbeaver)$/i;

/** An admin tool for a data store, by its image. */
export function adminTool(service: ServiceModel): boolean {
  const image = imageOf(service);
  return image !== undefined && ADMIN_TOOL.test(imageRepository(image));
}
