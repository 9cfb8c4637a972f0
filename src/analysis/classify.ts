import type { ComposeModel, ServiceModel } from "../compose/model";
import { webPort } from "../compose/ports";
import { normalizeProjectName } from "../compose/project-name";
import {
  dataVolume,
  DATA_ENV,
  DATABASE_IMAGE,
  imageOf,
  PROXY_IMAGE,
  ProxyKind,
  routingEvidence,
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
  | "proxy-image"
  | "proxy-name"
  | "database-image"
  | "database-volume"
  | "database-setup-variables"
  | "routed"
  | "web-port"
  | "external-network"
  | "backend";

export interface Classification {
  role: Role;
  /** The rule that decided it. */
  rule: RuleCode;
  /** Why, in words a person reads: what the rule saw. */
  reason: string;
  /** How a reverse proxy finds this service, when it says so itself. */
  routing?: ProxyKind;
}

/** What the project as a whole says, which some rules weigh a service against. */
export interface ProjectEvidence {
  project: string;
  overrides: RoleOverrides;
  /** Some service has routing labels or variables. */
  anyRouted: boolean;
  /** Some service that is not a data store publishes a web port. */
  anyWebPort: boolean;
  /** External network keys of the project. */
  externalNetworks: ReadonlySet<string>;
}

type Decision = Omit<Classification, "rule">;

/** One row of the decision table: the first row that matches a service decides its role. */
export interface RoleRule {
  code: RuleCode;
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

/**
 * The decision table, in order. The first rule that matches a service gives it its role and its
 * reason; `--explain` shows the rule's code with the reason.
 */
export const ROLE_RULES: readonly RoleRule[] = [
  {
    code: "flag",
    summary: "a role flag (--app, --database, --backend, --ignore-service) names the service",
    match(service, project) {
      const given = override(service, project);
      if (given?.source.kind !== "flag") return undefined;
      return { role: given.role, reason: sourceText(given.source) };
    },
  },
  {
    code: "config",
    summary: "the configuration file gives the service a role",
    match(service, project) {
      const given = override(service, project);
      if (given?.source.kind !== "config") return undefined;
      return { role: given.role, reason: sourceText(given.source) };
    },
  },
  {
    code: "x-composemod",
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
    code: "proxy-image",
    summary: "a reverse proxy's image (nginx-proxy, docker-gen, acme-companion, Traefik, ...)",
    match(service) {
      const image = imageOf(service);
      if (!image || !PROXY_IMAGE.test(image)) return undefined;
      return { role: "proxy", reason: `reverse proxy image ${image}` };
    },
  },
  {
    code: "proxy-name",
    summary: "named like a reverse proxy, with no image to tell otherwise",
    match(service) {
      if (imageOf(service) || !PROXY_IMAGE.test(service.name)) return undefined;
      return {
        role: "proxy",
        reason: "named like a reverse proxy and has no image to tell otherwise",
      };
    },
  },
  {
    code: "database-image",
    summary: "a data store's image",
    match(service) {
      const image = imageOf(service);
      if (!image || !DATABASE_IMAGE.test(image)) return undefined;
      return { role: "database", reason: `data store image ${image}` };
    },
  },
  {
    code: "database-volume",
    summary: "keeps a data store's data directory in a volume",
    match(service) {
      const volume = dataVolume(service);
      return volume ? { role: "database", reason: `keeps its data in ${volume}` } : undefined;
    },
  },
  {
    code: "database-setup-variables",
    summary: "sets a data store's set-up variables, is not routed and publishes no web port",
    match(service) {
      if (routingEvidence(service) || webPort(service.ports) !== undefined) return undefined;
      const env = [...service.environment.keys()].find((k) => DATA_ENV.test(k));
      if (!env) return undefined;
      return { role: "database", reason: `sets ${env} (a data store's set-up variable)` };
    },
  },
  {
    code: "routed",
    summary: "the proxy routes to it (VIRTUAL_HOST, traefik.* or caddy labels)",
    match(service) {
      const routing = routingEvidence(service);
      if (!routing) return undefined;
      return { role: "app", reason: `routed by the proxy: ${routing.why}`, routing: routing.kind };
    },
  },
  {
    code: "web-port",
    summary: "with no routing in the project, the service that publishes a web port",
    match(service, project) {
      const published = webPort(service.ports);
      if (project.anyRouted || published === undefined) return undefined;
      return {
        role: "app",
        reason: `publishes container port ${published} and no service in the file has proxy routing`,
      };
    },
  },
  {
    code: "external-network",
    summary: "with no routing and no web port in the project, the service on an external network",
    match(service, project) {
      if (project.anyRouted || project.anyWebPort) return undefined;
      const external = (service.membership ?? []).find((m) => project.externalNetworks.has(m.key));
      if (!external) return undefined;
      return {
        role: "app",
        reason: `on external network \`${external.key}\` and nothing in the file says which service the proxy routes to`,
      };
    },
  },
  {
    code: "backend",
    summary: "everything else",
    match() {
      return { role: "backend", reason: "not a data store and not routed by the proxy" };
    },
  },
];

function projectEvidence(
  model: ComposeModel,
  project: string,
  overrides: RoleOverrides,
): ProjectEvidence {
  return {
    project,
    overrides,
    anyRouted: model.services.some((s) => routingEvidence(s) !== undefined),
    anyWebPort: model.services.some(
      (s) => !DATABASE_IMAGE.test(imageOf(s) ?? "") && webPort(s.ports) !== undefined,
    ),
    externalNetworks: new Set(
      [...model.networks.values()].filter((d) => d.external).map((d) => d.key),
    ),
  };
}

/** Gives every service of a project a role and a reason a person can read; first rule that matches wins. */
export function classifyServices(
  model: ComposeModel,
  project: string,
  overrides: RoleOverrides = new Map(),
): Map<string, Classification> {
  const out = new Map<string, Classification>();
  const evidence = projectEvidence(model, project, overrides);
  for (const service of model.services) {
    out.set(service.name, classifyService(service, evidence));
  }
  return out;
}

/** The role of one service: the first rule of {@link ROLE_RULES} that matches. */
export function classifyService(service: ServiceModel, project: ProjectEvidence): Classification {
  for (const rule of ROLE_RULES) {
    const decision = rule.match(service, project);
    if (!decision) continue;
    // a role the user gives keeps what the service says about its routing
    const routing = isExplicit(rule.code) ? routingEvidence(service)?.kind : decision.routing;
    return { ...decision, rule: rule.code, routing };
  }
  throw new Error("the decision table has no last rule");
}

function isExplicit(code: RuleCode): boolean {
  return code === "flag" || code === "config" || code === "x-composemod";
}
