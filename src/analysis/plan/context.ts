import type { ComposeModel, Membership, NetworkDecl, ServiceModel } from "../../compose/model";
import type { Warning } from "../../base/warning";
import type { AuditRule } from "../findings";
import type { Classification, Role } from "../roles/types";
import { DEFAULT_PROXY_NETWORK, PlanOptions } from "./options";
import type { Plan, ServicePlan } from "./types";

/** What a project's networks are to the rest of the host. */
export interface Networks {
  /** Shared with other projects: external, a fixed name another project names, or used undeclared by a routed service. */
  isShared(key: string): boolean;
  /** The shared proxy network's key. */
  isProxy(key: string): boolean;
  /** `internal: true`: no traffic to the outside. */
  isInternalOnly(key: string): boolean;
  /** What makes two keys one network: a shared network's real name, else the key. */
  identity(key: string): string;
  realName(key: string): string;
  /** Networks routed services use without declaring them: declared by a file merged with this one. */
  fragment: readonly string[];
  /** The proxy network's real name, when the project shows it or the user gives it. */
  proxyName: string | undefined;
}

/** What every step of planning a project reads and writes. */
export interface PlanContext {
  model: ComposeModel;
  project: string;
  options: PlanOptions;
  plan: Plan;
  warn(code: Warning["code"], message: string, service?: string): void;
  serviceOf(name: string): ServiceModel;
  /** What the service's role does in the rewrite. */
  policyOf(s: { role: Role }): RolePolicy;
  /** Services that stay on a shared network because a service of another project reaches them there. */
  held: Map<string, string>;
}

/** The entries a service gains to be routed: environment for nginx-proxy, labels for the others. */
export interface RoutingEntries {
  environment: [string, string][];
  labels: [string, string][];
}

/** Routing entries to add, by service. */
export type Routes = Map<string, RoutingEntries>;

/** The networks a service keeps or joins, and those it leaves. */
export interface MembershipRule {
  next: Membership[];
  gone: Membership[];
}

/** How the rewrite treats a project: behind a shared proxy or not, and how database ports end. */
export interface PlanMode {
  /** Behind a shared proxy (or put behind one by the user): networks change. */
  behind: boolean;
  /** Database ports beyond the host are bound to loopback, not commented out. */
  rebind: boolean;
  /** With --virtual-host: the routing each app gains. */
  routes: Routes;
}

/** A phrase of a changed file's reason, and when a service of the role earns it. */
export interface DonePhrase {
  /** Where it goes in the reason: lower first. */
  rank: number;
  text: string;
  when(s: ServicePlan): boolean;
}

/**
 * What a role does in the rewrite: where its services end up, their ports and entries, what the
 * report says of it, and what it is to the audit. Each role's policy lives with the rows of the
 * decision table that give the role, in `src/analysis/roles/`.
 */
export interface RolePolicy {
  role: Role;
  /** The rewrite moves it (networks, ports, entries); a role that it does not move stays as it is. */
  moves: boolean;
  /** Holds data that other projects must not reach. */
  holdsData: boolean;
  /** Connects to other services by name: it may get another project's by mistake. */
  looksUp: boolean;
  /** What the proxy routes to: it stays on the proxy network. */
  entry: boolean;
  /** Stands in front of the stack: the host's proxy, or a stack's own edge. */
  edge: boolean;
  /**
   * When its networks change, the first phrase of the reason (the lowest rank of the roles that
   * changed wins: `databases isolated` over `backends moved off the proxy network`).
   */
  moved?: { rank: number; text: string };
  /** Warnings about the service before anything is planned. */
  notes?(ctx: PlanContext, nets: Networks, s: ServicePlan): void;
  /** Behind a shared proxy: the networks it keeps or joins, and those it leaves. */
  networks?(ctx: PlanContext, nets: Networks, s: ServicePlan, joinProxy: boolean): MembershipRule;
  /** Once its networks are settled (or as they are, not behind a shared proxy): its ports and entries. */
  edits?(ctx: PlanContext, nets: Networks, s: ServicePlan, mode: PlanMode): void;
  /** Once every service's edits are planned: what depends on the project as a whole. */
  settle?(ctx: PlanContext, nets: Networks, participating: ServicePlan[], mode: PlanMode): void;
  /** The reason's other phrases for its services' changes. */
  done: readonly DonePhrase[];
  /** The audit's finding for a service of the role on a network another project is on, if any. */
  sharedFinding?: AuditRule;
  /** The role the audit weighs its reach by, where the service is more than its role says. */
  reachRole?(service: ServiceModel): Role;
}

/** The plan a project starts from: every service where it is, nothing to change yet. */
export function startPlan(
  model: ComposeModel,
  roles: Map<string, Classification>,
  options: PlanOptions,
  warnings: Warning[],
): Plan {
  const services: ServicePlan[] = model.services.map((service) => {
    const c = roles.get(service.name) ?? {
      role: "backend" as Role,
      rule: "backend" as const,
      reason: "",
    };
    return {
      name: service.name,
      role: c.role,
      rule: c.rule,
      reason: c.reason,
      routing: c.routing,
      before: service.membership,
      after: service.membership,
      networksChanged: false,
      ports: service.ports.map((p) => p.text),
      commentPorts: [],
      rebindPorts: [],
      addLabels: [],
      addEnvironment: [],
    };
  });
  return {
    action: "keep",
    reasonCode: "already-isolated",
    reason: "",
    services,
    proxy: {
      key: DEFAULT_PROXY_NETWORK,
      realName: options.proxyNetwork ?? DEFAULT_PROXY_NETWORK,
      declare: false,
      used: false,
    },
    modernize: [],
    internal: {
      key: options.internalNetwork,
      declare: false,
      used: false,
      driver: options.driver,
      noEgress: options.noEgress,
    },
    reachedBy: [],
    warnings,
  };
}

export function networkIdentity(model: ComposeModel, key: string): string {
  const d: NetworkDecl | undefined = model.networks.get(key);
  return d?.external || d?.fixedName ? `named:${d.realName}` : `project:${key}`;
}
