import type { Membership } from "../../compose/model";
import type { Warning } from "../../base/warning";
import type { Classification, Role, RuleCode } from "../roles/types";

/** What one service should look like after the rewrite. */
export interface ServicePlan {
  name: string;
  role: Role;
  rule: RuleCode;
  reason: string;
  routing?: Classification["routing"];
  before: Membership[] | null;
  after: Membership[] | null;
  /** The membership list must be written out (it differs from what the file says now). */
  networksChanged: boolean;
  /** The service's published ports, as written. */
  ports: string[];
  /** Indices into the service's ports that are commented out. */
  commentPorts: number[];
  /** Indices into the service's ports that are bound to loopback (`127.0.0.1:` in front). */
  rebindPorts: number[];
  /** Labels to add, as key -> value. */
  addLabels: [string, string][];
  /** Environment variables to add, as key -> value. */
  addEnvironment: [string, string][];
}

/** True when a service's plan edits it: its networks, its ports, its labels or its environment. */
export function editsService(s: ServicePlan): boolean {
  return (
    s.networksChanged ||
    s.commentPorts.length > 0 ||
    s.rebindPorts.length > 0 ||
    s.addLabels.length > 0 ||
    s.addEnvironment.length > 0
  );
}

/** Why a plan may not be carried out: the gate of the safety check it would break. */
export type BreachCode =
  "would-cut-connection" | "would-cut-cross-project" | "would-add-network" | "driver-refused";

/** Why a plan changes a project, keeps it, or leaves it alone. */
export type PlanReason =
  | "ignored-in-file"
  | "skipped-by-user"
  | "proxy-stack"
  | "proxy-stack-shared"
  | BreachCode
  | "nothing-to-isolate"
  | "shared-database-service"
  | "internal-name-shared"
  | "undeclared-network"
  | "not-behind-proxy"
  | "already-isolated"
  | "cross-project-kept"
  | "isolates"
  | "modernizes";

/** The target state of a project (or, split by file, of one of its files). */
export interface Plan {
  /** `skip` leaves the project alone for a stated reason; `keep` finds nothing to do. */
  action: "change" | "keep" | "skip";
  reasonCode: PlanReason;
  reason: string;
  services: ServicePlan[];
  proxy: { key: string; realName: string; declare: boolean; used: boolean };
  /** Top-level networks whose legacy `external: {name: x}` becomes `external: true` + `name: x`. */
  modernize: string[];
  internal: {
    key: string;
    declare: boolean;
    used: boolean;
    driver: string;
    noEgress: boolean;
    /** A `name:` for it, where Docker must search it before a shared network (see name-order). */
    name?: string;
  };
  /** Services that services of other projects reach by name over a shared network: they stay on it. */
  reachedBy: { service: string; network: string; by: string[] }[];
  warnings: Warning[];
}
