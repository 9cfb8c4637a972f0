import { ComposeModel, sameMembership } from "../../compose/model";
import { uniqueWarnings, Warning } from "../../base/warning";
import { othersOn } from "../host-index";
import { POLICIES } from "../roles/table";
import type { Classification } from "../roles/types";
import { connectServices } from "./connectivity";
import { MembershipRule, Networks, PlanContext, PlanMode, startPlan } from "./context";
import { planModernize } from "./declarations";
import { warnUnknownProxy } from "./membership";
import { planNameOrder } from "./name-order";
import { projectNetworks } from "./networks";
import type { PlanOptions } from "./options";
import { conclude, warnLinks } from "./outcome";
import { planProxyStack } from "./proxy-stack";
import { planVirtualHosts } from "./routing";
import { checkPlan } from "./safety";
import { swarmEvidence } from "./swarm";
import type { Plan, PlanReason, ServicePlan } from "./types";

/** The project a plan is for: its merged services and networks, its roles and its name. */
export interface PlanInput {
  model: ComposeModel;
  roles: Map<string, Classification>;
  /** The project name as Compose computes it, for `{project}` in --virtual-host. */
  project: string;
  /** Warnings classification already has about the project. */
  warnings?: Warning[];
}

/**
 * Plans the target state of DESIGN.md for one project, checked against the gates of the safety
 * check; with `modernize`, also the legacy `external: {name: x}` networks rewritten as
 * `external: true` + `name: x`. A swarm stack file's new network is an overlay network.
 */
export function planProject(input: PlanInput, options: PlanOptions): Plan {
  const swarm = swarmEvidence(input.model);
  const planned = planTarget(input, swarm ? { ...options, driver: "overlay" } : options);
  const plan = gated(input, options, planned, swarm !== undefined);
  if (!options.modernize || plan.action === "skip") return plan;
  plan.modernize = planModernize(input.model, plan.warnings);
  if (plan.action === "keep" && plan.modernize.length) {
    return {
      ...plan,
      action: "change",
      reasonCode: "modernizes",
      reason: "legacy external networks modernized",
    };
  }
  if (plan.modernize.length) plan.reason += "; legacy external networks modernized";
  return plan;
}

/**
 * The plan as it may be carried out: a plan that breaks a gate of the safety check is not
 * written; the project is left as it is, saying which services and connections, and what would
 * make composemod act.
 */
function gated(input: PlanInput, options: PlanOptions, plan: Plan, swarm: boolean): Plan {
  if (plan.action !== "change") return plan;
  const breaches = checkPlan({ model: input.model, project: input.project, options, plan, swarm });
  if (breaches.length === 0) return plan;
  return {
    ...plan,
    action: "skip",
    reasonCode: breaches[0].code,
    reason: `left as it is, since the rewrite would break the stack: ${breaches.map((b) => b.message).join("; ")}`,
    services: plan.services.map((s) => ({
      ...s,
      after: s.before,
      networksChanged: false,
      commentPorts: [],
      rebindPorts: [],
      addLabels: [],
      addEnvironment: [],
    })),
    internal: { ...plan.internal, declare: false, used: false },
    proxy: { ...plan.proxy, declare: false, used: false },
  };
}

/** The plan left as it is, for a stated reason. */
function leave(
  ctx: PlanContext,
  action: "skip" | "keep",
  reasonCode: PlanReason,
  reason: string,
): Plan {
  const { plan } = ctx;
  return { ...plan, warnings: uniqueWarnings(plan.warnings), action, reasonCode, reason };
}

/**
 * The steps, in order: what leaves the project alone (its own say-so, a taken internal name, a
 * network it does not declare), what its networks are to the host, each service's notes, the
 * proxy's own stack, a project of databases alone; then each role's policy: for a project behind
 * a shared proxy (or put behind one by --virtual-host or --proxy-network) its networks, the
 * repair that keeps services connected and its ports and entries; for any other project, its
 * ports alone.
 */
function planTarget(input: PlanInput, options: PlanOptions): Plan {
  const ctx = contextOf(input, options);
  const stop = guard(ctx);
  if (stop) return stop;
  const proxies = ctx.plan.services.filter((s) => s.before && ctx.policyOf(s).edge);
  const movable = ctx.plan.services.filter((s) => s.before && ctx.policyOf(s).moves);
  const nets = projectNetworks(ctx, input.roles, movable, proxies);
  if (!("isShared" in nets)) {
    return leave(
      ctx,
      "skip",
      "undeclared-network",
      `network \`${nets.key}\` is used but not declared in the file (a fragment of a larger project?); declare it, or run composemod on the project's files together`,
    );
  }
  for (const s of movable) ctx.policyOf(s).notes?.(ctx, nets, s);
  const hostNetworkMode = ctx.model.services.some((s) => s.data.network_mode === "host");
  const rebind = options.ports === "rebind" || hostNetworkMode;
  if (proxies.length) {
    return planProxyStack(ctx, nets, proxies, movable, rebind, (code, reason) =>
      leave(ctx, "skip", code, reason),
    );
  }
  if (movable.length === 0)
    return leave(ctx, "keep", "nothing-to-isolate", "no service to isolate");
  // databases alone, with nothing else of the project beside them (a host-network service that
  // uses them through the host is something else)
  if (ctx.plan.services.every((s) => ctx.policyOf(s).holdsData))
    return sharedDatabases(ctx, movable);
  const behindProxy = movable.some((s) => s.before!.some((m) => nets.isShared(m.key)));
  const apps = movable.filter((s) => ctx.policyOf(s).entry);
  const routedApps = apps.filter((s) => s.routing !== undefined);
  // only the user puts a project behind a proxy: composemod never adds a network the host may not have
  const putBehind =
    !behindProxy &&
    apps.length > 0 &&
    (options.virtualHost !== undefined ||
      (options.proxyNetwork !== undefined && routedApps.length > 0));
  if (!behindProxy && !putBehind) return planAlone(ctx, nets, movable, routedApps, rebind);
  const mode: PlanMode = { behind: true, rebind, routes: planVirtualHosts(ctx, apps, input.roles) };
  if (!nets.proxyName && !putBehind) warnUnknownProxy(ctx, nets, movable);
  return planBehind(ctx, nets, movable, mode, nets.proxyName !== undefined || putBehind);
}

