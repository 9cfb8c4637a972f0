import type { ComposeModel, ServiceModel } from "../../compose/model";
import { interpolate } from "../../compose/values";

/** The names by which a project's containers answer: service names, container names, host names, aliases. */
export function projectHostNames(model: ComposeModel): Set<string> {
  const names = new Set<string>();
  for (const s of model.services) {
    names.add(s.name);
    for (const key of ["container_name", "hostname"]) {
      const value = s.data[key];
      if (typeof value === "string") names.add(interpolate(value, s.variables).text);
    }
    for (const m of s.membership ?? []) {
      const aliases = m.settings?.aliases;
      if (Array.isArray(aliases)) for (const a of aliases) names.add(String(a));
    }
    const links = Array.isArray(s.data.links) ? s.data.links : [];
    for (const link of links) {
      const [, alias] = String(link).split(":");
      if (alias) names.add(alias);
    }
  }
  return names;
}

/** Keys that name the service itself or where it listens, not a host it connects to. */
const NOT_A_CONNECTION =
  /^(HOSTNAME|VIRTUAL_\w+|LETSENCRYPT_\w+)$|LISTEN|BIND|PUBLIC|EXTERNAL|DOMAIN|EMAIL|MAIL_FROM|TRUSTED|ALLOWED|CORS|REDIRECT|CALLBACK|WEBHOOK|SITE_URL|BASE_URL|APP_URL/i;

/** Keys whose values name a host a service connects to. */
const CONNECTION_KEY =
  /(HOST|HOSTNAME|HOSTS|SERVER|SERVERS|ADDR|ADDRESS|ENDPOINT|URL|URI|DSN|BROKER|BROKERS)$/i;

/** Keys of a connection to a data store: with no value here, they likely name one outside the project. */
const DATA_STORE_KEY =
  /(^|_)(DB|DATABASE|POSTGRES|POSTGRESQL|PG|MYSQL|MARIADB|MONGO|MONGODB|REDIS|VALKEY|CACHE|AMQP|RABBITMQ|KAFKA|ELASTIC|ELASTICSEARCH|MEILI|CLICKHOUSE|INFLUX)(_|$)/i;

/** The part of a value that names a host: a URL's host, else the value before a port. */
function hostPart(value: string): string {
  const text = value.trim();
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]*\]|\$\{[^}]*\}|[^:/?#,]+)/i.exec(text);
  if (url) return url[1];
  return text
    .split(",")[0]
    .trim()
    .replace(/:(\d+|\$\{[^}]*\})$/, "");
}

/** A host a value names: `name`, `name:port`, or the host of a URL; none for addresses and domains. */
function hostOf(value: string): string | undefined {
  const text = hostPart(value);
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(text)) return undefined;
  // a number, a flag's value or a single letter (`ONLY_MAILCOW_HOSTNAME=n`) names no container
  if (
    /^\d+$/.test(text) ||
    text.length < 2 ||
    /^(localhost|true|false|yes|no|on|off|null|none|nil|auto|default|disabled?|enabled?)$/i.test(
      text,
    )
  )
    return undefined;
  return text;
}

/** A name another project's container may answer to, and the environment entry or link that names it. */
export interface ForeignReference {
  host: string;
  /** `environment DB_HOST`, `links`, `external_links`, or the key of a value the environment decides. */
  via: string;
  /** The value depends on a variable with no value here. */
  unknown: boolean;
}

/**
 * The hosts a service reaches that its own project does not define: names in connection-like
 * environment values (`DB_HOST=postgres`, `redis://cache:6379`), `links` and `external_links`.
 * Such a host can only be another project's container on a network they share. A data-store
 * connection whose host the environment decides (`DB_HOST=${PANEL_DB_HOST}`) counts when the
 * project has no data store of its own.
 */
export function foreignReferences(
  service: ServiceModel,
  own: ReadonlySet<string>,
  projectHasDataStore: boolean,
): ForeignReference[] {
  const out: ForeignReference[] = [];
  for (const [key, raw] of service.environment) {
    if (raw === null || !CONNECTION_KEY.test(key) || NOT_A_CONNECTION.test(key)) continue;
    const value = interpolate(raw, service.variables);
    const host = hostOf(value.text);
    // the host is a variable with no value here: the environment decides where it connects
    const unknownHost = value.unknown.length > 0 && /\$/.test(hostPart(value.text));
    if (unknownHost) {
      if (!projectHasDataStore && DATA_STORE_KEY.test(key)) {
        out.push({ host: hostPart(value.text), via: `environment ${key}`, unknown: true });
      }
      continue;
    }
    if (host && !own.has(host)) out.push({ host, via: `environment ${key}`, unknown: false });
  }
  for (const kind of ["links", "external_links"] as const) {
    const links = Array.isArray(service.data[kind]) ? (service.data[kind] as unknown[]) : [];
    for (const link of links) {
      const host = String(link).split(":")[0];
      if (kind === "external_links" || !own.has(host))
        out.push({ host, via: kind, unknown: false });
    }
  }
  return out;
}
