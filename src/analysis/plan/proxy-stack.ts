import { sameMembership } from "../../compose/model";
import { connectServices } from "./connectivity";
import type { Networks, PlanContext } from "./context";
import type { MembershipRules } from "./membership";
import { conclude } from "./outcome";
import { planDatabasePorts } from "./ports";
import type { Plan, ServicePlan } from "./types";

/**
 * The proxy's own stack: the proxy stays as it is, on every network it is on (other projects'
 * apps join them), but a database of the stack leaves them for the internal network, which the
 * proxy joins to keep reaching it. A database port beyond the host ends as anywhere else.
 */
export function planProxyStack(
  ctx: PlanContext,
  nets: Networks,
  proxies: ServicePlan[],
  movable: ServicePlan[],
  rebind: boolean,
): Plan {
  const { model, options, plan } = ctx;
  const proxyNets = new Set(proxies.flatMap((s) => s.before!.map((m) => nets.identity(m.key))));
  const shared = (key: string) => nets.isShared(key) || proxyNets.has(nets.identity(key));
  const databases = movable.filter((s) => s.role === "database");
  for (const s of databases) planDatabasePorts(s, ctx.serviceOf(s.name), rebind, plan.warnings);
  const exposed = databases.filter((s) => s.before!.some((m) => shared(m.key)));
  if (exposed.length) {
    const rules: MembershipRules = new Map();
    for (const s of exposed) {
      const gone = s.before!.filter((m) => shared(m.key));
      rules.set(s.name, { next: s.before!.filter((m) => !gone.includes(m)), gone });
    }
    for (const s of proxies) rules.set(s.name, { next: s.before!, gone: [] });
    const participating = [...proxies, ...exposed];
    const connected = connectServices({
      services: plan.services,
      participating,
      implicit: new Set(model.services.filter((s) => s.implicitNetworks).map((s) => s.name)),
      pinned: new Set(proxies.map((s) => s.name)),
      rules,
      internal: options.internalNetwork,
      identity: nets.identity,
      isExternal: shared,
    });
    plan.warnings.push(...connected.warnings);
    for (const s of participating) {
      s.after = connected.after.get(s.name)!;
      s.networksChanged = !sameMembership(s.after, s.before);
    }
  }
  const names = proxies.map((s) => s.name).join(", ");
  const result = conclude(ctx, nets, [...proxies, ...databases], {
    code: "proxy-stack",
    reason: `runs the reverse proxy itself (${names}): the proxy stays as it is, and no database of its stack is on its networks`,
  });
  return result.action === "keep" ? { ...result, action: "skip" } : result;
}
