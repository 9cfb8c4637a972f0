import { sameMembership } from "../../compose/model";
import { connectServices } from "./connectivity";
import type { MembershipRule, Networks, PlanContext, PlanMode } from "./context";
import { describeReachers, reachersOn } from "./cross-project";
import { conclude } from "./outcome";
import type { Plan, ServicePlan } from "./types";

/**
 * The proxy's own stack: the proxy stays as it is, on every network it is on (other projects'
 * apps join them). Only a shared network is a reason to move anything: a database of the stack
 * on one leaves it for the internal network, and every service of the stack that shared a
 * network with it (the proxy, the apps of a homelab file) joins the internal network too,
 * keeping all it is on. A database on the project's own networks stays where it is, even with
 * the proxy beside it: no other project reaches it there. A database port beyond the host ends
 * as anywhere else. When another project reaches a service of the stack by name over a shared
 * network, the stack is left alone: it serves more than its own project.
 */
export function planProxyStack(
  ctx: PlanContext,
  nets: Networks,
  proxies: ServicePlan[],
  movable: ServicePlan[],
  rebind: boolean,
  leave: (reasonCode: "proxy-stack-shared", reason: string) => Plan,
): Plan {
  const { model, options, plan } = ctx;
  const databases = movable.filter((s) => ctx.policyOf(s).holdsData);
  const exposed = databases.filter((s) => s.before!.some((m) => nets.isShared(m.key)));
  const used: string[] = [];
  for (const s of exposed) {
    for (const m of s.before!) {
      if (!nets.isShared(m.key)) continue;
      const reachers = reachersOn(ctx, ctx.serviceOf(s.name), m);
      if (reachers.length === 0) continue;
      used.push(`\`${s.name}\``);
      plan.reachedBy.push({
        service: s.name,
        network: nets.realName(m.key),
        by: reachers.map((r) => `${r.project}/${r.service} (${r.via})`),
      });
      ctx.warn(
        "cross-project-connection",
        `stays on \`${nets.realName(m.key)}\`: ${describeReachers(reachers)} of another project reach${reachers.length === 1 ? "es" : ""} it there by name`,
        s.name,
      );
    }
  }
  const names = proxies.map((s) => `\`${s.name}\``).join(", ");
  if (used.length) {
    return leave(
      "proxy-stack-shared",
      `runs the reverse proxy itself (${names}), and other projects reach ${[...new Set(used)].join(", ")} of it over a shared network: left as it is (composemod moves it once they reach it another way)`,
    );
  }
  const mode: PlanMode = { behind: false, rebind, routes: new Map() };
  for (const s of databases) ctx.policyOf(s).edits?.(ctx, nets, s, mode);
  const followers = [...proxies, ...movable.filter((s) => !ctx.policyOf(s).holdsData)];
  if (exposed.length) {
    const rules = new Map<string, MembershipRule>();
    for (const s of exposed) {
      const gone = s.before!.filter((m) => nets.isShared(m.key));
      rules.set(s.name, { next: s.before!.filter((m) => !gone.includes(m)), gone });
    }
    for (const s of followers) rules.set(s.name, { next: s.before!, gone: [] });
    const participating = [...followers, ...exposed];
    const connected = connectServices({
      services: plan.services,
      participating,
      implicit: new Set(model.services.filter((s) => s.implicitNetworks).map((s) => s.name)),
      pinned: new Set(followers.map((s) => s.name)),
      rules,
      internal: options.internalNetwork,
      identity: nets.identity,
      isExternal: nets.isShared,
    });
    plan.warnings.push(...connected.warnings);
    for (const s of participating) {
      s.after = connected.after.get(s.name)!;
      s.networksChanged = !sameMembership(s.after, s.before);
    }
  }
  const result = conclude(ctx, nets, [...followers, ...databases], {
    code: "proxy-stack",
    reason: databases.length
      ? `runs the reverse proxy itself (${names}): the proxy stays as it is, and its databases are on the project's own networks only, where no other project reaches them`
      : `runs the reverse proxy itself (${names}): the proxy stays as it is`,
  });
  return result.action === "keep" ? { ...result, action: "skip" } : result;
}
