import type { Role } from "../analysis/classify";
import { POLICIES } from "../analysis/roles/table";
import { ContainerState, EndpointSpec, NetworkSpec, NetworkState, shortId } from "./engine";
import type { Check, ContainerRef, FileChange, ProjectPlan, Step } from "./plan-types";
import { databasePort, routingPort } from "./ports";
import type { ProjectTarget, TargetEndpoint, TargetNetwork, TargetService } from "./target";

export const PROJECT_LABEL = "com.docker.compose.project";
export const SERVICE_LABEL = "com.docker.compose.service";
export const VERSION_LABEL = "com.docker.compose.version";
export const NETWORK_LABEL = "com.docker.compose.network";
const ONEOFF_LABEL = "com.docker.compose.oneoff";

/** What the planner knows of a project and of the engine around it. */
export interface ProjectFacts {
  /** The Compose project name its containers carry (else the one its files give). */
  name: string;
  dir: string;
  files: string[];
  target: ProjectTarget;
  /** The project's containers, running or not. */
  containers: ContainerState[];
  /** Every container of the engine. */
  all: ContainerState[];
  networks: NetworkState[];
  /** The role the live audit gives each running container, by id: how the host's proxy is found. */
  liveRoles: ReadonlyMap<string, Role>;
  /** The Compose that would recreate containers, when the host has one. */
  compose?: { describe: string; major: 1 | 2 };
  /** Image names the engine holds, with their ids (absent: not there). */
  images: ReadonlyMap<string, string | undefined>;
  /** With `--write`: the files the rewrite changes. */
  writes?: FileChange[];
  /** Why the project cannot be applied, found before planning (files Compose reads otherwise, ...). */
  refused?: string;
}

/** Services whose containers change first: what others reach moves before what reaches it. */
const ROLE_ORDER: Role[] = ["database", "backend", "skipped", "ignore", "proxy", "app"];

/** Routing settings a proxy reads from a container: only a new container has new ones. */
const ROUTING_ENV = /^(VIRTUAL_(HOST|PORT|PROTO|PATH)|LETSENCRYPT_HOST)$/;
const ROUTING_LABEL = /^(traefik\.|caddy)/;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

const sameValue = (a: string | undefined, b: string) =>
  a !== undefined &&
  (a === b || (/^(true|false)$/i.test(b) && a.toLowerCase() === b.toLowerCase()));

/** The host's proxy, or a stack's own edge: what the live audit saw in front of a stack. */
const standsInFront = (role: Role | undefined) => role !== undefined && POLICIES[role].edge;

const quote = (names: Iterable<string>) => [...names].map((n) => `\`${n}\``).join(", ");

function envOf(c: ContainerState): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of c.live?.env ?? []) {
    const eq = e.indexOf("=");
    if (eq !== -1) out.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return out;
}

/** What a proxy reads from the container that its files now say otherwise. */
function routingChanged(c: ContainerState, t: TargetService): string[] {
  const env = envOf(c);
  const changed: string[] = [];
  for (const [key, value] of t.labels) {
    if (ROUTING_LABEL.test(key) && !sameValue(c.labels[key], value))
      changed.push(`${key}=${value}`);
  }
  for (const [key, value] of t.environment) {
    if (ROUTING_ENV.test(key) && !sameValue(env.get(key), value)) changed.push(`${key}=${value}`);
  }
  return changed;
}

/** Ports the container publishes beyond the host that its files no longer publish. */
function portsEnded(c: ContainerState, t: TargetService): string[] {
  const ended: string[] = [];
  for (const p of c.live?.ports ?? []) {
    if (LOOPBACK.test(p.hostIp)) continue;
    const kept = t.ports.some(
      (s) => s.containerPort === p.containerPort && s.protocol === p.protocol && !s.loopback,
    );
    const text = `${p.hostPort}:${p.containerPort}${p.protocol === "tcp" ? "" : `/${p.protocol}`}`;
    if (!kept && !ended.includes(text)) ended.push(text);
  }
  return ended;
}