/** What every step reads and writes: the project, the options, and the plan as it grows. */
function contextOf(input: PlanInput, options: PlanOptions): PlanContext {
  const { model, roles, project } = input;
  const plan = startPlan(model, roles, options, [...(input.warnings ?? [])]);
  const byName = new Map(model.services.map((s) => [s.name, s]));
  return {
    model,
    project,
    options,
    plan,
    warn: (code, message, service) =>
      plan.warnings.push(service === undefined ? { code, message } : { code, service, message }),
    serviceOf: (name) => byName.get(name)!,
    policyOf: (s) => POLICIES[s.role],
    held: new Map(),
  };
}

/** The user's say-so or the project's own, or an internal network name another project has: left alone. */
function guard(ctx: PlanContext): Plan | undefined {
  const { model, options, project } = ctx;
  if (options.skipped !== undefined) return leave(ctx, "skip", "skipped-by-user", options.skipped);
  const fileExt = model.file.data["x-composemod"];
  if (
    fileExt &&
    typeof fileExt === "object" &&
    (fileExt as Record<string, unknown>).ignore === true
  ) {
    return leave(ctx, "skip", "ignored-in-file", "x-composemod.ignore is set in the file");
  }
  const internalDecl = model.networks.get(options.internalNetwork);
  // a fixed name is another project's too, but for the one composemod gives it (name-order)
  if (
    internalDecl?.external ||
    (internalDecl?.fixedName !== undefined &&
      (internalDecl.fixedName !== `${options.internalNetwork}_${project}` ||
        othersOn(options.host, internalDecl.fixedName, project).length > 0))
  ) {
    return leave(
      ctx,
      "skip",
      "internal-name-shared",
      `the internal network name \`${options.internalNetwork}\` is a network shared with other projects here (choose another with --internal-network)`,
    );
  }
  return undefined;
}

/** Databases alone: a shared database service, whose published ports are its purpose. */
function sharedDatabases(ctx: PlanContext, movable: ServicePlan[]): Plan {
  for (const s of movable) {
    if (ctx.serviceOf(s.name).ports.some((p) => !p.loopback)) {
      ctx.warn(
        "shared-database-service",
        "a shared database service; its published ports are kept",
        s.name,
      );
    }
  }
  return leave(
    ctx,
    "keep",
    "shared-database-service",
    "only databases: a shared database service, reaching it is its purpose",
  );
}

/** A project on no shared network: no network changes, only each role's ports. */
function planAlone(
  ctx: PlanContext,
  nets: Networks,
  movable: ServicePlan[],
  routedApps: ServicePlan[],
  rebind: boolean,
): Plan {
  for (const s of routedApps) {
    ctx.warn(
      "routing-without-shared-network",
      `routed by ${s.routing} but on no shared network: composemod adds none (the host may not have it); --proxy-network NAME puts the project behind that proxy`,
      s.name,
    );
  }
  const mode: PlanMode = { behind: false, rebind, routes: new Map() };
  for (const s of movable) ctx.policyOf(s).edits?.(ctx, nets, s, mode);
  return conclude(ctx, nets, movable, {
    code: "not-behind-proxy",
    reason:
      "not behind a shared proxy: no service is on an external network, and no database publishes a port beyond the host",
  });
}

/**
 * A project behind a shared proxy: each role's networks, the repair that keeps every pair of
 * services that shared a network connected, then each role's ports and entries, and the order
 * Docker looks names up in.
 */
function planBehind(
  ctx: PlanContext,
  nets: Networks,
  movable: ServicePlan[],
  mode: PlanMode,
  joinProxy: boolean,
): Plan {
  const { model, plan, options } = ctx;
  const rules = new Map<string, MembershipRule>();
  for (const s of movable) rules.set(s.name, ctx.policyOf(s).networks!(ctx, nets, s, joinProxy));
  const connected = connectServices({
    services: plan.services,
    participating: movable,
    implicit: new Set(model.services.filter((s) => s.implicitNetworks).map((s) => s.name)),
    rules,
    internal: options.internalNetwork,
    identity: nets.identity,
    isExternal: nets.isShared,
  });
  plan.warnings.push(...connected.warnings);
  for (const s of movable) {
    s.after = connected.after.get(s.name)!;
    s.networksChanged = !sameMembership(s.after, s.before);
  }
  for (const s of movable) {
    ctx.policyOf(s).edits?.(ctx, nets, s, mode);
    warnLinks(ctx, s);
  }
  for (const policy of new Set(movable.map((s) => ctx.policyOf(s)))) {
    policy.settle?.(ctx, nets, movable, mode);
  }
  planNameOrder(ctx, nets, movable);
  if (ctx.held.size) {
    const held = [...ctx.held].map(([name, network]) => `\`${name}\` on \`${network}\``);
    return conclude(ctx, nets, movable, {
      code: "cross-project-kept",
      reason: `nothing else to isolate: ${held.join(", ")} stay${ctx.held.size === 1 ? "s" : ""} where another project reaches ${ctx.held.size === 1 ? "it" : "them"} by name`,
    });
  }
  return conclude(ctx, nets, movable, {
    code: "already-isolated",
    reason:
      "already isolated: databases are on project networks only and apps on the proxy network",
  });
}
