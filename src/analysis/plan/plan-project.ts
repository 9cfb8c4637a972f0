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
import { routingEvidence } from "../evidence";
import { connectServices } from "./connectivity";
import { planDeclarations, planModernize } from "./declarations";
import type { PlanOptions } from "./options";
import { planPorts } from "./ports";
import { detectProxyNetwork, freeKey } from "./proxy-network";
import { hostFor, proxyKindOf, routedPort, routingEntries } from "./routing";
import type { Plan, PlanReason, ServicePlan } from "./types";

/** The project a plan is for: its merged services and networks, its roles and its name. */
export interface PlanInput {
  model: ComposeModel;
  roles: Map<string, Classification>;
  /** The project name as Compose computes it, for `{project}` in --virtual-host. */
  project: string;
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
      reason: "modernizes legacy external networks",
    };
  }
  return plan;
}

function planTarget({ model, roles, project }: PlanInput, options: PlanOptions): Plan {
  const warnings: Warning[] = [];
  const warn = (code: Warning["code"], message: string, service?: string) =>
    warnings.push(service === undefined ? { code, message } : { code, service, message });
  const byName = new Map(model.services.map((s) => [s.name, s]));
  const serviceOf = (name: string): ServiceModel => byName.get(name)!;
  const detected = options.proxyNetwork ? undefined : detectProxyNetwork(model, roles);
  const proxyName = options.proxyNetwork ?? detected?.name ?? "proxy";
  const existingProxy = [...model.networks.values()].find(
    (d) => d.external && d.realName === proxyName,
  );
  const proxyKey = existingProxy?.key ?? freeKey(model, proxyName);
  const internalDecl = model.networks.get(options.internalNetwork);
  const services: ServicePlan[] = model.services.map((service) => {
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
      addLabels: [],
      addEnvironment: [],
    };
  });
  const plan: Plan = {
    action: "keep",
    reasonCode: "already-isolated",
    reason: "",
    services,
    proxy: { key: proxyKey, realName: proxyName, declare: false, used: false },
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
  const proxies = services.filter((s) => s.role === "proxy");
  if (proxies.length) {
    return leave(
      "skip",
      "proxy-stack",
      `runs the reverse proxy itself (${proxies.map((s) => s.name).join(", ")})`,
    );
  }
  const participating = services.filter(
    (s) => (s.role === "app" || s.role === "database" || s.role === "backend") && s.before,
  );
  if (participating.length === 0) {
    return leave("keep", "nothing-to-isolate", "no service to isolate");
  }
  if (participating.every((s) => s.role === "database")) {
    for (const s of participating) {
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
  if (detected?.others.length) {
    warn(
      "proxy-network-ambiguous",
      `took \`${proxyName}\` for the proxy network; \`${detected.others.join("`, `")}\` could be it too (set --proxy-network to choose)`,
    );
  }
  for (const s of participating) {
    if (s.role === "database" && routingEvidence(serviceOf(s.name))) {
      warn(
        "database-routed",
        `has proxy routing but is a data store, so it leaves the proxy network; give it --app ${s.name} if the proxy must reach it`,
        s.name,
      );
    }
  }
  if (internalDecl?.external || internalDecl?.fixedName) {
    return leave(
      "skip",
      "internal-name-shared",
      `the internal network name \`${options.internalNetwork}\` is a network shared with other projects here (choose another with --internal-network)`,
    );
  }

  const undeclared = participating.flatMap((s) =>
    s.before!.filter((m) => m.key !== "default" && !model.networks.has(m.key)).map((m) => m.key),
  );
  if (undeclared.length) {
    return leave(
      "skip",
      "undeclared-network",
      `network \`${undeclared[0]}\` is used but not declared in the file (a fragment of a larger project?)`,
    );
  }

  // shared with other projects: external networks, and networks with a fixed `name:`
  const isExternal = (key: string) => {
    const d = model.networks.get(key);
    return d?.external === true || d?.fixedName !== undefined;
  };
  const isProxy = (key: string) => {
    const d = model.networks.get(key);
    return d?.external === true && d.realName === proxyName;
  };
  const identity = (key: string) => {
    const d: NetworkDecl | undefined = model.networks.get(key);
    return d?.external || d?.fixedName ? `named:${d.realName}` : `project:${key}`;
  };

  // --virtual-host: apps nothing routes to yet are put behind the proxy
  const kind = options.proxyKind ?? proxyKindOf(roles) ?? "nginx-proxy";
  const routes = new Map<string, ReturnType<typeof routingEntries>>();
  if (options.virtualHost) {
    for (const s of participating) {
      if (s.role !== "app" || s.routing) continue;
      const svc = serviceOf(s.name);
      const host = hostFor(options.virtualHost, project, s.name);
      const entries = routingEntries(kind, host, routedPort(svc), project, s.name, proxyName);
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

  const onExternal = participating.some((s) => s.before!.some((m) => isExternal(m.key)));
  const routedApp = participating.some((s) => s.role === "app" && s.routing !== undefined);
  const exposedDatabase = participating.some(
    (s) => s.role === "database" && serviceOf(s.name).ports.some((p) => !p.loopback),
  );
  if (!onExternal && !routedApp && !exposedDatabase) {
    return leave(
      "keep",
      "already-isolated",
      "already isolated: no service is on an external network, no app is routed by the proxy and no database publishes a port",
    );
  }

  // 1. Each role's own rule.
  const rules = new Map<string, { next: Membership[]; gone: Membership[] }>();
  const hasDatabase = participating.some((o) => o.role === "database");
  for (const s of participating) {
    const before = s.before!;
    let gone: Membership[] = [];
    if (s.role === "database") {
      gone = before.filter((m) => isExternal(m.key));
    } else if (s.role === "backend") {
      gone = before.filter((m) => isProxy(m.key));
      if (gone.length && !hasDatabase) {
        warn(
          "cross-project-connection",
          `leaves \`${proxyName}\`; the project has no database of its own, so if it uses one of another project on that network, keep it there with --ignore-service ${s.name}`,
          s.name,
        );
      }
      for (const m of before) {
        if (isExternal(m.key) && !isProxy(m.key)) {
          warn(
            "shared-network-kept",
            `stays on network \`${model.networks.get(m.key)!.realName}\`, which other projects share`,
            s.name,
          );
        }
      }
    }
    let next = before.filter((m) => !gone.includes(m));
    if (s.role === "app" && !before.some((m) => isProxy(m.key))) {
      next = [...next, { key: proxyKey, settings: null }];
    }
    rules.set(s.name, { next, gone });
  }

  // 2. Services that shared a network still share one.
  const internal = options.internalNetwork;
  const connected = connectServices({
    services,
    participating,
    implicit: new Set(model.services.filter((s) => s.implicitNetworks).map((s) => s.name)),
    rules,
    internal,
    identity,
    isExternal,
  });
  warnings.push(...connected.warnings);
  const after = connected.after;
  const planByName = new Map(services.map((s) => [s.name, s]));

  // 3. Ports and labels.
  for (const s of participating) {
    const svc = serviceOf(s.name);
    s.after = after.get(s.name)!;
    s.networksChanged = !sameMembership(s.after, planByName.get(s.name)!.before);
    planPorts(s, svc, options.ports, warnings);
    if (s.role === "app") {
      const route = routes.get(s.name);
      if (route) {
        s.addEnvironment.push(...route.environment.filter(([k]) => !svc.environment.has(k)));
        s.addLabels.push(...route.labels.filter(([k]) => !svc.labels.has(k)));
      }
      if (
        s.routing === "traefik" &&
        s.after.length > 1 &&
        !svc.labels.has("traefik.docker.network") &&
        !s.addLabels.some(([k]) => k === "traefik.docker.network")
      ) {
        if (entriesEditable(model, svc, "labels"))
          s.addLabels.push(["traefik.docker.network", proxyName]);
        else {
          warn(
            "edit-by-hand",
            `add the label traefik.docker.network=${proxyName} by hand (its labels come from elsewhere)`,
            s.name,
          );
        }
      }
    }
    warnLinks(s, svc, planByName, warnings);
  }

  const usesKey = (key: string) => participating.some((s) => s.after!.some((m) => m.key === key));
  planDeclarations(plan, usesKey, internalDecl !== undefined, existingProxy !== undefined);
  const changes = participating.some(
    (s) =>
      s.networksChanged || s.commentPorts.length || s.addLabels.length || s.addEnvironment.length,
  );
  if (!changes) {
    return leave(
      "keep",
      "already-isolated",
      "already isolated: databases are on project networks only and apps on the proxy network",
    );
  }
  plan.warnings = uniqueWarnings(plan.warnings);
  return {
    ...plan,
    action: "change",
    reasonCode: "isolates",
    reason: "isolates databases from other projects",
  };
}

/** `links` and `external_links` to containers that stop resolving once they share no network. */
function warnLinks(
  s: ServicePlan,
  service: ServiceModel,
  services: Map<string, ServicePlan>,
  warnings: Warning[],
): void {
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
