import { uniqueWarnings } from "../../base/warning";
import type { Networks, PlanContext } from "./context";
import { planDeclarations } from "./declarations";
import type { Plan, PlanReason, ServicePlan } from "./types";

const LABEL_ONLY = "Traefik network label added";

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
  let done = whatIsDone(ctx, participating);
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

/**
 * The reason's phrases, in order: first what moved (the lowest-ranked role whose services'
 * networks changed), then each role's phrases for its services' other changes, in rank order;
 * a Traefik network label alone when nothing else was done.
 */
function whatIsDone(ctx: PlanContext, participating: ServicePlan[]): string[] {
  const done: string[] = [];
  const moved = participating
    .filter((s) => s.networksChanged)
    .map((s) => ctx.policyOf(s).moved)
    .filter((m): m is NonNullable<typeof m> => m !== undefined)
    .sort((a, b) => a.rank - b.rank)[0];
  if (moved) done.push(moved.text);
  const phrases = new Map<string, number>();
  for (const s of participating) {
    for (const phrase of ctx.policyOf(s).done) {
      if (phrase.when(s)) phrases.set(phrase.text, phrase.rank);
    }
  }
  done.push(...[...phrases].sort((a, b) => a[1] - b[1]).map(([text]) => text));
  if (done.length === 0 && participating.some((s) => s.addLabels.length > 0)) {
    done.push(LABEL_ONLY);
  }
  return done;
}

/** `links` and `external_links` to containers that stop resolving once they share no network. */
export function warnLinks(ctx: PlanContext, s: ServicePlan): void {
  if (!s.networksChanged) return;
  const service = ctx.serviceOf(s.name);
  for (const kind of ["links", "external_links"] as const) {
    const value = service.data[kind];
    if (!Array.isArray(value)) continue;
    for (const link of value) {
      const target = String(link).split(":")[0];
      if (kind === "external_links" || !ctx.model.services.some((x) => x.name === target)) {
        ctx.warn(
          "links-stop-resolving",
          `${kind} to \`${target}\` stops resolving once that container no longer shares a network`,
          s.name,
        );
      }
    }
  }
}
