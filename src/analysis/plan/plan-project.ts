import { entriesEditable } from "../../compose/editability";
import {
  ComposeModel,
  Membership,
  NetworkDecl,
  sameMembership,
  ServiceModel,
} from "../../compose/model";
import { uniqueWarnings, Warning } from "../../report/warning";
import type { Classification, Role } from "../classify";
import { carriedPorts, routingOf } from "../evidence";
import { connectServices } from "./connectivity";
import { planDeclarations, planModernize } from "./declarations";
import type { PlanOptions } from "./options";
import { planAppPorts, planDatabasePorts, warnBackendPorts } from "./ports";
import { othersOn } from "../host-index";
import { detectProxyNetwork, freeKey } from "./proxy-network";
import { foreignReferences, projectHostNames } from "./references";
import { hostFor, proxyKindOf, routedPort, routingEntries } from "./routing";
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
 * Plans the target state of DESIGN.md for one project; with `modernize`, also the legacy
 * `external: {name: x}` networks rewritten as `external: true` + `name: x`.
 */
export function planProject(input: PlanInput, options: PlanOptions): Plan {
  const plan = planTarget(input, options);
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

/** What a project's networks are to the rest of the host. */
interface Networks {
  /** Shared with other projects: external, or used undeclared by a routed service (declared by a file merged in, a platform's). */
  isShared(key: string): boolean;
  /** The shared proxy network's key: external with the proxy's real name, or the undeclared network a routed app is on. */
  isProxy(key: string): boolean;
  /** `internal: true`: no traffic to the outside. */
  isInternalOnly(key: string): boolean;
  /** What makes two keys one network: a shared network's real name, else the key. */
  identity(key: string): string;
  realName(key: string): string;
}

function servicePlans(model: ComposeModel, roles: Map<string, Classification>): ServicePlan[] {
  return model.services.map((service) => {
    const c = roles.get(service.name) ?? {
      role: "backend" as Role,
      rule: "backend" as const,
      reason: "",
    };
    return {
      name: service.name,
      role: c.role,
      rule: c.rule,
      reason: c.reason,
      routing: c.routing,
      before: service.membership,
      after: service.membership,
      networksChanged: false,
      ports: service.ports.map((p) => p.text),
      commentPorts: [],
      rebindPorts: [],
      addLabels: [],
      addEnvironment: [],
    };
  });
}

function planTarget(
  { model, roles, project, warnings: early }: PlanInput,
  options: PlanOptions,
): Plan {
  const warnings: Warning[] = [...(early ?? [])];
  const warn = (code: Warning["code"], message: string, service?: string) =>
    warnings.push(service === undefined ? { code, message } : { code, service, message });
  const byName = new Map(model.services.map((s) => [s.name, s]));
  const serviceOf = (name: string): ServiceModel => byName.get(name)!;
  const services = servicePlans(model, roles);
  const internalDecl = model.networks.get(options.internalNetwork);
  const plan: Plan = {
    action: "keep",
    reasonCode: "already-isolated",
    reason: "",
    services,
    proxy: { key: "proxy", realName: options.proxyNetwork ?? "proxy", declare: false, used: false },
    modernize: [],
    internal: {
      key: options.internalNetwork,
      declare: false,
      used: false,
      driver: options.driver,
      noEgress: options.noEgress,
    },
    warnings,
  };
  const leave = (action: "skip" | "keep", reasonCode: PlanReason, reason: string): Plan => ({
    ...plan,
    warnings: uniqueWarnings(warnings),
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
  if (internalDecl?.external || internalDecl?.fixedName) {
    return leave(
      "skip",
      "internal-name-shared",
      `the internal network name \`${options.internalNetwork}\` is a network shared with other projects here (choose another with --internal-network)`,
    );
  }

  const proxies = services.filter((s) => s.role === "proxy" && s.before);
  const movable = services.filter(
    (s) => (s.role === "app" || s.role === "database" || s.role === "backend") && s.before,
  );
  const routedOn = new Set<string>();
  for (const s of movable) {
    if (s.routing) for (const m of s.before!) routedOn.add(m.key);
  }
  const undeclared = [
    ...new Set(
      [...movable, ...proxies].flatMap((s) =>
        s
          .before!.filter((m) => m.key !== "default" && !model.networks.has(m.key))
          .map((m) => m.key),
      ),
    ),
  ];
  const fragment = undeclared.filter((key) => routedOn.has(key));
  const unexplained = undeclared.filter((key) => !routedOn.has(key));
  if (unexplained.length) {
    return leave(
      "skip",
      "undeclared-network",
      `network \`${unexplained[0]}\` is used but not declared in the file (a fragment of a larger project?); declare it, or run composemod on the project's files together`,
    );
  }
  for (const key of fragment) {
    warn(
      "shared-network-kept",
      `network \`${key}\` is not declared here: taken for the proxy's network that a file merged with this one declares (a platform's, as runtipi's); set --proxy-network to name it`,
    );
  }

  const detected = options.proxyNetwork ? undefined : detectProxyNetwork(model, roles, fragment);
  const proxyName = options.proxyNetwork ?? detected?.name;
  const existingProxy = proxyName
    ? ([...model.networks.values()].find((d) => d.external && d.realName === proxyName)?.key ??
      fragment.find((key) => key === proxyName))
    : undefined;
  const proxyKey = existingProxy ?? freeKey(model, proxyName ?? "proxy");
  plan.proxy = { key: proxyKey, realName: proxyName ?? "proxy", declare: false, used: false };
  const nets: Networks = {
    isShared: (key) => {
      const d = model.networks.get(key);
      if (d?.external || fragment.includes(key)) return true;
      // a fixed `name:` that another project of the run names too
      return d?.fixedName !== undefined && othersOn(options.host, d.fixedName, project).length > 0;
    },
    isProxy: (key) => {
      if (proxyName === undefined) return false;
      const d = model.networks.get(key);
      return d
        ? d.external && d.realName === proxyName
        : fragment.includes(key) && key === proxyName;
    },
    isInternalOnly: (key) => {
      const cfg = (model.file.data.networks as Record<string, unknown> | undefined)?.[key];
      return !!cfg && typeof cfg === "object" && (cfg as Record<string, unknown>).internal === true;
    },
    identity: (key) => {
      const d: NetworkDecl | undefined = model.networks.get(key);
      return d?.external || d?.fixedName ? `named:${d.realName}` : `project:${key}`;
    },
    realName: (key) => model.networks.get(key)?.realName ?? key,
  };
  if (detected?.others.length) {
    warn(
      "proxy-network-ambiguous",
      `took \`${proxyName}\` for the proxy network; \`${detected.others.join("`, `")}\` could be it too (set --proxy-network to choose)`,
    );
  }
  for (const s of movable) {
    if (s.role === "database" && routingOf(serviceOf(s.name))) {
      warn(
        "database-routed",
        `has proxy routing but is a data store, so it leaves the proxy network; give it --app ${s.name} if the proxy must reach it`,
        s.name,
      );
    }
    if (s.role === "database") {
      for (const m of s.before!) {
        const fixed = model.networks.get(m.key)?.fixedName;
        if (!fixed || model.networks.get(m.key)?.external) continue;
        const others = othersOn(options.host, fixed, project);
        if (others.length) {
          warn(
            "shared-network-kept",
            `leaves \`${fixed}\`, a network with a fixed name that ${others.map((p) => `\`${p}\``).join(", ")} name too`,
            s.name,
          );
        } else {
          warn(
            "shared-network-kept",
            `is on \`${fixed}\`, a network with a fixed name: every project that names it joins it (no other project of this run does; run composemod over them together to know)`,
            s.name,
          );
        }
      }
    }
  }

  if (proxies.length) return planProxyStack(plan, model, proxies, movable, nets, options, warnings);
  if (movable.length === 0) return leave("keep", "nothing-to-isolate", "no service to isolate");
  if (movable.every((s) => s.role === "database")) {
    for (const s of movable) {
      if (serviceOf(s.name).ports.some((p) => !p.loopback)) {
        warn(
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
  const hostNetwork = services.some((s) => serviceOf(s.name).data.network_mode === "host");
  const rebind = options.ports === "rebind" || hostNetwork;

  // --virtual-host: apps nothing routes to yet are put behind the proxy
  const kind = options.proxyKind ?? proxyKindOf(roles) ?? "nginx-proxy";
  const routes = new Map<string, ReturnType<typeof routingEntries>>();
  if (options.virtualHost && (behindProxy || putBehind)) {
    for (const s of apps) {
      if (s.routing) continue;
      const svc = serviceOf(s.name);
      const port = routedPort(svc);
      if (port === undefined) {
        warn("edit-by-hand", "no routing added: none of its ports looks like HTTP", s.name);
        continue;
      }
      const host = hostFor(options.virtualHost, project, s.name);
      const entries = routingEntries(kind, host, port, project, s.name, plan.proxy.realName);
      const blocked = (["environment", "labels"] as const).find(
        (b) =>
          (b === "labels" ? entries.labels : entries.environment).length &&
          !entriesEditable(model, svc, b),
      );
      if (blocked) {
        warn(
          "edit-by-hand",
          `add the ${kind} routing by hand (its ${blocked} come from elsewhere)`,
          s.name,
        );
        continue;
      }
      routes.set(s.name, entries);
      s.routing = kind;
    }
  }

  const participating = movable;
  if (!behindProxy && !putBehind) {
    for (const s of routedApps) {
      warn(
        "routing-without-shared-network",
        `routed by ${s.routing} but on no shared network: composemod adds none (the host may not have it); --proxy-network NAME puts the project behind that proxy`,
        s.name,
      );
    }
    for (const s of participating) {
      if (s.role === "database") planDatabasePorts(s, serviceOf(s.name), rebind, warnings);
      else if (s.role === "backend") warnBackendPorts(s, serviceOf(s.name), warnings);
    }
    return finish(plan, model, participating, nets, options, warnings, {
      reasonWhenKept:
        "not behind a shared proxy: no service is on an external network, and no database publishes a port beyond the host",
      reasonCodeWhenKept: "not-behind-proxy",
    });
  }

  if (!proxyName && !putBehind) {
    for (const s of participating) {
      for (const m of s.before!) {
        if (s.role !== "database" && nets.isShared(m.key)) {
          warn(
            "shared-network-kept",
            `stays on \`${nets.realName(m.key)}\`: nothing routed is on it, so composemod cannot tell whether it is the proxy's (set --proxy-network ${nets.realName(m.key)} if it is, or --app NAME)`,
            s.name,
          );
        }
      }
    }
  }

  // 1. Each role's own rule.
  const own = projectHostNames(model);
  const hasDataStore = participating.some((s) => s.role === "database");
  const rules = new Map<string, { next: Membership[]; gone: Membership[] }>();
  for (const s of participating) {
    const before = s.before!;
    const svc = serviceOf(s.name);
    let gone: Membership[] = [];
    if (s.role === "database") {
      gone = before.filter((m) => nets.isShared(m.key));
    } else if (s.role === "backend") {
      gone = before.filter((m) => nets.isProxy(m.key));
      const foreign = gone.length ? foreignReferences(svc, own, hasDataStore) : [];
      if (foreign.length) {
        const names = foreign.map((f) =>
          f.unknown ? `${f.host} (${f.via})` : `\`${f.host}\` (${f.via})`,
        );
        warn(
          "cross-project-connection",
          `stays on \`${plan.proxy.realName}\`: it reaches ${names.join(", ")}, which this project does not define: most likely another project's container on that network, and moving it would cut that connection`,
          s.name,
        );
        gone = [];
      }
      for (const m of before) {
        if (nets.isShared(m.key) && !nets.isProxy(m.key) && proxyName) {
          warn(
            "shared-network-kept",
            `stays on network \`${nets.realName(m.key)}\`, which other projects share`,
            s.name,
          );
        }
      }
    }
    let next = before.filter((m) => !gone.includes(m));
    if (s.role === "app" && (proxyName || putBehind) && !before.some((m) => nets.isProxy(m.key))) {
      next = [...next, { key: proxyKey, settings: null }];
    }
    // a service that leaves the only network that reached the outside keeps a way out
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

  // 2. Services that shared a network still share one.
  const connected = connectServices({
    services,
    participating,
    implicit: new Set(model.services.filter((s) => s.implicitNetworks).map((s) => s.name)),
    rules,
    internal: options.internalNetwork,
    identity: nets.identity,
    isExternal: nets.isShared,
  });
  warnings.push(...connected.warnings);
  for (const s of participating) {
    s.after = connected.after.get(s.name)!;
    s.networksChanged = !sameMembership(s.after, s.before);
  }

  // 3. Ports and labels.
  for (const s of participating) {
    const svc = serviceOf(s.name);
    if (s.role === "database") planDatabasePorts(s, svc, rebind, warnings);
    else if (s.role === "backend") warnBackendPorts(s, svc, warnings);
    else if (s.role === "app") {
      const route = routes.get(s.name);
      if (route) {
        s.addEnvironment.push(...route.environment.filter(([k]) => !svc.environment.has(k)));
        s.addLabels.push(...route.labels.filter(([k]) => !svc.labels.has(k)));
      }
      if (
        s.routing === "traefik" &&
        s.after!.length > 1 &&
        !svc.labels.has("traefik.docker.network") &&
        !s.addLabels.some(([k]) => k === "traefik.docker.network") &&
        s.after!.some((m) => m.key === proxyKey)
      ) {
        if (fragment.includes(proxyKey)) {
          // declared elsewhere: its real name is not known here, and a wrong one breaks routing
          warn(
            "edit-by-hand",
            `on two networks now: unless Traefik's own configuration names its network, add the label traefik.docker.network with the real name of \`${proxyKey}\``,
            s.name,
          );
        } else if (entriesEditable(model, svc, "labels")) {
          s.addLabels.push(["traefik.docker.network", plan.proxy.realName]);
        } else {
          warn(
            "edit-by-hand",
            `add the label traefik.docker.network=${plan.proxy.realName} by hand (its labels come from elsewhere)`,
            s.name,
          );
        }
      }
    }
    warnLinks(s, svc, byName, warnings);
  }
  // an app's own ports go only with a change that isolates the project (or --ports comment)
  const isolating = participating.some(
    (s) =>
      s.networksChanged ||
      s.commentPorts.length ||
      s.rebindPorts.length ||
      s.addLabels.length ||
      s.addEnvironment.length,
  );
  for (const s of participating) {
    if (s.role !== "app") continue;
    const svc = serviceOf(s.name);
    const routing = routingOf(svc);
    const proxied =
      routes.has(s.name) ||
      (routing !== undefined &&
        !routing.uncertain &&
        s.after!.some((m) => nets.isProxy(m.key) || m.key === proxyKey));
    if (!isolating && options.ports !== "comment") {
      if (svc.ports.length && s.routing === undefined) {
        warn(
          "app-ports-kept",
          "ports kept: nothing routes to it through the proxy yet (add routing or use --ports comment)",
          s.name,
        );
      }
      continue;
    }
    const carried = routes.has(s.name) ? [routedPort(svc)!] : carriedPorts(svc, routing);
    planAppPorts(s, svc, options.ports, { proxied, carried }, warnings);
  }
  return finish(plan, model, participating, nets, options, warnings, {
    reasonWhenKept:
      "already isolated: databases are on project networks only and apps on the proxy network",
    reasonCodeWhenKept: "already-isolated",
  });
}

/**
 * The proxy's own stack: the proxy stays as it is, on every network it is on (other projects'
 * apps join them), but a database of the stack leaves them for the internal network, which the
 * proxy joins to keep reaching it. A database port beyond the host ends as anywhere else.
 */
function planProxyStack(
  plan: Plan,
  model: ComposeModel,
  proxies: ServicePlan[],
  movable: ServicePlan[],
  nets: Networks,
  options: PlanOptions,
  warnings: Warning[],
): Plan {
  const names = proxies.map((s) => s.name).join(", ");
  const proxyNets = new Set(proxies.flatMap((s) => s.before!.map((m) => nets.identity(m.key))));
  const shared = (key: string) => nets.isShared(key) || proxyNets.has(nets.identity(key));
  const databases = movable.filter((s) => s.role === "database");
  const byName = new Map(model.services.map((s) => [s.name, s]));
  const exposed = databases.filter((s) => s.before!.some((m) => shared(m.key)));
  const hostNetwork = plan.services.some((s) => byName.get(s.name)!.data.network_mode === "host");
  for (const s of databases)
    planDatabasePorts(s, byName.get(s.name)!, options.ports === "rebind" || hostNetwork, warnings);
  if (exposed.length) {
    const rules = new Map<string, { next: Membership[]; gone: Membership[] }>();
    for (const s of exposed) {
      const gone = s.before!.filter((m) => shared(m.key));
      rules.set(s.name, { next: s.before!.filter((m) => !gone.includes(m)), gone });
    }
    const participating = [...proxies, ...exposed];
    for (const s of proxies) rules.set(s.name, { next: s.before!, gone: [] });
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
    warnings.push(...connected.warnings);
    for (const s of participating) {
      s.after = connected.after.get(s.name)!;
      s.networksChanged = !sameMembership(s.after, s.before);
    }
  }
  const participating = [...proxies, ...databases];
  const result = finish(plan, model, participating, nets, options, warnings, {
    reasonWhenKept: `runs the reverse proxy itself (${names}): the proxy stays as it is, and no database of its stack is on its networks`,
    reasonCodeWhenKept: "proxy-stack",
  });
  return result.action === "keep" ? { ...result, action: "skip" } : result;
}

/** Declarations, and the plan's action and reason from what it does. */
function finish(
  plan: Plan,
  model: ComposeModel,
  participating: ServicePlan[],
  nets: Networks,
  options: PlanOptions,
  warnings: Warning[],
  kept: { reasonWhenKept: string; reasonCodeWhenKept: PlanReason },
): Plan {
  const usesKey = (key: string) => participating.some((s) => s.after?.some((m) => m.key === key));
  // a key refers to the proxy network already: declared, or used undeclared as a platform's
  const existingProxy = model.networks.has(plan.proxy.key) || nets.isShared(plan.proxy.key);
  planDeclarations(plan, usesKey, model.networks.has(options.internalNetwork), existingProxy);
  plan.warnings = uniqueWarnings(warnings);
  const done: string[] = [];
  const any = (test: (s: ServicePlan) => boolean) => participating.some(test);
  if (any((s) => s.networksChanged && s.role === "database")) done.push("databases isolated");
  else if (any((s) => s.networksChanged && s.role === "backend")) {
    done.push("backends moved off the proxy network");
  } else if (any((s) => s.networksChanged)) done.push("apps put on the proxy network");
  if (
    any(
      (s) =>
        s.addEnvironment.length > 0 ||
        (s.addLabels.length > 0 && s.addLabels.some(([k]) => k !== "traefik.docker.network")),
    )
  ) {
    done.push("routing added");
  }
  if (any((s) => s.role === "database" && s.rebindPorts.length > 0))
    done.push("database ports rebound to loopback");
  if (any((s) => s.role === "database" && s.commentPorts.length > 0))
    done.push("database ports commented out");
  if (any((s) => s.role === "app" && s.commentPorts.length > 0))
    done.push("app ports commented out");
  if (done.length === 0 && any((s) => s.addLabels.length > 0))
    done.push("Traefik network label added");
  if (done.length === 0) {
    return {
      ...plan,
      action: "keep",
      reasonCode: kept.reasonCodeWhenKept,
      reason: kept.reasonWhenKept,
    };
  }
  return { ...plan, action: "change", reasonCode: "isolates", reason: done.join("; ") };
}

/** `links` and `external_links` to containers that stop resolving once they share no network. */
function warnLinks(
  s: ServicePlan,
  service: ServiceModel,
  services: Map<string, ServiceModel>,
  warnings: Warning[],
): void {
  if (!s.networksChanged) return;
  for (const kind of ["links", "external_links"] as const) {
    const value = service.data[kind];
    if (!Array.isArray(value)) continue;
    for (const link of value) {
      const target = String(link).split(":")[0];
      if (kind === "external_links" || !services.has(target)) {
        warnings.push({
          code: "links-stop-resolving",
          service: s.name,
          message: `${kind} to \`${target}\` stops resolving once that container no longer shares a network`,
        });
      }
    }
  }
}
