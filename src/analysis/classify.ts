import type { ComposeModel, ServiceModel } from "../compose/model";
import type { Warning } from "../base/warning";
import {
  adminTool,
  dependencies,
  emptyRouting,
  imageOf,
  isCron,
  isEntryName,
  isInnerName,
  nonHttpServer,
  Routing,
  routingOf,
  typicalWebPort,
  unreachable,
} from "./evidence";
import { POLICIES, ROLE_RULES } from "./roles/table";
import type {
  Classification,
  Election,
  ProjectEvidence,
  RoleOverrides,
  RoleRule,
  RuleCode,
} from "./roles/types";

export { ROLE_RULES } from "./roles/table";
export { EXPLICIT_ROLES, ROLES } from "./roles/types";
export type {
  Classification,
  ExplicitRole,
  ProjectEvidence,
  Role,
  RoleOverride,
  RoleOverrides,
  RoleRule,
  RoleSource,
  RuleCode,
} from "./roles/types";

/** The rows of the table that are tiers of the entry election, in order. */
const TIERS = ROLE_RULES.filter(
  (r): r is RoleRule & { elect: NonNullable<RoleRule["elect"]> } => r.elect !== undefined,
);

/**
 * With no routing anywhere in the project, the services a proxy would route to: the first tier
 * of the election (in the order of the decision table) that some candidate passes, minus the
 * candidates another one depends on (they sit behind it; routing the author wrote, even
 * commented out or empty, says otherwise), minus inner tiers (APIs, workers) where an
 * entry-like service stands beside them, minus admin tools where something else remains. A tier
 * that counts only alone counts only when it finds one candidate.
 */
function elect(
  model: ComposeModel,
  pool: ServiceModel[],
  edges: ServiceModel[],
): { elected: Map<string, { rule: RuleCode; reason: string }>; behind: Map<string, string> } {
  const elected = new Map<string, { rule: RuleCode; reason: string }>();
  const behind = new Map<string, string>();
  const candidates = pool.filter((s) => !nonHttpServer(s) && !isCron(s) && !unreachable(model, s));
  const election: Election = {
    model,
    edges,
    emptyCarriers: model.services.filter((s) => emptyRouting(s)).length,
    noPorts: model.services.every((s) => s.ports.length === 0),
  };
  for (const tier of TIERS) {
    let chosen = candidates.flatMap((s) => {
      const why = tier.elect.pick(s, election);
      return why ? [{ service: s, why }] : [];
    });
    if (chosen.length === 0) continue;
    if (tier.elect.alone && chosen.length > 1) continue;
    const stated = tier.elect.stated === true;
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
    for (const c of chosen) elected.set(c.service.name, { rule: tier.code, reason: c.why });
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
  const edges = model.services.filter((s) => {
    const role = roles.get(s.name)?.role;
    return role !== undefined && POLICIES[role].edge;
  });
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

/** What a row says of a service: its own match, or, for a tier of the election, the election's outcome. */
function matchRow(rule: RoleRule, service: ServiceModel, project: ProjectEvidence) {
  if (rule.elect) {
    const choice = project.elected.get(service.name);
    if (!choice || choice.rule !== rule.code) return undefined;
    return { role: rule.role === "given" ? undefined : rule.role, reason: choice.reason };
  }
  return rule.match(service, project);
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
    const decision = matchRow(rule, service, project);
    if (!decision || decision.role === undefined) continue;
    // a role the user gives keeps what the service says about its routing
    if (rule.role === "given") {
      const routing = routingOf(service);
      return {
        ...decision,
        role: decision.role,
        rule: rule.code,
        routing: routing?.kind,
        routingUncertain: routing?.uncertain,
      };
    }
    return { ...decision, role: decision.role, rule: rule.code };
  }
  return undefined;
}
