import type { ComposeModel, ServiceModel } from "../../compose/model";
import type { ProxyKind, Routing } from "../evidence";

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

export type Decision = Omit<Classification, "rule">;

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

/** What a tier of the entry election weighs a service against. */
export interface Election {
  model: ComposeModel;
  /** The stack's own edges: a proxy of the file, or its TLS edge. */
  edges: readonly ServiceModel[];
  /** How many services carry an empty routing value: an anchor may hand one to several. */
  emptyCarriers: number;
  /** No service of the project publishes a port. */
  noPorts: boolean;
}

/** A tier of the entry election: why a service is a candidate for the entry, if it is. */
export interface ElectionTier {
  pick(service: ServiceModel, election: Election): string | undefined;
  /** The tier counts only when it finds one candidate. */
  alone?: boolean;
  /** Routing its author wrote says which service it is: no candidate sits behind another. */
  stated?: boolean;
}

/**
 * One row of the decision table: the first row that matches a service decides its role. A row
 * weighs the service (`match`), or is a tier of the entry election, which weighs the candidates
 * of a project without routing against each other (`elect`).
 */
export type RoleRule = {
  code: RuleCode;
  role: Role | "given";
  /** The rule in a sentence, as docs/decisions.md's decision table shows it. */
  summary: string;
} & (
  | { match(service: ServiceModel, project: ProjectEvidence): Decision | undefined; elect?: never }
  | { elect: ElectionTier; match?: never }
);
