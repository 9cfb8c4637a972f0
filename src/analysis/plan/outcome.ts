import type { ServiceModel } from "../../compose/model";
import { uniqueWarnings } from "../../report/warning";
import type { Networks, PlanContext } from "./context";
import { planDeclarations } from "./declarations";
import type { Plan, PlanReason, ServicePlan } from "./types";

/**
 * The plan's top-level declarations, its action, and its reason from what it does: a change
 * names what was done (`databases isolated; app ports commented out`), a plan with nothing to
 * do keeps the reason it is given.
 */
export function conclude(
  ctx: PlanContext,
  nets: Networks,
  participating: ServicePlan[],
  kept: { code: PlanReason; reason: string },
): Plan {
  const { plan, model, options } = ctx;
  const usesKey = (key: string) => participating.some((s) => s.after?.some((m) => m.key === key));
  // a key refers to the proxy network already: declared, or used undeclared as a platform's
  const existingProxy = model.networks.has(plan.proxy.key) || nets.isShared(plan.proxy.key);
  planDeclarations(plan, usesKey, model.networks.has(options.internalNetwork), existingProxy);
  plan.warnings = uniqueWarnings(plan.warnings);
  let done = whatIsDone(participating);
  if (done.length === 1 && done[0] === LABEL_ONLY) {
    // the stack is as it should be but for a label Traefik may need: that alone is no rewrite
    for (const s of participating) {
      const label = s.addLabels.find(([k]) => k === "traefik.docker.network");
      if (!label) continue;
      s.addLabels = s.addLabels.filter((l) => l !== label);
      plan.warnings.push({
        code: "edit-by-hand",
        service: s.name,
        message: `routed by Traefik on several networks with no traefik.docker.network label: unless Traefik's own configuration names its network, add traefik.docker.network=${label[1]}`,
      });
    }
    done = [];
  }
  if (done.length === 0)
    return { ...plan, action: "keep", reasonCode: kept.code, reason: kept.reason };
  return { ...plan, action: "change", reasonCode: "isolates", reason: done.join("; ") };
}

const LABEL_ONLY = "Traefik network label added";

function whatIsDone(participating: ServicePlan[]): string[] {
  const done: string[] = [];
  const any = (test: (s: ServicePlan) => boolean) => participating.some(test);
  if (any((s) => s.networksChanged && s.role === "database")) done.push("databases isolated");
  else if (any((s) => s.networksChanged && s.role === "backend")) {
    done.push("backends moved off the proxy network");
  } else if (any((s) => s.networksChanged)) done.push("apps put on the proxy network");
  const routingAdded = (s: ServicePlan) =>
    s.addEnvironment.length > 0 || s.addLabels.some(([k]) => k !== "traefik.docker.network");
  if (any(routingAdded)) done.push("routing added");
  if (any((s) => s.role === "database" && s.rebindPorts.length > 0)) {
    done.push("database ports rebound to loopback");
  }
  if (any((s) => s.role === "database" && s.commentPorts.length > 0)) {
    done.push("database ports commented out");
  }
  if (any((s) => s.role === "app" && s.commentPorts.length > 0))
    done.push("app ports commented out");
  if (done.length === 0 && any((s) => s.addLabels.length > 0)) done.push(LABEL_ONLY);
  return done;
}

/** `links` and `external_links` to containers that stop resolving once they share no network. */
export function warnLinks(
  ctx: PlanContext,
  s: ServicePlan,
  services: Map<string, ServiceModel>,
): void {
  if (!s.networksChanged) return;
  const service = ctx.serviceOf(s.name);
  for (const kind of ["links", "external_links"] as const) {
    const value = service.data[kind];
    if (!Array.isArray(value)) continue;
    for (const link of value) {
      const target = String(link).split(":")[0];
      if (kind === "external_links" || !services.has(target)) {
        ctx.warn(
          "links-stop-resolving",
          `${kind} to \`${target}\` stops resolving once that container no longer shares a network`,
          s.name,
        );
      }
    }
  }
}
