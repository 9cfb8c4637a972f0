import { Classification, ProxyKind, Role, routingEvidence } from "./classify";
import { ComposeModel, Membership, NetworkDecl, sameMembership, ServiceModel } from "./model";
import { connectServices } from "./connectivity";
import { legacyExternal } from "./modernize";
import { detectProxyNetwork, freeKey } from "./proxy-network";
import { hostFor, proxyKindOf, routedPort, routingEntries } from "./routing";
import { entriesEditable } from "./service-entries";
import { NON_HTTP_PORTS, PortSpec } from "./ports";

export type PortsMode = "auto" | "comment" | "keep";

export interface PlanOptions {
  /** Real name of the reverse proxy's network; detected from the file when absent. */
  proxyNetwork?: string;
  internalNetwork: string;
  ports: PortsMode;
  /** Driver of the internal network: `bridge`, or `overlay` for swarm stack files. */
  driver?: string;
  /** Declare the internal network `internal: true`: no traffic to the outside. */
  noEgress?: boolean;
  /** Put unrouted apps behind the proxy at this host: `{project}` and `{service}` are filled in. */
  virtualHost?: string;
  /** The proxy that routes: detected from the file when absent, else nginx-proxy. */
  proxyKind?: ProxyKind;
  /** The project name, for `{project}`. */
  project?: string;
  /** Rewrite the legacy `external: {name: x}` as `external: true` and `name: x`. */
  modernize?: boolean;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { internalNetwork: "internal", ports: "auto" };

/** What one service should look like after the rewrite. */
export interface ServicePlan {
  name: string;
  role: Role;
  reason: string;
  routing?: Classification["routing"];
  before: Membership[] | null;
  after: Membership[] | null;
  /** The membership list must be written out (it differs from what the file says now). */
  networksChanged: boolean;
  /** The service's published ports, as written. */
  ports: string[];
  /** Indices into the service's ports that are commented out. */
  commentPorts: number[];
  /** Labels to add, as key -> value. */
  addLabels: [string, string][];
  /** Environment variables to add, as key -> value. */
  addEnvironment: [string, string][];
}

export interface FilePlan {
  /** `skip` leaves the file alone for a stated reason; `keep` finds nothing to do. */
  action: "change" | "keep" | "skip";
  reason: string;
  services: ServicePlan[];
  proxy: { key: string; realName: string; declare: boolean; used: boolean };
  /** Top-level networks whose legacy `external: {name: x}` becomes `external: true` + `name: x`. */
  modernize: string[];
  internal: { key: string; declare: boolean; used: boolean; driver: string; noEgress: boolean };
  warnings: string[];
}

/** Compose file versions whose networks have no `name:` key (2.0, 3.0-3.4). */
export function versionWithoutNetworkName(version: unknown): boolean {
  if (version === undefined || version === null) return false;
  const match = /^(\d+)(?:\.(\d+))?/.exec(String(version));
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2] ?? 0)];
  return (major === 2 && minor < 1) || (major === 3 && minor < 5);
}

/**
 * Plans the target state of DESIGN.md for one compose file; with `modernize`, also the legacy
 * `external: {name: x}` networks rewritten as `external: true` + `name: x`.
 */
export function planFile(
  model: ComposeModel,
  roles: Map<string, Classification>,
  options: PlanOptions,
): FilePlan {
  const plan = planTarget(model, roles, options);
  if (!options.modernize || plan.action === "skip") return plan;
  const legacy = [...model.networks.values()].filter((d) => d.legacyExternal).map((d) => d.key);
  if (legacy.length && versionWithoutNetworkName(model.file.data.version)) {
    plan.warnings.push(
      `version ${String(model.file.data.version)} has no network \`name:\`; legacy external networks kept`,
    );
    return plan;
  }
  plan.modernize = legacy.filter((key) => legacyExternal(model, key));
  for (const key of legacy) {
    if (!plan.modernize.includes(key)) {
      plan.warnings.push(
        `network \`${key}\`: its legacy external form is kept (modernize it by hand)`,
      );
    }
  }
  if (plan.action === "keep" && plan.modernize.length) {
    return { ...plan, action: "change", reason: "modernizes legacy external networks" };
  }
  return plan;
}

