import type { ComposeModel, ServiceModel } from "../compose/model";
import { parsePort } from "../compose/ports";
import { normalizeProjectName } from "../compose/project-name";
import type { Warning } from "../report/warning";
import {
  acmeCompanionOf,
  commentedPorts,
  commentedRouting,
  dataStoreByName,
  dataStoreEvidence,
  emptyRouting,
  imageOf,
  imageRepository,
  isCron,
  isEntryName,
  isInnerName,
  isWebServer,
  mqttBroker,
  nonHttpServer,
  possibleWebPort,
  proxyByName,
  proxyEvidence,
  ProxyKind,
  proxyNetworkName,
  Routing,
  routingDisabled,
  routingOf,
  saysNothing,
  setupVariable,
  tlsEdge,
  typicalWebPort,
} from "./evidence";

/** The part a service plays in its project; decides where it ends up. */
export type Role = "app" | "database" | "backend" | "proxy" | "skipped" | "ignore";

export const ROLES: readonly Role[] = ["app", "database", "backend", "proxy", "skipped", "ignore"];

/** Roles a user can give a service with `x-composemod: {role}`, a flag or the configuration. */
export const EXPLICIT_ROLES = ["app", "database", "backend", "ignore"] as const;
export type ExplicitRole = (typeof EXPLICIT_ROLES)[number];

/** Where a role given by the user comes from. */
export type RoleSource =
  { kind: "flag"; flag: string } | { kind: "config"; file: string; key: string };

export interface RoleOverride {
  role: ExplicitRole;
  source: RoleSource;
}

/** Roles given by the user: `service` or `project/service` -> role and where it was given. */
export type RoleOverrides = ReadonlyMap<string, RoleOverride>;

/** The code of the rule of the decision table that decided a service's role. */
export type RuleCode =
  | "flag"
  | "config"
  | "x-composemod"
  | "network-mode"
  | "proxy"
  | "proxy-companion"
  | "proxy-name"
  | "tls-edge"
  | "acme-companion"
  | "mqtt-broker"
  | "database"
  | "database-check"
  | "database-setup"
  | "database-name"
  | "routed"
  | "routing-shared"
  | "commented-routing"
  | "empty-routing"
  | "edge-target"
  | "proxy-network"
  | "web-port"
  | "loopback-web-port"
  | "web-server"
  | "only-port"
  | "entry-name"
  | "sole-service"
  | "behind-front"
  | "not-http"
  | "scheduled"
  | "unreachable"
  | "backend";

export interface Classification {
  role: Role;
  /** The rule that decided it. */
  rule: RuleCode;
  /** Why, in words a person reads: what the rule saw. */
  reason: string;
  /** How a reverse proxy finds this service, when it says so itself. */
  routing?: ProxyKind;
  /** The routing depends on variables with no value here: it may route nothing. */
  routingUncertain?: boolean;
}

type Decision = Omit<Classification, "rule">;

/** What the project as a whole says, which some rules weigh a service against. */
export interface ProjectEvidence {
  project: string;
  overrides: RoleOverrides;
  model: ComposeModel;
  /** Services the proxy routes to, with what asks for it. */
  routed: ReadonlyMap<string, Routing>;
  /** Routed services that give way to another service answering the same host, with that service. */
  sharedHost: ReadonlyMap<string, { host: string; winner: string }>;
  /** Without routing in the project: the services elected as its entry, each with the rule and reason. */
  elected: ReadonlyMap<string, { rule: RuleCode; reason: string }>;
  /** Services another candidate for the entry depends on: they sit behind it. */
  behind: ReadonlyMap<string, string>;
}

/** One row of the decision table: the first row that matches a service decides its role. */
export interface RoleRule {
  code: RuleCode;
  role: Role | "given";
  /** The rule in a sentence, as the README's decision table shows it. */
  summary: string;
  match(service: ServiceModel, project: ProjectEvidence): Decision | undefined;
}

/**
 * The role the user gave the service: `project/service` or `service`; a flag wins over the
 * configuration, and a name with its project over one without.
 */
