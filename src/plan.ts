import { Classification, Role, routingEvidence } from "./classify";
import { isCollection } from "yaml";
import {
  ComposeModel,
  holdsReferencedAnchor,
  Membership,
  NetworkDecl,
  ownPair,
  ServiceModel,
} from "./model";
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
  /** Indices into the service's ports that are commented out. */
  commentPorts: number[];
  /** Labels to add, as key -> value. */
  addLabels: [string, string][];
}

export interface FilePlan {
  /** `skip` leaves the file alone for a stated reason; `keep` finds nothing to do. */
  action: "change" | "keep" | "skip";
  reason: string;
  services: ServicePlan[];
  proxy: { key: string; realName: string; declare: boolean; used: boolean };
  internal: { key: string; declare: boolean; used: boolean; driver: string; noEgress: boolean };
  warnings: string[];
}

const PROXY_LIKE_NAME = /proxy|traefik|caddy|nginx|web|edge|ingress|public|frontend/i;

/**
 * The external network the file's routed services (else its apps) are already on: the one most
 * of them share, a proxy-like name breaking a tie. Several candidates are reported, so that the
 * choice is never silent.
 */
function detectProxyNetwork(
  model: ComposeModel,
  roles: Map<string, Classification>,
): { name: string; others: string[] } | undefined {
  const rank = (pick: (c: Classification) => boolean) => {
    const seen = new Map<string, number>();
    for (const service of model.services) {
      const c = roles.get(service.name);
      if (!c || !pick(c) || !service.membership) continue;
      for (const m of service.membership) {
        const decl = model.networks.get(m.key);
        if (decl?.external) seen.set(decl.realName, (seen.get(decl.realName) ?? 0) + 1);
      }
    }
    const score = (name: string) => seen.get(name)! * 2 + (PROXY_LIKE_NAME.test(name) ? 1 : 0);
    return [...seen.keys()].sort((a, b) => score(b) - score(a) || a.localeCompare(b));
  };
  const ranked = rank((c) => c.routing !== undefined);
  const names = ranked.length ? ranked : rank((c) => c.role === "app");
  return names.length ? { name: names[0], others: names.slice(1) } : undefined;
}

function freeKey(model: ComposeModel, wanted: string): string {
  if (!model.networks.has(wanted)) return wanted;
  for (let i = 2; ; i++) if (!model.networks.has(`${wanted}_${i}`)) return `${wanted}_${i}`;
}

