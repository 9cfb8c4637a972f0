import type { ComposeModel, NetworkDecl, ServiceModel } from "../../compose/model";
import type { Warning } from "../../report/warning";
import type { Classification, Role } from "../classify";
import type { PlanOptions } from "./options";
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
  /** Services that stay on a shared network because a service of another project reaches them there. */
  held: Map<string, string>;
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
    proxy: { key: "proxy", realName: options.proxyNetwork ?? "proxy", declare: false, used: false },
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
