import type { ComposeModel } from "../../compose/model";
import { sharedNetworkName } from "../host-index";
import { networkIdentity } from "./context";
import { POLICIES } from "../roles/table";
import { describeReachers, reachersOn } from "./cross-project";
import type { PlanOptions } from "./options";
import type { BreachCode, Plan, ServicePlan } from "./types";

/** A gate a plan would break, in words that name the services, the connection and the way out. */
export interface Breach {
  code: BreachCode;
  /** The services it is about. */
  services: string[];
  message: string;
}

/** What the check reads: the project as it is and the plan for it. */
export interface SafetyInput {
  model: ComposeModel;
  project: string;
  options: PlanOptions;
  plan: Plan;
  /** The file is meant for `docker stack deploy`: a bridge network is refused there. */
  swarm?: boolean;
}

/**
 * Checks a plan against the gates a rewrite may never break, from the plan and the project
 * alone (it trusts no step of the planner): two services that shared a network share one
 * after; a service another project reaches by name over a shared network stays on it; a plain
 * run declares no external network the host may lack; a swarm stack file gets no bridge network.
 * Every breach is returned: a plan with one is not written.
 */
export function checkPlan(input: SafetyInput): Breach[] {
  const networks = new AfterNetworks(input.model);
  return [
    ...cutConnections(input, networks),
    ...cutCrossProject(input, networks),
    ...newNetworks(input),
  ];
}

/** The identities of the networks each service is on after, worked out once a service. */
class AfterNetworks {
  private readonly cache = new Map<string, Set<string>>();
  constructor(private readonly model: ComposeModel) {}

  identity(key: string): string {
    return networkIdentity(this.model, key);
  }

  of(s: ServicePlan): Set<string> {
    let ids = this.cache.get(s.name);
    if (!ids) {
      ids = new Set((s.after ?? []).map((m) => this.identity(m.key)));
      this.cache.set(s.name, ids);
    }
    return ids;
  }
}

/** Two services that share a network now and would share none after. */
function cutConnections(input: SafetyInput, networks: AfterNetworks): Breach[] {
  // every network as it is now, with the services on it
  const members = new Map<string, ServicePlan[]>();
  for (const s of input.plan.services) {
    if (!s.before || !s.after) continue;
    for (const id of new Set(s.before.map((m) => networks.identity(m.key)))) {
      const list = members.get(id);
      if (list) list.push(s);
      else members.set(id, [s]);
    }
  }
  const cut = new Map<string, { a: ServicePlan; b: ServicePlan; network: string }>();
  for (const [id, list] of members) {
    if (list.length < 2) continue;
    // the common case: one network every member is on after
    const first = networks.of(list[0]);
    if ([...first].some((n) => list.every((s) => networks.of(s).has(n)))) continue;
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [a, b] = [list[i], list[j]];
        const mine = networks.of(a);
        if ([...networks.of(b)].some((n) => mine.has(n))) continue;
        const key = [a.name, b.name].sort().join("\u0000");
        if (!cut.has(key)) cut.set(key, { a, b, network: id.replace(/^(named|project):/, "") });
      }
    }
  }
  return [...cut.values()].map(({ a, b, network }) => ({
    code: "would-cut-connection" as const,
    services: [a.name, b.name],
    message: `\`${a.name}\` (${a.role}) and \`${b.name}\` (${b.role}) share \`${network}\` now and would share no network after${wayOut(a, b)}`,
  }));
}

/** What would let composemod keep the two connected. */
function wayOut(a: ServicePlan, b: ServicePlan): string {
  const fixed = [a, b].find((s) => !POLICIES[s.role].moves);
  if (!fixed) return "";
  const other = fixed === a ? b : a;
  return POLICIES[fixed.role].edge
    ? `: composemod leaves the proxy \`${fixed.name}\` as it is`
    : `: composemod leaves \`${fixed.name}\` alone (ignored), so it cannot follow \`${other.name}\`; give \`${fixed.name}\` a role (--backend ${fixed.name}) or leave \`${other.name}\` alone too (--ignore-service ${other.name})`;
}

/** A service another project reaches by name over a shared network, which would leave it. */
function cutCrossProject(input: SafetyInput, networks: AfterNetworks): Breach[] {
  const { model, plan } = input;
  const breaches: Breach[] = [];
  const byName = new Map(model.services.map((x) => [x.name, x]));
  for (const s of plan.services) {
    if (!s.before || !s.after) continue;
    const service = byName.get(s.name);
    if (!service) continue;
    for (const m of s.before) {
      const shared = sharedNetworkName(model, m.key, input.project, input.options.host);
      if (shared === undefined || networks.of(s).has(networks.identity(m.key))) continue;
      const reachers = reachersOn(input, service, m);
      if (reachers.length === 0) continue;
      breaches.push({
        code: "would-cut-cross-project",
        services: [s.name],
        message: `\`${s.name}\` would leave \`${shared}\`, where ${describeReachers(reachers)} reach it by name`,
      });
    }
  }
  return breaches;
}

/** An external network a plain run would declare, or a bridge network in a swarm stack file. */
function newNetworks(input: SafetyInput): Breach[] {
  const { plan } = input;
  const breaches: Breach[] = [];
  const plainRun = input.options.virtualHost === undefined && !input.options.proxyNetwork;
  if (plainRun && plan.proxy.declare) {
    breaches.push({
      code: "would-add-network",
      services: [],
      message: `the plan would declare the external network \`${plan.proxy.realName}\`, which the host may not have (--proxy-network ${plan.proxy.realName} says it does)`,
    });
  }
  if (input.swarm && plan.internal.declare && plan.internal.driver === "bridge") {
    breaches.push({
      code: "driver-refused",
      services: [],
      message: `a stack file for \`docker stack deploy\` would get a \`bridge\` network, which swarm refuses (--driver overlay)`,
    });
  }
  return breaches;
}