/** The names a container is given on a network it joins, as Compose gives them. */
function aliasesFor(
  c: ContainerState,
  t: TargetService,
  e: TargetEndpoint,
  major: 1 | 2,
): string[] {
  const existing = new Set(c.networks.flatMap((n) => n.aliases));
  const names = [t.name];
  // Compose 1 adds the short id; Compose 2 the container's name: as the container has them elsewhere
  if (major === 1 || existing.has(shortId(c.id))) names.push(shortId(c.id));
  if (existing.has(c.name)) names.push(c.name);
  return [...new Set([...names, ...e.aliases])];
}

const expectedAliases = (t: TargetService, e: TargetEndpoint) => [
  ...new Set([t.name, ...e.aliases]),
];

/** What Compose creates a network of the project with. */
export function networkSpec(
  n: TargetNetwork,
  project: string,
  version: string,
  major: 1 | 2,
): NetworkSpec {
  return {
    name: n.name,
    driver: n.driver || "bridge",
    internal: n.internal === true,
    // Compose 1 makes every network it creates attachable; Compose 2 as the file says
    attachable: n.attachable ?? major === 1,
    enableIpv6: n.enableIpv6 === true,
    options: n.options,
    labels: {
      ...n.labels,
      [PROJECT_LABEL]: project,
      [NETWORK_LABEL]: n.key,
      [VERSION_LABEL]: version,
    },
    ...(n.ipam ? { ipam: n.ipam } : {}),
  };
}

/**
 * How an existing network differs from what the files declare, as Compose compares them before
 * it refuses to go on (driver, driver options, `internal`, IPv6, subnets) or, for Compose 2,
 * the label that ties it to its key. Empty when it does not.
 */
export function networkDiffers(remote: NetworkState, n: TargetNetwork, major: 1 | 2): string[] {
  const out: string[] = [];
  if (n.driver && remote.driver !== n.driver)
    out.push(`driver ${remote.driver}, files say ${n.driver}`);
  for (const k of new Set([...Object.keys(remote.options), ...Object.keys(n.options)])) {
    if (remote.options[k] !== n.options[k]) out.push(`option ${k}`);
  }
  if (n.internal !== undefined && n.internal !== remote.internal) {
    out.push(`internal: ${remote.internal}, files say ${n.internal}`);
  }
  if (n.enableIpv6 !== undefined && n.enableIpv6 !== remote.enableIpv6) out.push("enable_ipv6");
  const subnets = (n.ipam?.config ?? []).map((c) => c.Subnet).filter(Boolean);
  if (subnets.length && subnets.some((s) => !remote.subnets.some((r) => r.split(" ")[0] === s))) {
    out.push("subnet");
  }
  if (major === 2 && remote.labels[NETWORK_LABEL] !== n.key) {
    out.push(
      `label ${NETWORK_LABEL}=${remote.labels[NETWORK_LABEL] ?? ""}, Compose 2 expects ${n.key}`,
    );
  }
  return out;
}

const refOf = (c: ContainerState, service: string): ContainerRef => ({
  container: c.name,
  id: c.id,
  service,
});

function emptyPlan(f: ProjectFacts): Omit<ProjectPlan, "seen"> {
  return {
    name: f.name,
    dir: f.dir,
    files: f.files,
    status: "up-to-date",
    reason: "",
    containers: f.containers.filter((c) => c.running).length,
    steps: [],
    checks: [],
    notes: [],
  };
}

/**
 * The steps that bring a running project onto the networks its files say, in the order that
 * keeps it serving, and the checks that prove it: new networks created with Compose's labels
 * (so that a later `up` adopts them); each container connected to the networks it joins, with
 * its aliases and links, before it leaves the ones it leaves (databases first, apps last); and
 * through Compose only the containers a connection cannot change: a new network mode, a fixed
 * address, routing labels or environment a proxy reads, a database port the files no longer
 * publish. Pure: every fact comes in `f`.
 */