function override(service: ServiceModel, project: ProjectEvidence): RoleOverride | undefined {
  const own = normalizeProjectName(project.project);
  let best: { given: RoleOverride; rank: number } | undefined;
  for (const [name, given] of project.overrides) {
    const slash = name.lastIndexOf("/");
    const qualified = slash !== -1;
    const matches = qualified
      ? name.slice(slash + 1) === service.name && normalizeProjectName(name.slice(0, slash)) === own
      : name === service.name;
    if (!matches) continue;
    const rank = (given.source.kind === "flag" ? 2 : 0) + (qualified ? 1 : 0);
    if (!best || rank > best.rank) best = { given, rank };
  }
  return best?.given;
}

function sourceText(source: RoleSource): string {
  return source.kind === "flag"
    ? `set on the command line (${source.flag})`
    : `set in ${source.file} (${source.key})`;
}

/** Data-store ports a server publishes or exposes: with set-up variables, evidence of a server. */
const DATA_STORE_PORTS = new Set([1433, 3306, 5432, 6379, 9042, 11211, 27017]);

/**
 * A data store's own health check run against itself (`pg_isready -h 127.0.0.1`, `mysqladmin
 * ping`, `redis-cli ping`): a client checks the host it connects to, a server checks itself.
 */
function selfCheck(service: ServiceModel): string | undefined {
  const test = (service.data.healthcheck as { test?: unknown } | undefined)?.test;
  const words = [test]
    .flat()
    .map((w) => String(w ?? ""))
    .join(" ");
  const tool = SELF_CHECK_TOOL.exec(words)?.[1];
  if (!tool) return undefined;
  const host =
    /(?:\s-h\s*|--host[ =])["']?([^\s"']+)/.exec(words)?.[1] ??
    /\b(?:redis|rediss|mongodb|postgres(?:ql)?|mysql):\/\/(?:[^@/\s]*@)?([^:/\s]+)/.exec(
      words,
    )?.[1];
  return host === undefined || /^(127\.0\.0\.1|localhost|::1)$/.test(host) ? tool : undefined;
}

/** A data store's own client run as a command (not a word inside a URL or a name). */
const SELF_CHECK_TOOL =
  /(?:^|[\s;&|'"(])(pg_isready|mysqladmin|mariadb-admin|redis-cli|valkey-cli|keydb-cli|mongosh|mongo|cqlsh)(?=\s|$)/;

function listensOnDataStorePort(service: ServiceModel): number | undefined {
  const exposed = Array.isArray(service.data.expose) ? service.data.expose : [];
  const ports = [
    ...service.ports.map((p) => p.containerPort),
    ...exposed.map((e) => Number(/^\s*(\d+)/.exec(String(e))?.[1])),
  ];
  return ports.find((p) => p !== undefined && DATA_STORE_PORTS.has(p));
}

/**
 * The decision table, in order. The first rule that matches a service gives it its role and its
 * reason; `--explain` and the JSON report show the rule's code with the reason.
 */
export const ROLE_RULES: readonly RoleRule[] = [
  {
    code: "flag",
    role: "given",
    summary: "a role flag (--app, --database, --backend, --ignore-service) names the service",
    match(service, project) {
      const given = override(service, project);
      if (given?.source.kind !== "flag") return undefined;
      return { role: given.role, reason: sourceText(given.source) };
    },
  },
  {
    code: "config",
    role: "given",
    summary: "the configuration file gives the service a role",
    match(service, project) {
      const given = override(service, project);
      if (given?.source.kind !== "config") return undefined;
      return { role: given.role, reason: sourceText(given.source) };
    },
  },
  {
    code: "x-composemod",
    role: "given",
    summary: "the service says `x-composemod: {role: ...}`",
    match(service) {
      const ext = service.data["x-composemod"];
      const role =
        ext && typeof ext === "object" ? (ext as Record<string, unknown>).role : undefined;
      if (typeof role !== "string" || !(EXPLICIT_ROLES as readonly string[]).includes(role)) {
        return undefined;
      }
      return { role: role as ExplicitRole, reason: "set in the file (x-composemod.role)" };
    },
  },
  {
    code: "network-mode",
    role: "skipped",
    summary: "`network_mode` is set: the service cannot join networks",
    match(service) {
      if (service.data.network_mode == null) return undefined;
      return {
        role: "skipped",
        reason: `network_mode: ${String(service.data.network_mode)} (it cannot join networks)`,
      };
    },
  },
  {
    code: "proxy",
    role: "proxy",
    summary:
      "the host's reverse proxy or a companion by image: nginx-proxy, docker-gen, acme-companion, Traefik, caddy-docker-proxy, Nginx Proxy Manager, SWAG; or an nginx-proxy built here (its companion label, or /tmp/docker.sock with 80/443 published)",
    match(service) {
      const why = proxyEvidence(service);
      return why ? { role: "proxy", reason: why } : undefined;
    },
  },
  {
    code: "proxy-companion",
    role: "proxy",
    summary: "the nginx that a docker-gen or acme-companion of the stack configures",
    match(service, project) {
      const companion = configuringCompanion(service, project.model);
      if (!companion) return undefined;
      return {
        role: "proxy",
        reason: `the nginx that \`${companion}\` configures (it discovers other projects' containers)`,
      };
    },
  },
  {
    code: "proxy-name",
    role: "proxy",
    summary:
      "named like the host's proxy, with no image or build of its own (it comes from another file)",
    match(service) {
      if (!proxyByName(service)) return undefined;
      return {
        role: "proxy",
        reason: "named like a reverse proxy, with no image or build to tell otherwise",
      };
    },
  },
  {
    code: "tls-edge",
    role: "proxy",
    summary:
      "the stack's own TLS edge: publishes 443 and serves TLS itself (a certificate, key or certificate directory, or an ACME client sharing its volumes); a host proxy would replace it",
    match(service, project) {
      const why = tlsEdge(service, project.model);
      if (!why) return undefined;
      return {
        role: "proxy",
        reason: `the stack's own TLS edge: ${why}; a host proxy would replace it, not route to it`,
      };
    },
  },
  {
    code: "acme-companion",
    role: "proxy",
    summary:
      "an ACME client (certbot, acme.sh, lego) that shares its volumes with the stack's TLS edge or proxy",
    match(service, project) {
      const edge = acmeCompanionOf(service, project.model);
      if (!edge) return undefined;
      return {
        role: "proxy",
        reason: `obtains the certificates of \`${edge}\`, the stack's TLS edge: part of that edge`,
      };
    },
  },
  {
    code: "mqtt-broker",
    role: "backend",
    summary:
      "an MQTT broker (Mosquitto, EMQX, VerneMQ, HiveMQ, NanoMQ): it serves devices outside Docker, so its ports stay",
    match(service) {
      const image = mqttBroker(service);
      if (!image) return undefined;
      return {
        role: "backend",
        reason: `an MQTT broker (${image}): it serves devices outside Docker, so its published ports stay; no web proxy carries its traffic`,
      };
    },
  },
  {
    code: "database",
    role: "database",
    summary:
      "a data store by its image, its data directory or the server its command starts: SQL and NoSQL servers, caches, search, time-series and log stores, object stores, brokers, connection poolers",
    match(service) {
      const why = dataStoreEvidence(service);
      return why ? { role: "database", reason: why } : undefined;
    },
  },
  {
    code: "database-check",
    role: "database",
    summary:
      "checks itself with a data store's own client (pg_isready, mysqladmin ping, redis-cli ping) against its own host",
    match(service) {
      const check = selfCheck(service);
      if (!check) return undefined;
      const port = listensOnDataStorePort(service);
      const listens = port !== undefined ? `listens on ${port} and ` : "";
      return {
        role: "database",
        reason: `${listens}checks itself with ${check} (a client would check the host it connects to)`,
      };
    },
  },
  {
    code: "database-setup",
    role: "database",
    summary:
      "a data store's set-up variables with a data-store name or port (clients carry such variables too)",
    match(service) {
      const port = listensOnDataStorePort(service);
      const variable = setupVariable(service);
      if (!variable) return undefined;
      if (port === undefined && !dataStoreByName(service)) return undefined;
      const also = port !== undefined ? `listens on ${port}` : `is named \`${service.name}\``;
      return { role: "database", reason: `sets ${variable} and ${also}` };
    },
  },
  {
    code: "database-name",
    role: "database",
    summary: "named like a data store, with an image that says nothing else (the weakest evidence)",
    match(service) {
      if (!dataStoreByName(service)) return undefined;
      const image = imageOf(service);
      return {
        role: "database",
        reason: `named like a data store; its ${image ? `image ${image}` : "build"} says nothing else (name only)`,
      };
    },
  },
  {
    code: "routed",
    role: "app",
    summary:
      "the proxy routes to it: a VIRTUAL_HOST with a value, Traefik labels that enable a router, caddy labels (after ${VAR:-default} is read, and a passed-through VIRTUAL_HOST from the project's variables)",
    match(service, project) {
      const routing = project.routed.get(service.name);
      if (!routing || project.sharedHost.has(service.name)) return undefined;
      return {
        role: "app",
        reason: `routed by the proxy: ${routing.why}`,
        routing: routing.kind,
        routingUncertain: routing.uncertain,
      };
    },
  },
  {
    code: "routing-shared",
    role: "backend",
    summary:
      "answers a host name and path another service of the project answers too: that one is the app (one host on different paths is several apps)",
    match(service, project) {
      const shared = project.sharedHost.get(service.name);
      if (!shared) return undefined;
      return {
        role: "backend",
        reason: `its routing to ${shared.host} is shared with \`${shared.winner}\`, the app; a backend here`,
      };
    },
  },
  {
    code: "commented-routing",
    role: "app",
    summary:
      "with no routing in the project: routing left commented out in its block says it is the entry",
    match: (service, project) => elected(service, project, "commented-routing"),
  },
  {
    code: "empty-routing",
    role: "app",
    summary:
      "with no routing in the project: the one service with a VIRTUAL_HOST left empty for the user to fill in",
    match: (service, project) => elected(service, project, "empty-routing"),
  },
  {
    code: "edge-target",
    role: "app",
    summary:
      "with no routing in the project: what the stack's own edge forwards to (the edge depends on it, or they share a network of their own)",
    match: (service, project) => elected(service, project, "edge-target"),
  },
  {
    code: "proxy-network",
    role: "app",
    summary:
      "with no routing in the project: already on an external network named like a proxy's that the rest of the project is not on",
    match: (service, project) => elected(service, project, "proxy-network"),
  },
  {
    code: "web-port",
    role: "app",
    summary:
      "with no routing in the project: it publishes a typical web port (80, 443, 8080, 3000, ...)",
    match: (service, project) => elected(service, project, "web-port"),
  },
  {
    code: "web-server",
    role: "app",
    summary:
      "with no published web port in the project: a bundled web server, or it exposes a web port",
    match: (service, project) => elected(service, project, "web-server"),
  },
  {
    code: "loopback-web-port",
    role: "app",
    summary:
      "with no web port published beyond the host and no bundled web server: it publishes one on loopback, for a proxy on the host",
    match: (service, project) => elected(service, project, "loopback-web-port"),
  },
  {
    code: "only-port",
    role: "app",
    summary: "with no web port in the project: the one service that publishes a TCP port",
    match: (service, project) => elected(service, project, "only-port"),
  },
  {
    code: "entry-name",
    role: "app",
    summary: "with no port in the project: the one service named like an entry (web, frontend, ui)",
    match: (service, project) => elected(service, project, "entry-name"),
  },
  {
    code: "sole-service",
    role: "app",
    summary:
      "with no port anywhere in the project: the one service that is not a data store, a worker, a job, an idle or optional service, or an admin tool",
    match: (service, project) => elected(service, project, "sole-service"),
  },
  {
    code: "behind-front",
    role: "backend",
    summary: "a service the entry depends on: it sits behind it",
    match(service, project) {
      const front = project.behind.get(service.name);
      return front
        ? { role: "backend", reason: `\`${front}\` depends on it: it sits behind it` }
        : undefined;
    },
  },
  {
    code: "not-http",
    role: "backend",
    summary:
      "a server of another protocol: mail, DNS, syslog, SNMP, TURN, RTMP, log shippers, VPN, game servers",
    match(service) {
      const what = nonHttpServer(service);
      return what
        ? { role: "backend", reason: `${what}: no proxy carries its traffic` }
        : undefined;
    },
  },
  {
    code: "scheduled",
    role: "backend",
    summary: "runs scheduled jobs (cron)",
    match(service) {
      return isCron(service)
        ? { role: "backend", reason: "runs scheduled jobs (cron)" }
        : undefined;
    },
  },
  {
    code: "unreachable",
    role: "backend",
    summary:
      "publishes ports but is only on `internal: true` networks, where nothing outside reaches it",
    match(service, project) {
      if (service.ports.length === 0 || !unreachable(project.model, service)) return undefined;
      return {
        role: "backend",
        reason: "only on internal: true networks: its published ports cannot be reached",
      };
    },
  },
  {
    code: "backend",
    role: "backend",
    summary: "everything else: workers, schedulers, converters, sidecars, init jobs",
    match() {
      return { role: "backend", reason: "not a data store and not the entry the proxy routes to" };
    },
  },
];

function elected(
  service: ServiceModel,
  project: ProjectEvidence,
  rule: RuleCode,
): Decision | undefined {
  const choice = project.elected.get(service.name);
  if (!choice || choice.rule !== rule) return undefined;
  return { role: "app", reason: choice.reason };
}

/**
 * The docker-gen or acme-companion that configures this nginx: it names it with `-notify-sighup`,
 * `NGINX_PROXY_CONTAINER`, `links` or `volumes_from`.
 */
function configuringCompanion(service: ServiceModel, model: ComposeModel): string | undefined {
  if (!isWebServer(service)) return undefined;
  const names = new Set([service.name]);
  if (typeof service.data.container_name === "string") names.add(service.data.container_name);
  for (const other of model.services) {
    if (other === service || !proxyEvidence(other)) continue;
    const words = [other.data.command]
      .flat()
      .map((w) => String(w ?? ""))
      .join(" ");
    const sighup = /-notify-sighup\s+(\S+)/.exec(words)?.[1];
    const env = other.environment.get("NGINX_PROXY_CONTAINER");
    const label = other.environment.get("NGINX_CONTAINER_LABEL");
    if (label && service.labels.has(label.split("=")[0])) return other.name;
    const listed = [other.data.links, other.data.volumes_from]
      .flatMap((v) => (Array.isArray(v) ? v : []))
      .map((v) =>
        String(v)
          .split(":")[0]
          .replace(/^container:/, ""),
      );
    if ([sighup, env, ...listed].some((n) => n !== undefined && n !== null && names.has(n))) {
      return other.name;
    }
  }
  return undefined;
}

/** The services a service depends on or links to, by name. */
function dependencies(service: ServiceModel): string[] {
  const out: string[] = [];
  const deps = service.data.depends_on;
  if (Array.isArray(deps)) out.push(...deps.map(String));
  else if (deps && typeof deps === "object") out.push(...Object.keys(deps));
  if (Array.isArray(service.data.links))
    out.push(...service.data.links.map((l) => String(l).split(":")[0]));
  return out;
}

/** True when every network the service is on is `internal: true`: nothing outside reaches it. */
function unreachable(model: ComposeModel, service: ServiceModel): boolean {
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
function adminTool(service: ServiceModel): boolean {
  const image = imageOf(service);
  return image !== undefined && ADMIN_TOOL.test(imageRepository(image));
}

/** Names of one-shot jobs: they run and exit, nothing routes to them. */
const JOB_NAME =
  /(^|[-_])(init|setup|migrate|migrations?|backup|restore|seed|bootstrap)([-_]?\d+)?$/i;

/** Commands of workers: they take jobs from a queue, nothing routes to them. */
const WORKER_COMMAND = /\b(workers?|sidekiq|celery|beat|queue:work|rq|scheduler|consumer)\b/i;

/** Commands that only keep a container alive, or print something and exit: nothing answers. */
const IDLE_COMMAND =
  /^\s*(sleep\s+(infinity|\d+)|tail\s+-f\s+\/dev\/null|(echo|cat|env|printenv|true|date|ls)(\s.*)?)\s*$/;

/**
 * No entry, whatever else it shows: a worker, a one-shot job or an idle container (by its name,
 * image, command or restart policy), a service that starts only with a profile (an optional
 * part), or a provider service (a plugin Compose runs, no container).
 */
function noEntry(service: ServiceModel): boolean {
  const words = [service.data.command, service.data.entrypoint]
    .flat()
    .map((w) => String(w ?? ""))
    .join(" ");
  return (
    isInnerName(service) ||
    JOB_NAME.test(service.name) ||
    WORKER_COMMAND.test(words) ||
    IDLE_COMMAND.test(words) ||
    String(service.data.restart ?? "").startsWith("on-failure") ||
    service.data.profiles !== undefined ||
    service.data.provider !== undefined
  );
}

/** An image that only holds a place (alpine, busybox): it says nothing of a server. */
function placeholder(service: ServiceModel): boolean {
  const image = imageOf(service);
  return image !== undefined && saysNothing(service);
}

/**
 * The networks of the project's own that a service is on by name: not `default`, which every
 * service shares, and not an external one, which other projects share.
 */
function ownNetworks(model: ComposeModel, service: ServiceModel): string[] {
  return (service.membership ?? [])
    .map((m) => m.key)
    .filter((k) => k !== "default" && !model.networks.get(k)?.external);
}

/**
 * What the stack's own edge (its TLS edge, or a proxy it bundles) forwards to: what the edge
 * depends on, else a service on a network of the project's own that the edge is on.
 */
function edgeTarget(
  model: ComposeModel,
  service: ServiceModel,
  edges: ServiceModel[],
): string | undefined {
  for (const edge of edges) {
    if (dependencies(edge).includes(service.name)) {
      return `the stack's own edge \`${edge.name}\` forwards to it (it depends on it)`;
    }
  }
  for (const edge of edges) {
    const shared = ownNetworks(model, edge).find((k) => ownNetworks(model, service).includes(k));
    if (shared) return `it shares \`${shared}\` with \`${edge.name}\`, the stack's own edge`;
  }
  return undefined;
}

/**
 * The external network named like a proxy's that the service is on, when the rest of the project
 * is on its own networks only: the service was put behind the proxy and the others were not.
 */
function aloneOnProxyNetwork(model: ComposeModel, service: ServiceModel): string | undefined {
  const external = (s: ServiceModel) =>
    (s.membership ?? []).filter((m) => model.networks.get(m.key)?.external);
  for (const m of external(service)) {
    const name = model.networks.get(m.key)!.realName;
    if (!proxyNetworkName(name)) continue;
    const others = model.services.filter((o) => !(o.membership ?? []).some((n) => n.key === m.key));
    if (others.length && others.every((o) => external(o).length === 0)) return name;
  }
  return undefined;
}

/**
 * With no routing anywhere in the project, the services a proxy would route to: the strongest tier
 * of evidence that some service has (routing left in comments or left empty for the user, what the
 * stack's own edge forwards to, a place alone on the proxy's network, a published web port, a
 * bundled web server or an exposed web port, a web port published on loopback only, the one
 * published port, the one entry-like name, the one service that is no worker, job or placeholder),
 * minus the services another candidate depends on (they sit behind it), minus inner tiers (APIs,
 * workers) where an entry-like service stands beside them, minus admin tools where something else
 * remains.
 */
function elect(
  model: ComposeModel,
  pool: ServiceModel[],
  edges: ServiceModel[],
): { elected: Map<string, { rule: RuleCode; reason: string }>; behind: Map<string, string> } {
  const elected = new Map<string, { rule: RuleCode; reason: string }>();
  const behind = new Map<string, string>();
  const candidates = pool.filter((s) => !nonHttpServer(s) && !isCron(s) && !unreachable(model, s));
  const published = (s: ServiceModel) => s.ports.filter((p) => !p.loopback);
  const exposed = (s: ServiceModel) =>
    (Array.isArray(s.data.expose) ? s.data.expose : []).map((e) => parsePort(e, s.variables));
  // an anchor that hands an empty VIRTUAL_HOST to several services says nothing of which one
  const emptyCarriers = model.services.filter((s) => emptyRouting(s)).length;
  const noPorts = model.services.every((s) => s.ports.length === 0);
  const tiers: {
    rule: RuleCode;
    pick: (s: ServiceModel) => string | undefined;
    alone?: boolean;
  }[] = [
    {
      rule: "commented-routing",
      pick: (s) =>
        commentedRouting(model, s)
          ? "its block holds routing left commented out for it"
          : undefined,
    },
    {
      rule: "empty-routing",
      pick: (s) => {
        const why = emptyCarriers === 1 ? emptyRouting(s) : undefined;
        return why
          ? `${why}, on no other service: routing written for the user to fill in says it is the entry`
          : undefined;
      },
    },
    {
      rule: "edge-target",
      pick: (s) => edgeTarget(model, s, edges),
    },
    {
      rule: "proxy-network",
      pick: (s) => {
        const network = aloneOnProxyNetwork(model, s);
        return network
          ? `already on \`${network}\`, an external network named like a proxy's, which the rest of the project is not on`
          : undefined;
      },
    },
    {
      rule: "web-port",
      pick: (s) => {
        const port = typicalWebPort(published(s));
        if (port !== undefined) {
          return `publishes web port ${port} and nothing in the project has proxy routing`;
        }
        // what composemod (or its user) commented out still says which service it was
        const was = typicalWebPort(commentedPorts(model, s));
        return was !== undefined
          ? `published web port ${was} (commented out now) and nothing in the project has proxy routing`
          : undefined;
      },
    },
    {
      rule: "web-server",
      pick: (s) => {
        if (isWebServer(s)) return `a bundled web server (${imageOf(s)})`;
        const port = typicalWebPort(exposed(s));
        return port !== undefined ? `exposes web port ${port}` : undefined;
      },
    },
    {
      rule: "loopback-web-port",
      pick: (s) => {
        const port = typicalWebPort(s.ports.filter((p) => p.loopback));
        return port !== undefined
          ? `publishes web port ${port} on loopback only, for a proxy on the host, and nothing in the project has proxy routing`
          : undefined;
      },
    },
    {
      rule: "only-port",
      alone: true,
      pick: (s) => {
        const port = possibleWebPort(s.ports);
        return port !== undefined ? `the one service that publishes a port (${port})` : undefined;
      },
    },
    {
      rule: "entry-name",
      alone: true,
      pick: (s) => (isEntryName(s.name) ? "named like the project's entry (name only)" : undefined),
    },
    {
      rule: "sole-service",
      alone: true,
      pick: (s) =>
        noPorts && !noEntry(s) && !placeholder(s) && !adminTool(s) && !routingDisabled(s)
          ? "the one service that is no data store, worker or job, in a project without ports or routing: the entry by elimination (weak evidence; an app keeps its place on a proxy network)"
          : undefined,
    },
  ];
  for (const tier of tiers) {
    let chosen = candidates.flatMap((s) => {
      const why = tier.pick(s);
      return why ? [{ service: s, why }] : [];
    });
    if (chosen.length === 0) continue;
    if (tier.alone && chosen.length > 1) continue;
    // routing its author wrote, even commented out or empty, says which service it is
    const stated = tier.rule === "commented-routing" || tier.rule === "empty-routing";
    // a candidate that another depends on sits behind it
    const names = new Set(stated ? [] : chosen.map((c) => c.service.name));
    for (const c of chosen) {
      for (const dep of dependencies(c.service)) {
        if (names.has(dep) && dep !== c.service.name && !behind.has(dep))
          behind.set(dep, c.service.name);
      }
    }
    chosen = chosen.filter((c) => !behind.has(c.service.name));
    if (!stated && chosen.length > 1 && chosen.some((c) => isEntryName(c.service.name))) {
      chosen = chosen.filter((c) => isEntryName(c.service.name) || !isInnerName(c.service));
    }
    if (!stated && chosen.length > 1 && chosen.some((c) => !adminTool(c.service))) {
      chosen = chosen.filter((c) => !adminTool(c.service));
    }
    for (const c of chosen) elected.set(c.service.name, { rule: tier.rule, reason: c.why });
    break;
  }
  for (const [name] of elected) behind.delete(name);
  return { elected, behind };
}

/**
 * Routed services, and among several that answer one host name and path, the one that is the app: the
 * same image several times is replicas the proxy balances over, all apps; otherwise the one the
 * others depend on less, that publishes a web port, or that is named like an entry.
 */
function routedServices(
  candidates: ServiceModel[],
  warnings: Warning[],
): { routed: Map<string, Routing>; sharedHost: Map<string, { host: string; winner: string }> } {
  const routed = new Map<string, Routing>();
  for (const s of candidates) {
    const r = routingOf(s);
    if (r) routed.set(s.name, r);
  }
  const sharedHost = new Map<string, { host: string; winner: string }>();
  // one host on different paths is several endpoints (a streaming API under /api/v1/streaming
  // beside the web app at /): only the same host and path is a conflict
  const byHost = new Map<string, ServiceModel[]>();
  for (const s of candidates) {
    for (const { host, path } of routed.get(s.name)?.endpoints ?? []) {
      const where = path === "/" ? host : `${host}${path}`;
      const list = byHost.get(where) ?? [];
      if (!list.includes(s)) list.push(s);
      byHost.set(where, list);
    }
  }
  for (const [host, services] of byHost) {
    if (services.length < 2) continue;
    const images = new Set(services.map((s) => imageOf(s) ?? `build:${s.name}`));
    if (images.size === 1) continue;
    const score = (s: ServiceModel) =>
      (isCron(s) ? -8 : 0) +
      (isInnerName(s) ? -4 : 0) +
      (isEntryName(s.name) || s.name === "app" ? 2 : 0) +
      (typicalWebPort(s.ports) !== undefined ? 2 : 0) +
      (services.some((o) => o !== s && dependencies(o).includes(s.name)) ? -1 : 0);
    const ranked = [...services].sort((a, b) => score(b) - score(a));
    const winner = ranked[0];
    for (const loser of ranked.slice(1)) {
      if (sharedHost.has(loser.name)) continue;
      sharedHost.set(loser.name, { host, winner: winner.name });
    }
    warnings.push({
      code: "routing-conflict",
      message: `${services.map((s) => `\`${s.name}\``).join(", ")} all answer ${host}; \`${winner.name}\` is taken for the app and the others for backends (give one --app NAME to choose)`,
    });
  }
  return { routed, sharedHost };
}

/** Classifies a project: every service's role and reason, and the warnings about them. */
export function classifyProject(
  model: ComposeModel,
  project: string,
  overrides: RoleOverrides = new Map(),
): { roles: Map<string, Classification>; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const base = { project, overrides, model };
  // the rows before routing look at the service alone: they decide first, and once
  const early: ProjectEvidence = {
    ...base,
    routed: new Map(),
    sharedHost: new Map(),
    elected: new Map(),
    behind: new Map(),
  };
  const roles = new Map<string, Classification>();
  const pool: ServiceModel[] = [];
  for (const service of model.services) {
    const decided = classifyService(service, early, 0, ROUTED_ROW);
    if (decided) roles.set(service.name, decided);
    else pool.push(service);
  }
  const { routed, sharedHost } = routedServices(pool, warnings);
  // the stack's own edges: a proxy of the file, or its TLS edge
  const edges = model.services.filter((s) => roles.get(s.name)?.role === "proxy");
  const { elected, behind } = routed.size
    ? { elected: new Map(), behind: new Map() }
    : elect(model, pool, edges);
  const evidence: ProjectEvidence = { ...base, routed, sharedHost, elected, behind };
  for (const service of pool) {
    roles.set(service.name, classifyService(service, evidence, ROUTED_ROW)!);
  }
  // in the order of the file
  return { roles: new Map(model.services.map((s) => [s.name, roles.get(s.name)!])), warnings };
}

/** The first row that weighs the service against the rest of the project. */
const ROUTED_ROW = ROLE_RULES.findIndex((r) => r.code === "routed");

/** Gives every service of a project a role and a reason a person can read; first rule that matches wins. */
export function classifyServices(
  model: ComposeModel,
  project: string,
  overrides: RoleOverrides = new Map(),
): Map<string, Classification> {
  return classifyProject(model, project, overrides).roles;
}

/**
 * The role of one service: the first rule of {@link ROLE_RULES} that matches, among rows
 * `from` to `to` (all of them by default; the last row always matches).
 */
export function classifyService(
  service: ServiceModel,
  project: ProjectEvidence,
  from = 0,
  to = ROLE_RULES.length,
): Classification | undefined {
  for (let i = from; i < to; i++) {
    const rule = ROLE_RULES[i];
    const decision = rule.match(service, project);
    if (!decision) continue;
    // a role the user gives keeps what the service says about its routing
    if (rule.role === "given") {
      const routing = routingOf(service);
      return {
        ...decision,
        rule: rule.code,
        routing: routing?.kind,
        routingUncertain: routing?.uncertain,
      };
    }
    return { ...decision, rule: rule.code };
  }
  return undefined;
}
