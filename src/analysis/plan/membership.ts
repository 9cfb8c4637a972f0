import type { Membership } from "../../compose/model";
import type { Networks, PlanContext } from "./context";
import { foreignReferences, projectHostNames } from "./references";
import type { ServicePlan } from "./types";

export type MembershipRules = Map<string, { next: Membership[]; gone: Membership[] }>;

/**
 * Each role's own rule for the networks it is on: a database leaves every shared network; a
 * backend leaves the proxy network, unless it reaches a host its project does not define (it
 * keeps the network, with a warning); an app joins the proxy network when it is not on it. A
 * service that leaves the only network that reached the outside (what it keeps is all
 * `internal: true`) joins the internal bridge, to keep a way out.
 */
export function membershipRules(
  ctx: PlanContext,
  nets: Networks,
  participating: ServicePlan[],
  joinProxy: boolean,
): MembershipRules {
  const { plan, options } = ctx;
  const own = projectHostNames(ctx.model);
  const hasDataStore = participating.some((s) => s.role === "database");
  const rules: MembershipRules = new Map();
  for (const s of participating) {
    const before = s.before!;
    let gone: Membership[] = [];
    if (s.role === "database") {
      gone = before.filter((m) => nets.isShared(m.key));
    } else if (s.role === "backend") {
      gone = before.filter((m) => nets.isProxy(m.key));
      const foreign = gone.length
        ? foreignReferences(ctx.serviceOf(s.name), own, hasDataStore)
        : [];
      if (foreign.length) {
        const names = foreign.map((f) =>
          f.unknown ? `${f.host} (${f.via})` : `\`${f.host}\` (${f.via})`,
        );
        ctx.warn(
          "cross-project-connection",
          `stays on \`${plan.proxy.realName}\`: it reaches ${names.join(", ")}, which this project does not define: most likely another project's container on that network, and moving it would cut that connection`,
          s.name,
        );
        gone = [];
      }
      for (const m of before) {
        if (nets.isShared(m.key) && !nets.isProxy(m.key) && nets.proxyName) {
          ctx.warn(
            "shared-network-kept",
            `stays on network \`${nets.realName(m.key)}\`, which other projects share`,
            s.name,
          );
        }
      }
    }
    let next = before.filter((m) => !gone.includes(m));
    if (s.role === "app" && joinProxy && !before.some((m) => nets.isProxy(m.key))) {
      next = [...next, { key: plan.proxy.key, settings: null }];
    }
    if (
      gone.length &&
      !options.noEgress &&
      gone.some((m) => !nets.isInternalOnly(m.key)) &&
      next.length > 0 &&
      next.every((m) => nets.isInternalOnly(m.key))
    ) {
      next = [...next, { key: options.internalNetwork, settings: null }];
    }
    rules.set(s.name, { next, gone });
  }
  return rules;
}

/** Services on a shared network that composemod cannot tell from the proxy's: they stay, with a warning. */
export function warnUnknownProxy(
  ctx: PlanContext,
  nets: Networks,
  participating: ServicePlan[],
): void {
  for (const s of participating) {
    for (const m of s.before!) {
      if (s.role !== "database" && nets.isShared(m.key)) {
        ctx.warn(
          "shared-network-kept",
          `stays on \`${nets.realName(m.key)}\`: nothing routed is on it, so composemod cannot tell whether it is the proxy's (set --proxy-network ${nets.realName(m.key)} if it is, or --app NAME)`,
          s.name,
        );
      }
    }
  }
}