function planTarget(
  model: ComposeModel,
  roles: Map<string, Classification>,
  options: PlanOptions,
): FilePlan {
  const warnings: string[] = [];
  const detected = options.proxyNetwork ? undefined : detectProxyNetwork(model, roles);
  const proxyName = options.proxyNetwork ?? detected?.name ?? "proxy";
  const existingProxy = [...model.networks.values()].find(
    (d) => d.external && d.realName === proxyName,
  );
  const proxyKey = existingProxy?.key ?? freeKey(model, proxyName);
  const internalDecl = model.networks.get(options.internalNetwork);
  const services: ServicePlan[] = model.services.map((service) => {
    const c = roles.get(service.name) ?? { role: "backend" as Role, reason: "" };
    return {
      name: service.name,
      role: c.role,
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
  const plan: FilePlan = {
    action: "keep",
    reason: "",
    services,
    proxy: { key: proxyKey, realName: proxyName, declare: false, used: false },
    modernize: [],
    internal: {
      key: options.internalNetwork,
      declare: false,
      used: false,
      driver: options.driver ?? "bridge",
      noEgress: options.noEgress === true,
    },
    warnings,
  };
  const skip = (reason: string): FilePlan => ({ ...plan, action: "skip", reason });

  const fileExt = model.file.data["x-composemod"];
  if (
    fileExt &&
    typeof fileExt === "object" &&
    (fileExt as Record<string, unknown>).ignore === true
  ) {
    return skip("x-composemod.ignore is set in the file");
  }
  const proxies = services.filter((s) => s.role === "proxy");
  if (proxies.length) {
    return skip(`runs the reverse proxy itself (${proxies.map((s) => s.name).join(", ")})`);
  }
  const participating = services.filter(
    (s) => (s.role === "app" || s.role === "database" || s.role === "backend") && s.before,
  );
  if (participating.length === 0) return { ...plan, reason: "no service to isolate" };
  if (participating.every((s) => s.role === "database")) {
    for (const s of participating) {
      const svc = serviceOf(model, s.name);
      if (svc.ports.some((p) => !p.loopback)) {
        warnings.push(`${s.name}: a shared database service; its published ports are kept`);
      }
    }
    return {
      ...plan,
      reason: "only databases: a shared database service, reaching it is its purpose",
    };
  }
  if (detected?.others.length) {
    warnings.push(
      `took \`${proxyName}\` for the proxy network; \`${detected.others.join("`, `")}\` could be it too (set --proxy-network to choose)`,
    );
  }
  for (const s of participating) {
    if (s.role === "database" && routingEvidence(serviceOf(model, s.name))) {
      warnings.push(
        `${s.name}: has proxy routing but is a data store, so it leaves the proxy network; give it --app ${s.name} if the proxy must reach it`,
      );
    }
  }
  if (internalDecl?.external || internalDecl?.fixedName) {
    return skip(
      `the internal network name \`${options.internalNetwork}\` is a network shared with other projects here (choose another with --internal-network)`,
    );
  }

  const undeclared = participating.flatMap((s) =>
    s.before!.filter((m) => m.key !== "default" && !model.networks.has(m.key)).map((m) => m.key),
  );
  if (undeclared.length) {
    return skip(
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
      const svc = serviceOf(model, s.name);
      const host = hostFor(options.virtualHost, options.project ?? "", s.name);
      const entries = routingEntries(
        kind,
        host,
        routedPort(svc),
        options.project ?? "",
        s.name,
        proxyName,
      );
      const blocked = (["environment", "labels"] as const).find(
        (b) =>
          (b === "labels" ? entries.labels : entries.environment).length &&
          !entriesEditable(model, svc, b),
      );
      if (blocked) {
        warnings.push(
          `${s.name}: add the ${kind} routing by hand (its ${blocked} come from elsewhere)`,
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
    (s) => s.role === "database" && serviceOf(model, s.name).ports.some((p) => !p.loopback),
  );
  if (!onExternal && !routedApp && !exposedDatabase) {
    return {
      ...plan,
      reason:
        "already isolated: no service is on an external network, no app is routed by the proxy and no database publishes a port",
    };
  }

  // 1. Each role's own rule.
  const rules = new Map<string, { next: Membership[]; gone: Membership[] }>();
  for (const s of participating) {
    const before = s.before!;
    let gone: Membership[] = [];
    if (s.role === "database") {
      gone = before.filter((m) => isExternal(m.key));
    } else if (s.role === "backend") {
      gone = before.filter((m) => isProxy(m.key));
      if (gone.length && !participating.some((o) => o.role === "database")) {
        warnings.push(
          `${s.name}: leaves \`${proxyName}\`; the project has no database of its own, so if it uses one of another project on that network, keep it there with --ignore-service ${s.name}`,
        );
      }
      for (const m of before) {
        if (isExternal(m.key) && !isProxy(m.key)) {
          warnings.push(
            `${s.name}: stays on network \`${model.networks.get(m.key)!.realName}\`, which other projects share`,
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
  const differs = (name: string) =>
    !sameMembership(after.get(name)!, services.find((s) => s.name === name)!.before);

  // 3. Ports and labels.
  for (const s of participating) {
    const svc = serviceOf(model, s.name);
    s.after = after.get(s.name)!;
    s.networksChanged = differs(s.name);
    if (s.role === "database") {
      s.commentPorts = indicesWhere(svc.ports, (p) => !p.loopback);
    } else if (s.role === "backend") {
      for (const p of svc.ports) {
        if (!p.loopback) warnings.push(`${s.name}: publishes ${p.text} beyond the host (kept)`);
      }
    } else if (s.role === "app") {
      const route = routes.get(s.name);
      if (route) {
        s.addEnvironment.push(...route.environment.filter(([k]) => !svc.environment.has(k)));
        s.addLabels.push(...route.labels.filter(([k]) => !svc.labels.has(k)));
      }
      planAppPorts(s, svc, options.ports, warnings);
      if (
        s.routing === "traefik" &&
        s.after.length > 1 &&
        !svc.labels.has("traefik.docker.network") &&
        !s.addLabels.some(([k]) => k === "traefik.docker.network")
      ) {
        if (entriesEditable(model, svc, "labels"))
          s.addLabels.push(["traefik.docker.network", proxyName]);
        else {
          warnings.push(
            `${s.name}: add the label traefik.docker.network=${proxyName} by hand (its labels come from elsewhere)`,
          );
        }
      }
    }
    for (const kind of ["links", "external_links"] as const) {
      const value = svc.data[kind];
      if (!Array.isArray(value)) continue;
      for (const link of value) {
        const target = String(link).split(":")[0];
        if (kind === "external_links" || !services.some((o) => o.name === target)) {
          warnings.push(
            `${s.name}: ${kind} to \`${target}\` stops resolving once that container no longer shares a network`,
          );
        }
      }
    }
  }

  const usesKey = (key: string) => participating.some((s) => s.after!.some((m) => m.key === key));
  plan.internal.used = usesKey(internal);
  plan.internal.declare = plan.internal.used && !internalDecl;
  if (plan.internal.declare && plan.internal.noEgress) {
    warnings.push(
      `\`${internal}\` is internal: true: its members lose outbound traffic, and their published ports stop working`,
    );
  }
  plan.proxy.used = usesKey(proxyKey);
  plan.proxy.declare = plan.proxy.used && !existingProxy;
  if (plan.proxy.declare) {
    warnings.push(
      `\`${proxyName}\` is declared as an external network: it must exist before \`docker compose up\` (the proxy's stack creates it, or \`docker network create ${proxyName}\`)`,
    );
  }
  const changes = participating.some(
    (s) =>
      s.networksChanged || s.commentPorts.length || s.addLabels.length || s.addEnvironment.length,
  );
  if (!changes) {
    return {
      ...plan,
      reason:
        "already isolated: databases are on project networks only and apps on the proxy network",
    };
  }
  plan.warnings.splice(0, plan.warnings.length, ...new Set(plan.warnings));
  return { ...plan, action: "change", reason: "isolates databases from other projects" };
}

function planAppPorts(s: ServicePlan, svc: ServiceModel, mode: PortsMode, warnings: string[]) {
  if (svc.ports.length === 0 || mode === "keep") return;
  const routed = s.routing !== undefined;
  if (mode === "auto" && !routed) {
    warnings.push(
      `${s.name}: ports kept: nothing routes to it through the proxy yet (add routing or use --ports comment)`,
    );
    return;
  }
  s.commentPorts = indicesWhere(svc.ports, (p) => mode === "comment" || isProxiedPort(p));
  for (const p of svc.ports) {
    if (mode === "auto" && !isProxiedPort(p)) {
      warnings.push(`${s.name}: port ${p.text} kept: not a port an HTTP proxy carries`);
    }
  }
}

function isProxiedPort(port: PortSpec): boolean {
  if (port.protocol !== "tcp") return false;
  return port.containerPort === undefined || !NON_HTTP_PORTS.has(port.containerPort);
}

function indicesWhere<T>(items: T[], test: (item: T) => boolean): number[] {
  return items.flatMap((item, i) => (test(item) ? [i] : []));
}

function serviceOf(model: ComposeModel, name: string): ServiceModel {
  return model.services.find((s) => s.name === name)!;
}