/** Plans the target state of DESIGN.md for one compose file. */
export function planFile(
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
      commentPorts: [],
      addLabels: [],
    };
  });
  const plan: FilePlan = {
    action: "keep",
    reason: "",
    services,
    proxy: { key: proxyKey, realName: proxyName, declare: false, used: false },
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
  if (internalDecl?.external) {
    return skip(
      `the internal network name \`${options.internalNetwork}\` is an external network here (choose another with --internal-network)`,
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

  const isExternal = (key: string) => model.networks.get(key)?.external === true;
  const isProxy = (key: string) => {
    const d = model.networks.get(key);
    return d?.external === true && d.realName === proxyName;
  };
  const identity = (key: string) => {
    const d: NetworkDecl | undefined = model.networks.get(key);
    return d?.external ? `external:${d.realName}` : `project:${key}`;
  };

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
  const after = new Map<string, Membership[]>();
  // identities of the networks each service is on after, kept until its list changes
  const onAfterCache = new Map<string, Set<string>>();
  const setAfter = (name: string, list: Membership[]) => {
    after.set(name, list);
    onAfterCache.delete(name);
  };
  const removed = new Map<string, Membership[]>();
  for (const s of participating) {
    const before = s.before!;
    let next = before;
    let gone: Membership[] = [];
    if (s.role === "database") {
      gone = before.filter((m) => isExternal(m.key));
    } else if (s.role === "backend") {
      gone = before.filter((m) => isProxy(m.key));
      if (gone.length && !participating.some((o) => o.role === "database")) {
        warnings.push(
          `${s.name}: leaves \`${proxyName}\`; the project has no database of its own, so if it uses one of another project on that network, keep it there with --ignore ${s.name}`,
        );
      }
      for (const m of before) {
        if (isExternal(m.key) && !isProxy(m.key)) {
          warnings.push(
            `${s.name}: stays on external network \`${model.networks.get(m.key)!.realName}\` (shared with other projects)`,
          );
        }
      }
    }
    next = before.filter((m) => !gone.includes(m));
    if (s.role === "app" && !before.some((m) => isProxy(m.key))) {
      next = [...next, { key: proxyKey, settings: null }];
    }
    setAfter(s.name, next);
    removed.set(s.name, gone);
  }

  // 2. Connectivity: services that shared a network still share one; a service written out
  // leaves the implicit `default` network for the internal one.
  const internal = options.internalNetwork;
  const byName = new Map(services.map((s) => [s.name, s]));
  const changeable = new Set(participating.map((s) => s.name));
  const model_ = (name: string) => serviceOf(model, name);
  const current = (name: string): Membership[] | null =>
    after.get(name) ?? byName.get(name)!.before;
  const differs = (name: string) => !sameMembership(current(name), byName.get(name)!.before);
  const addInternal = (name: string, settings: Record<string, unknown> | null = null) => {
    const list = after.get(name)!;
    const existing = list.find((m) => m.key === internal);
    if (existing) {
      if (!settings) return false;
      const merged = { key: internal, settings: mergeSettings(existing.settings, settings) };
      setAfter(
        name,
        list.map((m) => (m === existing ? merged : m)),
      );
      return true;
    }
    const entry = { key: internal, settings };
    setAfter(name, model_(name).implicitNetworks ? [entry, ...list] : [...list, entry]);
    return true;
  };
  // settings of networks a service leaves move to the internal network
  for (const s of participating) {
    const moving = removed
      .get(s.name)!
      .map((m) => pickSettings(m.settings))
      .filter((x): x is Record<string, unknown> => x !== null);
    if (moving.length) {
      addInternal(
        s.name,
        moving.reduce((a, b) => mergeSettings(a, b)!, {}),
      );
      if (moving.some((m) => m.ipv4_address || m.ipv6_address)) {
        warnings.push(
          `${s.name}: its fixed IP address moved to \`${internal}\`, which has no subnet configured; give it one or drop the address`,
        );
      }
      // every service that reached it on the network it leaves must be able to use the aliases
      for (const other of participating) {
        if (other === s) continue;
        const shared = removed
          .get(s.name)!
          .some((m) => other.before!.some((o) => identity(o.key) === identity(m.key)));
        if (shared) addInternal(other.name);
      }
    }
  }
  const all = services.filter((s) => s.before);
  // network identity -> the services on it before, so that only real neighbours are compared
  const membersBefore = new Map<string, ServicePlan[]>();
  for (const s of all) {
    for (const m of s.before!) {
      const id = identity(m.key);
      const list = membersBefore.get(id) ?? [];
      list.push(s);
      membersBefore.set(id, list);
    }
  }
  const onAfter = (name: string) => {
    let ids = onAfterCache.get(name);
    if (!ids) {
      ids = new Set(current(name)!.map((m) => identity(m.key)));
      onAfterCache.set(name, ids);
    }
    return ids;
  };
  const sharesAfter = (a: string, b: string) => {
    const mine = onAfter(a);
    for (const id of onAfter(b)) if (mine.has(id)) return true;
    return false;
  };
  /** Gives two services that lost their last shared network one again; true when something changed. */
  const repair = (a: ServicePlan, b: ServicePlan): boolean => {
    if (changeable.has(a.name) && changeable.has(b.name)) {
      const x = addInternal(a.name);
      const y = addInternal(b.name);
      return x || y;
    }
    const [moved, fixed] = changeable.has(a.name) ? [a, b] : [b, a];
    if (!changeable.has(moved.name)) return false;
    const back = fixed.before!.find(
      (m) =>
        moved.before!.some((o) => identity(o.key) === identity(m.key)) &&
        !removed.get(moved.name)!.some((r) => identity(r.key) === identity(m.key)),
    );
    if (back) {
      setAfter(moved.name, [...after.get(moved.name)!, { key: back.key, settings: null }]);
      return true;
    }
    warnings.push(
      `${moved.name}: no longer shares a network with \`${fixed.name}\` (${fixed.role}), which composemod leaves alone`,
    );
    return false;
  };
  for (let round = 0; round < all.length * 4 + 4; round++) {
    let progress = false;
    for (const s of participating) {
      const list = after.get(s.name)!;
      if (list.length === 0) progress = addInternal(s.name) || progress;
      const svc = model_(s.name);
      const replaced = list.findIndex((m) => m.key === "default" && !isExternal("default"));
      if (svc.implicitNetworks && replaced !== -1 && differs(s.name)) {
        const rest = list.filter((m) => m.key !== "default");
        const hasInternal = rest.some((m) => m.key === internal);
        // a lone service has nobody to talk to on a project network
        const alone = all.length === 1 && rest.length > 0;
        setAfter(
          s.name,
          hasInternal || alone ? rest : [{ key: internal, settings: null }, ...rest],
        );
        progress = true;
      }
    }
    for (const [id, members] of membersBefore) {
      if (members.length < 2) continue;
      for (const a of members) {
        if (onAfter(a.name).has(id)) continue;
        // `a` left this network: every other member it no longer meets anywhere gets repaired
        for (const b of members) {
          if (b === a || sharesAfter(a.name, b.name)) continue;
          progress = repair(a, b) || progress;
        }
      }
    }
    if (!progress) break;
  }

  // 3. Ports and labels.
  for (const s of participating) {
    const svc = model_(s.name);
    s.after = after.get(s.name)!;
    s.networksChanged = differs(s.name);
    if (s.role === "database") {
      s.commentPorts = indicesWhere(svc.ports, (p) => !p.loopback);
    } else if (s.role === "backend") {
      for (const p of svc.ports) {
        if (!p.loopback) warnings.push(`${s.name}: publishes ${p.text} on all interfaces (kept)`);
      }
    } else if (s.role === "app") {
      planAppPorts(s, svc, options.ports, warnings);
      if (
        s.routing === "traefik" &&
        s.after.length > 1 &&
        !svc.labels.has("traefik.docker.network")
      ) {
        if (labelsEditable(model, svc)) s.addLabels.push(["traefik.docker.network", proxyName]);
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
        if (kind === "external_links" || !byName.has(target)) {
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
    (s) => s.networksChanged || s.commentPorts.length || s.addLabels.length,
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

function pickSettings(settings: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!settings) return null;
  return Object.keys(settings).length ? { ...settings } : null;
}

function mergeSettings(
  a: Record<string, unknown> | null,
  b: Record<string, unknown> | null,
): Record<string, unknown> | null {
  if (!a) return b;
  if (!b) return a;
  const out = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (key === "aliases" && Array.isArray(out.aliases) && Array.isArray(value)) {
      out.aliases = [...new Set([...out.aliases, ...value])];
    } else if (out[key] === undefined) out[key] = value;
  }
  return out;
}

/** Same networks with the same settings; order does not matter to Compose. */
export function sameMembership(a: Membership[] | null, b: Membership[] | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  const settings = new Map(b.map((m) => [m.key, JSON.stringify(m.settings)]));
  return a.every((m) => settings.get(m.key) === JSON.stringify(m.settings));
}

/** Labels written in the service itself, as a list or mapping composemod can add an entry to. */
function labelsEditable(model: ComposeModel, service: ServiceModel): boolean {
  const value = ownPair(service, "labels")?.value;
  return isCollection(value) && value.items.length > 0 && !holdsReferencedAnchor(model, value);
}
