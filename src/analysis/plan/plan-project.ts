import { ComposeModel, sameMembership } from "../../compose/model";
import { uniqueWarnings, Warning } from "../../report/warning";
import type { Classification } from "../classify";
import { routingOf } from "../evidence";
import { connectServices } from "./connectivity";
import { PlanContext, startPlan } from "./context";
import { planModernize } from "./declarations";
import { membershipRules, warnUnknownProxy } from "./membership";
import { projectNetworks, warnFixedNames } from "./networks";
import type { PlanOptions } from "./options";
import { conclude, warnLinks } from "./outcome";
import { planDatabasePorts, planProjectAppPorts, warnBackendPorts } from "./ports";
import { othersOn } from "../host-index";
import { planNameOrder } from "./name-order";
import { planProxyStack } from "./proxy-stack";
import { checkPlan } from "./safety";
import { swarmEvidence } from "./swarm";
import { planRoutingEntries, planVirtualHosts, Routes } from "./routing";
import type { Plan, PlanReason } from "./types";

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
 * Plans the target state of DESIGN.md for one project; with `modernize`, also the legacy
 * `external: {name: x}` networks rewritten as `external: true` + `name: x`.
 */
export function planProject(input: PlanInput, options: PlanOptions): Plan {
  const swarm = swarmEvidence(input.model);
  // a network composemod adds to a swarm stack file is an overlay network: swarm refuses a bridge
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

/**
 * The steps, in order: what leaves the project alone (its own say-so, a taken internal name, a
 * network it does not declare), what its networks are to the host, the proxy's own stack, a
 * project of databases alone; then, for a project behind a shared proxy (or put behind one by
 * --virtual-host or --proxy-network), each role's rule, the repair that keeps services
 * connected, routing entries and ports; for any other project, only database ports.
 */
function planTarget(input: PlanInput, options: PlanOptions): Plan {
  const { model, roles, project } = input;
  const plan = startPlan(model, roles, options, [...(input.warnings ?? [])]);
  const byName = new Map(model.services.map((s) => [s.name, s]));
  const ctx: PlanContext = {
    model,
    project,
    options,
    plan,
    warn: (code, message, service) =>
      plan.warnings.push(service === undefined ? { code, message } : { code, service, message }),
    serviceOf: (name) => byName.get(name)!,
    held: new Map(),
  };
  const leave = (action: "skip" | "keep", reasonCode: PlanReason, reason: string): Plan => ({
    ...plan,
    warnings: uniqueWarnings(plan.warnings),
    action,
    reasonCode,
    reason,
  });

  const fileExt = model.file.data["x-composemod"];
  if (
    fileExt &&
    typeof fileExt === "object" &&
    (fileExt as Record<string, unknown>).ignore === true
  ) {
    return leave("skip", "ignored-in-file", "x-composemod.ignore is set in the file");
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
      "skip",
      "internal-name-shared",
      `the internal network name \`${options.internalNetwork}\` is a network shared with other projects here (choose another with --internal-network)`,
    );
  }
  const proxies = plan.services.filter((s) => s.role === "proxy" && s.before);
  const movable = plan.services.filter(
    (s) => (s.role === "app" || s.role === "database" || s.role === "backend") && s.before,
  );
  const nets = projectNetworks(ctx, roles, movable, proxies);
  if (!("isShared" in nets)) {
    return leave(
      "skip",
      "undeclared-network",
      `network \`${nets.key}\` is used but not declared in the file (a fragment of a larger project?); declare it, or run composemod on the project's files together`,
    );
  }
  for (const s of movable) {
    if (s.role === "database" && routingOf(ctx.serviceOf(s.name))) {
      ctx.warn(
        "database-routed",
        `has proxy routing but is a data store, so it leaves the proxy network; give it --app ${s.name} if the proxy must reach it`,
        s.name,
      );
    }
  }
  warnFixedNames(
    ctx,
    movable.filter((s) => s.role === "database"),
  );
  const hostNetwork = model.services.some((s) => s.data.network_mode === "host");
  const rebind = options.ports === "rebind" || hostNetwork;

  if (proxies.length) {
    return planProxyStack(ctx, nets, proxies, movable, rebind, (code, reason) =>
      leave("skip", code, reason),
    );
  }
  if (movable.length === 0) return leave("keep", "nothing-to-isolate", "no service to isolate");
  // databases alone, with nothing else of the project beside them (a host-network service that
  // uses them through the host is something else)
  if (plan.services.every((s) => s.role === "database")) {
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
      "keep",
      "shared-database-service",
      "only databases: a shared database service, reaching it is its purpose",
    );
  }

  const behindProxy = movable.some((s) => s.before!.some((m) => nets.isShared(m.key)));
  const apps = movable.filter((s) => s.role === "app");
  const routedApps = apps.filter((s) => s.routing !== undefined);
  // only the user puts a project behind a proxy: composemod never adds a network the host may not have
  const putBehind =
    !behindProxy &&
    apps.length > 0 &&
    (options.virtualHost !== undefined ||
      (options.proxyNetwork !== undefined && routedApps.length > 0));
  if (!behindProxy && !putBehind) {
    for (const s of routedApps) {
      ctx.warn(
        "routing-without-shared-network",
        `routed by ${s.routing} but on no shared network: composemod adds none (the host may not have it); --proxy-network NAME puts the project behind that proxy`,
        s.name,
      );
    }
    for (const s of movable) {
      if (s.role === "database") planDatabasePorts(s, ctx.serviceOf(s.name), rebind, plan.warnings);
      else if (s.role === "backend") warnBackendPorts(s, ctx.serviceOf(s.name), plan.warnings);
    }
    return conclude(ctx, nets, movable, {
      code: "not-behind-proxy",
      reason:
        "not behind a shared proxy: no service is on an external network, and no database publishes a port beyond the host",
    });
  }

  const routes: Routes = planVirtualHosts(ctx, apps, roles);
  if (!nets.proxyName && !putBehind) warnUnknownProxy(ctx, nets, movable);
  const rules = membershipRules(ctx, nets, movable, nets.proxyName !== undefined || putBehind);
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
    const svc = ctx.serviceOf(s.name);
    if (s.role === "database") planDatabasePorts(s, svc, rebind, plan.warnings);
    else if (s.role === "backend") warnBackendPorts(s, svc, plan.warnings);
    else if (s.role === "app") planRoutingEntries(ctx, nets, s, routes);
    warnLinks(ctx, s, byName);
  }
  planProjectAppPorts(ctx, nets, movable, routes);
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
