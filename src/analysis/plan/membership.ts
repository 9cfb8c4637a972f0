import type { Membership } from "../../compose/model";
import type { Networks, PlanContext } from "./context";
import { describeReachers, outgoingOn, reachersOn } from "./cross-project";
import { projectHostNames } from "./references";
import type { ServicePlan } from "./types";

export type MembershipRules = Map<string, { next: Membership[]; gone: Membership[] }>;

/**
 * Each role's own rule for the networks it is on: a database leaves every shared network; a
 * backend leaves the proxy network; an app joins the proxy network when it is not on it. A
 * database or backend that a service of another project reaches by name over a shared network
 * stays on it, and so does a backend that reaches a name its project does not define (both
 * with a warning): a rewrite never cuts a working connection. A service that leaves the only
 * network that reached the outside (what it keeps is all `internal: true`) joins the internal
 * bridge, to keep a way out; a database needs none.
 */
export function membershipRules(
  ctx: PlanContext,
  nets: Networks,
  participating: ServicePlan[],
  joinProxy: boolean,
): MembershipRules {
  const { plan, options } = ctx;
  let own: Set<string> | undefined;
  const hasDataStore = participating.some((s) => s.role === "database");
  const rules: MembershipRules = new Map();
  for (const s of participating) {
    const before = s.before!;
    const service = ctx.serviceOf(s.name);
    let gone: Membership[] = [];
    if (s.role === "database") gone = before.filter((m) => nets.isShared(m.key));
    else if (s.role === "backend") gone = before.filter((m) => nets.isProxy(m.key));
    gone = gone.filter((m) => {
      const reachers = reachersOn(ctx, service, m);
      if (reachers.length === 0) return true;
      ctx.held.set(s.name, nets.realName(m.key));
      plan.reachedBy.push({
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
    if (s.role === "backend" && gone.length) {
      own ??= projectHostNames(ctx.model);
      gone = gone.filter((m) => {
        const outgoing = outgoingOn(ctx, service, m, own!, hasDataStore);
        if (outgoing.length === 0) return true;
        const names = outgoing.map(({ ref, answerers }) => {
          const host = ref.unknown ? `${ref.host} (${ref.via})` : `\`${ref.host}\` (${ref.via})`;
          return answerers.length
            ? `${host}, which ${answerers
                .slice(0, 3)
                .map((a) => `\`${a.project}/${a.service}\``)
                .join(", ")} answer${answerers.length === 1 ? "s" : ""} there`
            : host;
        });
        const certain = outgoing.some((o) => o.answerers.length > 0);
        ctx.warn(
          "cross-project-connection",
          `stays on \`${nets.realName(m.key)}\`: it reaches ${names.join(", ")}, which this project does not define: ${certain ? "another project's container on that network" : "most likely another project's container on that network"}, and moving it would cut that connection`,
          s.name,
        );
        return false;
      });
    }
    if (s.role === "backend") {
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
      s.role !== "database" &&
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
