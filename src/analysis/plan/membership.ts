import type { Membership } from "../../compose/model";
import type { Networks, PlanContext } from "./context";
import { describeReachers, reachersOn } from "./cross-project";
import type { ServicePlan } from "./types";

/**
 * The networks of `gone` that a service of another project reaches it on by name: they stay
 * (with a warning, and a note for the audit); the others are returned. A rewrite never cuts a
 * working connection.
 */
export function keepReached(
  ctx: PlanContext,
  nets: Networks,
  s: ServicePlan,
  gone: Membership[],
): Membership[] {
  const service = ctx.serviceOf(s.name);
  return gone.filter((m) => {
    const reachers = reachersOn(ctx, service, m);
    if (reachers.length === 0) return true;
    ctx.held.set(s.name, nets.realName(m.key));
    ctx.plan.reachedBy.push({
      service: s.name,
      network: nets.realName(m.key),
      by: reachers.map((r) => `${r.project}/${r.service} (${r.via})`),
    });
    ctx.warn(
      "cross-project-connection",
      `stays on \`${nets.realName(m.key)}\`: ${describeReachers(reachers)} of another project reach${reachers.length === 1 ? "es" : ""} it there by name, and moving it would cut that connection (once they reach it another way, composemod moves it)`,
      s.name,
    );
    return false;
  });
}

/**
 * A service that leaves the only network that reached the outside (what it keeps is all
 * `internal: true`) joins the internal bridge, to keep a way out.
 */
export function keepWayOut(
  ctx: PlanContext,
  nets: Networks,
  next: Membership[],
  gone: Membership[],
): Membership[] {
  const { options } = ctx;
  if (
    gone.length &&
    !options.noEgress &&
    gone.some((m) => !nets.isInternalOnly(m.key)) &&
    next.length > 0 &&
    next.every((m) => nets.isInternalOnly(m.key))
  ) {
    return [...next, { key: options.internalNetwork, settings: null }];
  }
  return next;
}

/** Services on a shared network that composemod cannot tell from the proxy's: they stay, with a warning. */
export function warnUnknownProxy(
  ctx: PlanContext,
  nets: Networks,
  participating: ServicePlan[],
): void {
  for (const s of participating) {
    for (const m of s.before!) {
      if (!ctx.policyOf(s).holdsData && nets.isShared(m.key)) {
        ctx.warn(
          "shared-network-kept",
          `stays on \`${nets.realName(m.key)}\`: nothing routed is on it, so composemod cannot tell whether it is the proxy's (set --proxy-network ${nets.realName(m.key)} if it is, or --app NAME)`,
          s.name,
        );
      }
    }
  }
}