export function planProjectApply(f: ProjectFacts): Omit<ProjectPlan, "seen"> {
  const plan = emptyPlan(f);
  const write: Step[] = f.writes?.length
    ? [{ kind: "write-files", files: f.writes, why: "the rewrite changes them" }]
    : [];
  if (f.refused) {
    return { ...plan, status: "refused", reason: f.refused };
  }
  const own = f.containers.filter((c) => c.labels[ONEOFF_LABEL] !== "True");
  const running = own.filter((c) => c.running);
  const serviceOf = (c: ContainerState) => c.labels[SERVICE_LABEL] ?? c.name;
  for (const c of own.filter((c) => !c.running)) {
    plan.notes.push(
      `\`${c.name}\` is not running: its next start keeps the networks it has; \`docker compose up -d\` makes it as the files say`,
    );
  }
  if (running.length === 0) {
    return {
      ...plan,
      status: "not-running",
      reason: "no container of it runs: its next `docker compose up` makes them as the files say",
      steps: write,
    };
  }
  const versionLabel = running.find((c) => c.labels[VERSION_LABEL])?.labels[VERSION_LABEL] ?? "";
  const major: 1 | 2 = /^1\./.test(versionLabel) ? 1 : versionLabel ? 2 : (f.compose?.major ?? 2);
  const engineNet = new Map(f.networks.map((n) => [n.name, n]));
  const byService = new Map<string, ContainerState[]>();
  for (const c of running) {
    const s = serviceOf(c);
    byService.set(s, [...(byService.get(s) ?? []), c]);
  }
  const order = (s: string) => ROLE_ORDER.indexOf(f.target.services.get(s)?.role ?? "backend");
  const services = [...byService.keys()].sort(
    (a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
  for (const s of services) {
    if (!f.target.services.has(s)) {
      plan.notes.push(`\`${s}\` runs, but its files no longer name it: left as it is`);
    }
  }

  const recreate = new Map<string, string[]>();
  const because = (service: string, why: string) =>
    recreate.set(service, [...(recreate.get(service) ?? []), why]);
  const connects: Step[] = [];
  const reconnects: Step[] = [];
  const disconnects: Step[] = [];
  const missingExternal = new Set<string>();

  for (const s of services) {
    const t = f.target.services.get(s);
    if (!t) continue;
    for (const c of byService.get(s)!) {
      if (t.networkMode !== undefined) {
        const mode = t.networkMode;
        if (mode.startsWith("service:")) {
          const of = byService.get(mode.slice(8))?.[0];
          if (!of || c.networkMode !== `container:${of.id}`) {
            because(s, `its network namespace is no longer \`${mode.slice(8)}\`'s`);
          }
        } else if (c.networkMode !== mode && !(mode === "bridge" && c.networkMode === "default")) {
          because(s, `its network mode becomes \`${mode}\``);
        }
        continue;
      }
      if (/^(container:|host$|none$)/.test(c.networkMode)) {
        because(s, `it leaves network mode \`${c.networkMode}\` for networks`);
        continue;
      }
      const now = new Map(c.networks.map((n) => [n.network, n]));
      const want = new Map(t.networks.map((e) => [e.network, e]));
      const ended = portsEnded(c, t);
      if (POLICIES[t.role].holdsData && ended.length) {
        because(
          s,
          `only a new container stops publishing ${quote(ended)}, which its files no longer publish`,
        );
      } else if (ended.length) {
        plan.notes.push(
          `\`${c.name}\` publishes ${quote(ended)} until it is recreated: its files no longer do`,
        );
      }
      const routing = routingChanged(c, t);
      if (routing.length) {
        because(s, `its proxy must read ${quote(routing)}, which only a new container carries`);
      }
      for (const e of t.networks) {
        const at = now.get(e.network);
        // on a network it is on already, it has them
        if (e.fixed.length && !at)
          because(
            s,
            `${e.fixed.join(", ")} on \`${e.network}\`: Compose sets them when it creates a container`,
          );
        const address =
          (e.ipv4 && at?.fixedIpv4 !== e.ipv4) || (e.ipv6 && at?.fixedIpv6 !== e.ipv6);
        if (address)
          because(
            s,
            `a fixed address on \`${e.network}\`: Compose gives it when it creates the container`,
          );
      }
      if (recreate.has(s)) continue;
      for (const e of t.networks) {
        const at = now.get(e.network);
        const endpoint: EndpointSpec = {
          aliases: aliasesFor(c, t, e, major),
          links: [...new Set(c.networks.flatMap((n) => n.links))],
        };
        if (!at) {
          connects.push({
            kind: "connect",
            ...refOf(c, s),
            network: e.network,
            endpoint,
            why: "its files put it there",
          });
        } else if (expectedAliases(t, e).some((a) => !at.aliases.includes(a))) {
          reconnects.push({
            kind: "reconnect",
            ...refOf(c, s),
            network: e.network,
            endpoint,
            why: `it answers ${quote(expectedAliases(t, e).filter((a) => !at.aliases.includes(a)))} there now`,
          });
        }
      }
      for (const n of c.networks) {
        if (want.has(n.network)) continue;
        disconnects.push({
          kind: "disconnect",
          ...refOf(c, s),
          network: n.network,
          why: "its files no longer put it there",
        });
      }
    }
  }
  // a service in another's network namespace follows it when that one is made anew
  for (let grew = true; grew;) {
    grew = false;
    for (const s of services) {
      const mode = f.target.services.get(s)?.networkMode;
      if (mode?.startsWith("service:") && recreate.has(mode.slice(8)) && !recreate.has(s)) {
        because(s, `it shares \`${mode.slice(8)}\`'s network namespace, which is made anew`);
        grew = true;
      }
    }
  }

  for (const s of services) {
    for (const e of f.target.services.get(s)?.networks ?? []) {
      const net = f.target.networks.get(e.network);
      if (net?.external && !engineNet.has(e.network)) missingExternal.add(e.network);
    }
  }
  if (missingExternal.size) {
    return {
      ...plan,
      status: "refused",
      reason: `its files put it on ${quote(missingExternal)}, declared external, which the engine does not have: \`docker network create ${[...missingExternal][0]}\` first`,
    };
  }

  // the networks its running services are on, as the files declare them
  const used = new Set<string>();
  for (const s of services)
    for (const e of f.target.services.get(s)?.networks ?? []) used.add(e.network);
  const creates: Step[] = [];
  const replaces: Step[] = [];
  for (const name of [...used].sort()) {
    const n = f.target.networks.get(name);
    if (!n || n.external) continue;
    const remote = engineNet.get(name);
    const spec = networkSpec(
      n,
      f.name,
      versionLabel || (f.compose?.describe.split(" ").pop() ?? ""),
      major,
    );
    if (!remote) {
      creates.push({
        kind: "create-network",
        network: spec,
        why: `with Compose's labels, so that \`docker compose up\` takes it for the project's \`${n.key}\``,
      });
      continue;
    }
    const differs = networkDiffers(remote, n, major);
    if (!differs.length) continue;
    const owners = f.all.filter((c) => remote.containers.includes(c.id));
    const foreign = owners.filter((c) => c.labels[PROJECT_LABEL] !== f.name);
    if (foreign.length) {
      return {
        ...plan,
        status: "refused",
        reason: `\`${name}\` must be made anew (${differs.join("; ")}), but containers of other projects are on it: ${quote(foreign.map((c) => c.name))}`,
      };
    }
    const members = owners.flatMap((c) => {
      const t = f.target.services.get(serviceOf(c));
      const e = t?.networks.find((x) => x.network === name);
      if (!t || !e || recreate.has(t.name)) return [];
      return [
        {
          ...refOf(c, t.name),
          endpoint: {
            aliases: aliasesFor(c, t, e, major),
            links: [...new Set(c.networks.flatMap((x) => x.links))],
          },
        },
      ];
    });
    replaces.push({
      kind: "replace-network",
      network: spec,
      members,
      why: `Compose does not make a network anew when its options change (${differs.join("; ")})`,
    });
  }

  const recreated: Step[] = [];
  if (recreate.size) {
    const names = [...recreate.keys()];
    const missing = names.flatMap((s) => {
      // a service built by Compose runs the image Compose named after the project
      const image = f.target.services.get(s)?.image ?? `${f.name}${major === 1 ? "_" : "-"}${s}`;
      return f.images.get(image) ? [] : [`\`${image}\` (${s})`];
    });
    if (!f.compose) {
      return {
        ...plan,
        status: "refused",
        reason: `${quote(names)} must be recreated (${[...recreate.values()].flat()[0]}), and this host has no Docker Compose to do it (docker compose, docker-compose)`,
      };
    }
    if (missing.length) {
      return {
        ...plan,
        status: "refused",
        reason: `recreating ${quote(names)} needs ${missing.join(", ")}, which the engine does not have; composemod never pulls an image: pull it first`,
      };
    }
    recreated.push({
      kind: "recreate",
      services: names,
      containers: names.flatMap((s) => byService.get(s)!.map((c) => refOf(c, s))),
      why: names.map((s) => `${s}: ${recreate.get(s)!.join("; ")}`),
    });
  }

  plan.steps = [
    ...write,
    ...creates,
    ...connects.filter((st) => !recreate.has((st as ContainerRef).service)),
    ...replaces,
    ...reconnects.filter((st) => !recreate.has((st as ContainerRef).service)),
    ...recreated,
    ...disconnects.filter((st) => !recreate.has((st as ContainerRef).service)),
  ];
  const engineSteps = plan.steps.filter((st) => st.kind !== "write-files");
  if (!engineSteps.length) {
    return {
      ...plan,
      status: "up-to-date",
      reason: "its containers already run on the networks its files say",
      steps: write,
      // what proves it, should an apply that stopped half way have left it unproven
      checks: checksFor(f, services, byService),
    };
  }
  plan.status = "change";
  const moved = new Set(
    engineSteps.flatMap((st) =>
      "service" in st ? [st.service] : st.kind === "recreate" ? st.services : [],
    ),
  );
  plan.reason = `${moved.size} of its services change networks`;
  plan.checks = checksFor(f, services, byService);
  const reconnectedServices = services.filter((s) => moved.has(s) && !recreate.has(s));
  if (reconnectedServices.length) {
    plan.notes.push(
      `a later \`docker compose up -d\` recreates ${quote(reconnectedServices)} once (their configuration no longer matches the files Compose made them from); they come back on the same networks`,
    );
  }
  return plan;
}

/** What proves the project: its networks, the proxy reaching its apps, its databases reached by its own only, health. */
function checksFor(
  f: ProjectFacts,
  services: string[],
  byService: Map<string, ContainerState[]>,
): Check[] {
  const checks: Check[] = [];
  const targets = services.flatMap((s) => {
    const t = f.target.services.get(s);
    return t ? [t] : [];
  });
  checks.push({
    kind: "networks",
    services: targets
      .filter((t) => t.networkMode === undefined)
      .map((t) => ({
        service: t.name,
        networks: t.networks.map((e) => ({ network: e.network, aliases: expectedAliases(t, e) })),
      })),
  });
  const proxyOn = (network: string) =>
    f.all.find(
      (c) =>
        c.running &&
        standsInFront(f.liveRoles.get(c.id)) &&
        c.labels[PROJECT_LABEL] !== f.name &&
        c.networks.some((n) => n.network === network),
    );
  const first = (s: string) => byService.get(s)?.[0];
  for (const app of targets.filter((t) => POLICIES[t.role].entry)) {
    for (const e of app.networks) {
      if (!f.target.networks.get(e.network)?.external) continue;
      const proxy = proxyOn(e.network);
      if (!proxy) continue;
      checks.push({
        kind: "proxy-reaches-app",
        service: app.name,
        network: e.network,
        port: routingPort(app, first(app.name)),
        via: proxy.name,
      });
    }
  }
  const databases = targets.filter((t) => POLICIES[t.role].holdsData);
  for (const db of databases) {
    const port = databasePort(db, first(db.name));
    const nets = new Set(db.networks.map((e) => e.network));
    for (const app of targets.filter((t) => POLICIES[t.role].entry)) {
      if (port === undefined || !app.networks.some((e) => nets.has(e.network))) continue;
      checks.push({ kind: "app-reaches-database", app: app.name, database: db.name, port });
    }
    const outsider = f.all.find(
      (c) =>
        c.running &&
        c.labels[PROJECT_LABEL] !== f.name &&
        standsInFront(f.liveRoles.get(c.id)) &&
        c.networks.length > 0,
    );
    checks.push({
      kind: "database-isolated",
      database: db.name,
      ...(port !== undefined ? { port } : {}),
      ...(outsider && port !== undefined ? { via: outsider.name } : {}),
    });
  }
  checks.push({
    kind: "healthy",
    services: services.map((s) => ({
      service: s,
      health: byService.get(s)!.some((c) => c.health.status === "healthy"),
    })),
  });
  return checks;
}
