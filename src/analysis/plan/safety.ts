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
  const { model, plan } = input;
  const breaches: Breach[] = [];
  const after = new Map<string, Set<string>>();
  const onAfter = (s: ServicePlan) => {
    let ids = after.get(s.name);
    if (!ids) after.set(s.name, (ids = new Set((s.after ?? []).map((m) => identity(m.key)))));
    return ids;
  };
  const identity = (key: string) => networkIdentity(model, key);
  // every network as it is now, with the services on it
  const members = new Map<string, ServicePlan[]>();
  for (const s of plan.services) {
    if (!s.before || !s.after) continue;
    for (const id of new Set(s.before.map((m) => identity(m.key)))) {
      const list = members.get(id);
      if (list) list.push(s);
      else members.set(id, [s]);
    }
  }
  const cut = new Map<string, { a: ServicePlan; b: ServicePlan; network: string }>();
  for (const [id, list] of members) {
    if (list.length < 2) continue;
    // the common case: one network every member is on after
    const first = onAfter(list[0]);
    if ([...first].some((n) => list.every((s) => onAfter(s).has(n)))) continue;
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i];
        const b = list[j];
        const mine = onAfter(a);
        if ([...onAfter(b)].some((n) => mine.has(n))) continue;
        const key = [a.name, b.name].sort().join("\u0000");
        if (!cut.has(key)) cut.set(key, { a, b, network: id.replace(/^(named|project):/, "") });
      }
    }
  }
  for (const { a, b, network } of cut.values()) {
    breaches.push({
      code: "would-cut-connection",
      services: [a.name, b.name],
      message: `\`${a.name}\` (${a.role}) and \`${b.name}\` (${b.role}) share \`${network}\` now and would share no network after${wayOut(a, b)}`,
    });
  }
  const byName = new Map(model.services.map((x) => [x.name, x]));
  for (const s of plan.services) {
    if (!s.before || !s.after) continue;
    const service = byName.get(s.name);
    if (!service) continue;
    for (const m of s.before) {
      const shared = sharedNetworkName(model, m.key, input.project, input.options.host);
      if (shared === undefined) continue;
      if (onAfter(s).has(identity(m.key))) continue;
      const reachers = reachersOn(input, service, m);
      if (reachers.length === 0) continue;
      breaches.push({
        code: "would-cut-cross-project",
        services: [s.name],
        message: `\`${s.name}\` would leave \`${shared}\`, where ${describeReachers(reachers)} reach it by name`,
      });
    }
  }
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

  /** What would let composemod keep the two connected. */
  function wayOut(a: ServicePlan, b: ServicePlan): string {
    const fixed = [a, b].find((s) => !POLICIES[s.role].moves);
    if (!fixed) return "";
    const other = fixed === a ? b : a;
    return POLICIES[fixed.role].edge
      ? `: composemod leaves the proxy \`${fixed.name}\` as it is`
      : `: composemod leaves \`${fixed.name}\` alone (ignored), so it cannot follow \`${other.name}\`; give \`${fixed.name}\` a role (--backend ${fixed.name}) or leave \`${other.name}\` alone too (--ignore-service ${other.name})`;
  }
}
