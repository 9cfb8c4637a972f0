import { namesOn, sharedNetworkName, stayersOf } from "../host-index";
import type { Networks, PlanContext } from "./context";
import { versionWithoutNetworkName } from "./declarations";
import type { ServicePlan } from "./types";

/**
 * Docker's DNS looks a name up on a container's networks one network at a time (those that are
 * not `internal: true` first, then in the order of their names) and answers from the first
 * network where some container has the name. An app on the shared proxy network and on its
 * project's internal network looks `web` up on `proxy` before `sentry_internal`: where another
 * project's app answers `web` on `proxy`, the app reaches that one, not its own backend, once
 * the backend has left `proxy`. Where the run shows such a name, the internal network that
 * composemod declares is named so that Docker searches it first (`internal_sentry`), with a
 * warning that says why; where that cannot be done, the warning says what to do.
 */
export function planNameOrder(
  ctx: PlanContext,
  nets: Networks,
  participating: ServicePlan[],
): void {
  const { project, options, model } = ctx;
  const sharedKeys = new Set<string>();
  for (const s of participating) {
    for (const m of s.after ?? []) {
      if (nets.isShared(m.key) && !nets.isInternalOnly(m.key)) sharedKeys.add(m.key);
    }
  }
  for (const sharedKey of sharedKeys) {
    const shared = sharedNetworkName(model, sharedKey, project, options.host);
    if (shared === undefined || !options.host?.staying.has(shared)) continue;
    const clash = collision(ctx, nets, participating, sharedKey, shared);
    if (!clash) continue;
    settle(ctx, shared, clash);
    return;
  }
}

/** Where an app would reach another project's service by the name of one of its own. */
interface Clash {
  app: ServicePlan;
  /** The name both answer. */
  name: string;
  /** The app's own service of that name. */
  service: string;
  /** The network of the project the app reaches it on. */
  via: string;
  /** The other project's services that answer the name, as the warning names them. */
  others: string;
}

/** Names the internal network so that Docker searches it first, or says what to do where it cannot. */
function settle(ctx: PlanContext, shared: string, clash: Clash): void {
  const { plan, project, model } = ctx;
  const internalKey = plan.internal.key;
  const wanted = `${internalKey}_${project}`;
  const canName =
    clash.via === internalKey &&
    // the internal network composemod declares: it is not in the file yet
    !model.networks.has(internalKey) &&
    !plan.internal.noEgress &&
    !versionWithoutNetworkName(model.file.data.version) &&
    wanted < shared;
  const what = `looks names up on \`${shared}\` before \`${clash.via}\`, and \`${clash.name}\` there is also ${clash.others}`;
  if (canName) {
    plan.internal.name = wanted;
    ctx.warn(
      "name-order",
      `${what}: \`${internalKey}\` is named \`${wanted}\`, which Docker searches first, so that it keeps reaching its own \`${clash.service}\``,
      clash.app.name,
    );
  } else {
    ctx.warn(
      "name-order",
      `${what}: it may reach theirs instead of its own \`${clash.service}\`; give \`${clash.via}\` a \`name:\` that sorts before \`${shared}\`, or \`${clash.service}\` another name`,
      clash.app.name,
    );
  }
}

/**
 * A service off the shared network whose name a service of another project that stays there
 * answers, and an app on the shared network that reaches it on a network of the project that
 * Docker searches after the shared one.
 */
function collision(
  ctx: PlanContext,
  nets: Networks,
  participating: ServicePlan[],
  sharedKey: string,
  shared: string,
): Clash | undefined {
  const { project, options } = ctx;
  const on = (s: ServicePlan, key: string) => s.after!.some((m) => m.key === key);
  const apps = participating.filter((s) => s.after && on(s, sharedKey));
  if (apps.length === 0) return undefined;
  for (const s of participating) {
    if (!s.after || on(s, sharedKey)) continue;
    for (const entry of s.after) {
      if (nets.isShared(entry.key)) continue;
      const { name: own, last } = searchOrder(ctx, nets, entry.key);
      if (!last && own < shared) continue;
      let others: string[] = [];
      const name = namesOn(project, ctx.serviceOf(s.name), entry.settings).find((n) => {
        others = stayersOf(options.host, project, shared, n).map(
          (a) => `${a.project}/${a.service}`,
        );
        return others.length > 0;
      });
      if (name === undefined) continue;
      const app = apps.find((a) => a !== s && on(a, entry.key));
      if (!app) continue;
      const first = others.slice(0, 3).map((o) => `\`${o}\``);
      const more = others.length - first.length;
      return {
        app,
        name,
        service: s.name,
        via: entry.key,
        others: first.join(", ") + (more > 0 ? ` and ${more} more` : ""),
      };
    }
  }
  return undefined;
}

/** A network of the project as Docker knows it, and whether Docker searches it last. */
function searchOrder(
  ctx: PlanContext,
  nets: Networks,
  key: string,
): { name: string; last: boolean } {
  const { plan, project, model } = ctx;
  if (key === plan.internal.key && !model.networks.has(key)) {
    return { name: plan.internal.name ?? `${project}_${key}`, last: plan.internal.noEgress };
  }
  return {
    name: model.networks.get(key)?.fixedName ?? `${project}_${key}`,
    last: nets.isInternalOnly(key),
  };
}
