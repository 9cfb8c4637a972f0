import { existsSync, readFileSync } from "node:fs";
import { digest, writeDurably } from "./durable";
import {
  ApplyEngine,
  ContainerSpec,
  ContainerState,
  Endpoint,
  EndpointSpec,
  EngineError,
  NetworkSpec,
  NetworkState,
} from "./engine";
import type { ProjectSnapshot } from "./journal";
import { PROJECT_LABEL, SERVICE_LABEL } from "./plan-project";

/** One thing a rollback does to put a project back as it was. */
export type RestoreAction =
  | { kind: "restore-file"; path: string; shown: string; text: string }
  | {
      kind: "network-back";
      network: NetworkSpec;
      replace: boolean;
      members: { id: string; name: string; endpoint: EndpointSpec }[];
    }
  | { kind: "remove-container"; id: string; name: string; why: string }
  | { kind: "rename"; id: string; from: string; to: string }
  | { kind: "make-again"; container: ContainerState }
  | { kind: "connect"; id: string; name: string; network: string; endpoint: EndpointSpec }
  | { kind: "reconnect"; id: string; name: string; network: string; endpoint: EndpointSpec }
  | { kind: "disconnect"; id: string; name: string; network: string }
  | { kind: "start"; id: string; name: string }
  | { kind: "remove-network"; name: string };

export interface RestorePlan {
  project: string;
  actions: RestoreAction[];
  /** What cannot be put back, and why (a file changed since, a network others joined). */
  problems: string[];
}

/** The engine and the files as they are now, as a restore plan is made against them. */
export interface Now {
  containers: ContainerState[];
  networks: NetworkState[];
  /** A file's text, or undefined when it cannot be read. */
  text: (path: string) => string | undefined;
}

export const readText = (path: string) =>
  existsSync(path) ? readFileSync(path, "utf8") : undefined;

/** An alias Docker or Compose derives from a container's id: a new container has its own. */
const idAlias = (alias: string) => /^[0-9a-f]{12}$/.test(alias);

const endpointOf = (e: Endpoint): EndpointSpec => ({
  aliases: e.aliases.filter((a) => !idAlias(a)),
  links: e.links,
  ...(e.fixedIpv4 ? { ipv4: e.fixedIpv4 } : {}),
  ...(e.fixedIpv6 ? { ipv6: e.fixedIpv6 } : {}),
});

/** A network made again as it was. */
export function specOf(n: NetworkState): NetworkSpec {
  const config = n.subnets.map((s) => {
    const [subnet, gateway] = s.split(" ");
    return { Subnet: subnet, ...(gateway ? { Gateway: gateway } : {}) };
  });
  return {
    name: n.name,
    driver: n.driver,
    internal: n.internal,
    attachable: n.attachable,
    enableIpv6: n.enableIpv6,
    options: n.options,
    labels: n.labels,
    ...(config.length ? { ipam: { config } } : {}),
  };
}

/**
 * What puts a project back as its snapshot says: its files (those the apply wrote, when they
 * still hold what it wrote), the networks it made or changed, and each container that ran: the
 * same container on the same networks with the same names there, or, where Compose replaced
 * it, the old one made again from its configuration with its volumes. Pure.
 */
export function planRestore(
  snap: ProjectSnapshot,
  written: ReadonlyMap<string, string>,
  now: Now,
): RestorePlan {
  const actions: RestoreAction[] = [];
  const problems: string[] = [];
  for (const f of snap.files) {
    const text = now.text(f.path);
    if (text === f.text) continue;
    if (text !== undefined && written.get(f.path) === digest(text)) {
      actions.push({ kind: "restore-file", path: f.path, shown: f.shown, text: f.text });
    } else if (written.has(f.path)) {
      problems.push(`${f.shown} changed since the apply wrote it: left as it is`);
    }
  }
  const engineNet = new Map(now.networks.map((n) => [n.name, n]));
  const byId = new Map(now.containers.map((c) => [c.id, c]));
  const snapIds = new Set(snap.containers.map((c) => c.id));
  const ran = snap.containers.filter((c) => c.running);
  const networkBack: RestoreAction[] = [];
  const removeNetworks: RestoreAction[] = [];
  for (const n of snap.networks) {
    const current = engineNet.get(n.name);
    if (!n.state) {
      if (!current) continue;
      const strangers = current.containers.filter(
        (id) => !snapIds.has(id) && byId.get(id)?.labels[PROJECT_LABEL] !== snap.name,
      );
      if (strangers.length)
        problems.push(
          `\`${n.name}\`, which the apply made, now has containers of other projects: left in place`,
        );
      else removeNetworks.push({ kind: "remove-network", name: n.name });
      continue;
    }
    if (current && current.id === n.state.id) continue;
    const members = ran.flatMap((c) => {
      const e = c.networks.find((x) => x.network === n.name);
      return e ? [{ id: c.id, name: c.name, endpoint: endpointOf(e) }] : [];
    });
    networkBack.push({
      kind: "network-back",
      network: specOf(n.state),
      replace: !!current,
      members,
    });
  }
  const backOn = new Set(
    networkBack.flatMap((a) => (a.kind === "network-back" ? [a.network.name] : [])),
  );
  const remade: RestoreAction[] = [];
  const connects: RestoreAction[] = [];
  const reconnects: RestoreAction[] = [];
  const disconnects: RestoreAction[] = [];
  const starts: RestoreAction[] = [];
  const removed = new Set<string>();
  for (const s of ran) {
    const c = byId.get(s.id);
    if (!c) {
      if (!s.spec) {
        problems.push(
          `\`${s.name}\` is gone and its configuration was not kept: it cannot be made again, and what replaced it stays`,
        );
        continue;
      }
      // Compose replaced it: the replacement goes, the old one is made again as it was
      for (const r of now.containers) {
        if (
          !snapIds.has(r.id) &&
          !removed.has(r.id) &&
          r.labels[PROJECT_LABEL] === snap.name &&
          r.labels[SERVICE_LABEL] === s.labels[SERVICE_LABEL]
        ) {
          removed.add(r.id);
          remade.push({
            kind: "remove-container",
            id: r.id,
            name: r.name,
            why: `it replaced \`${s.name}\``,
          });
        }
      }
      remade.push({ kind: "make-again", container: s });
      continue;
    }
    if (c.name !== s.name) {
      const holder = now.containers.find((x) => x.name === s.name && x.id !== s.id);
      if (holder && !removed.has(holder.id)) {
        removed.add(holder.id);
        remade.push({
          kind: "remove-container",
          id: holder.id,
          name: holder.name,
          why: `it holds \`${s.name}\`'s name`,
        });
      }
      remade.push({ kind: "rename", id: c.id, from: c.name, to: s.name });
    }
    const on = new Map(c.networks.map((n) => [n.network, n]));
    const was = new Map(s.networks.map((n) => [n.network, n]));
    for (const e of s.networks) {
      if (backOn.has(e.network)) continue;
      const at = on.get(e.network);
      const ref = { id: c.id, name: s.name, network: e.network, endpoint: endpointOf(e) };
      if (!at) connects.push({ kind: "connect", ...ref });
      else if (e.aliases.some((a) => !idAlias(a) && !at.aliases.includes(a)))
        reconnects.push({ kind: "reconnect", ...ref });
    }
    for (const n of c.networks) {
      if (!was.has(n.network))
        disconnects.push({ kind: "disconnect", id: c.id, name: s.name, network: n.network });
    }
    if (!c.running) starts.push({ kind: "start", id: c.id, name: s.name });
  }
  // containers the apply left on a network it made, that did not run before: off it, so it can go
  for (const a of removeNetworks) {
    const name = (a as { name: string }).name;
    for (const id of engineNet.get(name)?.containers ?? []) {
      const c = byId.get(id);
      if (c && !ran.some((s) => s.id === id) && !removed.has(id)) {
        disconnects.push({ kind: "disconnect", id, name: c.name, network: name });
      }
    }
  }
  actions.push(
    ...networkBack,
    ...remade,
    ...connects,
    ...reconnects,
    ...disconnects,
    ...starts,
    ...removeNetworks,
  );
  return { project: snap.name, actions, problems };
}

const tolerated = /already exists in network|is not connected|not connected|already exists/i;

async function attempt(f: () => Promise<unknown>, problems: string[], what: string): Promise<void> {
  try {
    await f();
  } catch (error) {
    if (error instanceof EngineError && tolerated.test(error.message)) return;
    problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * A container's host configuration with its volumes mounted by name: an anonymous volume too,
 * which a container made anew would otherwise get empty, so that its data comes back with it.
 */
export function withVolumes(spec: ContainerSpec): Record<string, unknown> {
  const hostConfig = { ...spec.hostConfig };
  const mounts = ((hostConfig.Mounts as Record<string, unknown>[] | undefined) ?? []).slice();
  const bound = new Set(
    [
      ...((hostConfig.Binds as string[] | undefined) ?? []).map((b) => b.split(":")[1]),
      ...mounts.map((m) => String(m.Target)),
    ].filter(Boolean),
  );
  for (const v of spec.volumes) {
    if (bound.has(v.destination)) continue;
    mounts.push({ Type: "volume", Source: v.name, Target: v.destination, ReadOnly: v.readOnly });
  }
  if (mounts.length) hostConfig.Mounts = mounts;
  return hostConfig;
}

/** Makes a container again from its snapshot: its configuration, volumes, networks and names. */
async function makeAgain(engine: ApplyEngine, s: ContainerState): Promise<void> {
  const spec = s.spec!;
  // the image it ran, by name while the name still means it, else by id
  const image = (await engine.imageId(s.image)) === s.imageId ? s.image : s.imageId;
  const primary = s.networks.find((n) => n.network === s.networkMode) ?? s.networks[0];
  const hostConfig = withVolumes(spec);
  if (primary && !/^(container:|host$|none$)/.test(s.networkMode))
    hostConfig.NetworkMode = primary.network;
  const id = await engine.createContainer(
    s.name,
    { ...spec, hostConfig },
    image,
    primary ? { name: primary.network, endpoint: endpointOf(primary) } : undefined,
  );
  for (const e of s.networks) {
    if (e !== primary) await engine.connect(e.network, id, endpointOf(e));
  }
  if (s.running) await engine.startContainer(id);
}

/** Carries out a restore plan; what fails is added to its problems, and the rest still done. */
export async function runRestore(engine: ApplyEngine, plan: RestorePlan): Promise<string[]> {
  const problems = [...plan.problems];
  for (const a of plan.actions) {
    switch (a.kind) {
      case "restore-file":
        await attempt(
          async () =>
            writeDurably([{ path: a.path, content: a.text, expected: readText(a.path) ?? "" }]),
          problems,
          `restore ${a.shown}`,
        );
        break;
      case "network-back":
        for (const m of a.members)
          await attempt(
            () => engine.disconnect(a.network.name, m.id),
            problems,
            `disconnect ${m.name}`,
          );
        if (a.replace)
          await attempt(
            () => engine.removeNetwork(a.network.name),
            problems,
            `remove ${a.network.name}`,
          );
        await attempt(
          () => engine.createNetwork(a.network),
          problems,
          `make ${a.network.name} again`,
        );
        for (const m of a.members)
          await attempt(
            () => engine.connect(a.network.name, m.id, m.endpoint),
            problems,
            `connect ${m.name}`,
          );
        break;
      case "remove-container":
        await attempt(() => engine.stopContainer(a.id, 10), problems, `stop ${a.name}`);
        await attempt(() => engine.removeContainer(a.id), problems, `remove ${a.name}`);
        break;
      case "rename":
        await attempt(() => engine.renameContainer(a.id, a.to), problems, `rename ${a.from}`);
        break;
      case "make-again":
        await attempt(
          () => makeAgain(engine, a.container),
          problems,
          `make ${a.container.name} again`,
        );
        break;
      case "connect":
        await attempt(
          () => engine.connect(a.network, a.id, a.endpoint),
          problems,
          `connect ${a.name} to ${a.network}`,
        );
        break;
      case "reconnect":
        await attempt(
          () => engine.disconnect(a.network, a.id),
          problems,
          `disconnect ${a.name} from ${a.network}`,
        );
        await attempt(
          () => engine.connect(a.network, a.id, a.endpoint),
          problems,
          `connect ${a.name} to ${a.network}`,
        );
        break;
      case "disconnect":
        await attempt(
          () => engine.disconnect(a.network, a.id),
          problems,
          `disconnect ${a.name} from ${a.network}`,
        );
        break;
      case "start":
        await attempt(() => engine.startContainer(a.id), problems, `start ${a.name}`);
        break;
      case "remove-network":
        await attempt(() => engine.removeNetwork(a.name), problems, `remove ${a.name}`);
        break;
    }
  }
  return problems;
}

/**
 * What still differs from the snapshot once restored: files, and each container that ran (by
 * name: running, on the same networks, answering the same names there).
 */
export function restoreDiffers(
  snap: ProjectSnapshot,
  now: Now,
  written: ReadonlyMap<string, string>,
): string[] {
  const out: string[] = [];
  for (const f of snap.files) {
    if (written.has(f.path) && now.text(f.path) !== f.text) out.push(`${f.shown} is not as it was`);
  }
  for (const s of snap.containers.filter((c) => c.running)) {
    const c = now.containers.find((x) => x.name === s.name && x.running);
    if (!c) {
      out.push(`\`${s.name}\` does not run`);
      continue;
    }
    const on = c.networks
      .map((n) => n.network)
      .sort()
      .join(" ");
    const was = s.networks
      .map((n) => n.network)
      .sort()
      .join(" ");
    if (on !== was)
      out.push(`\`${s.name}\` is on ${on || "no network"}, was on ${was || "no network"}`);
    for (const e of s.networks) {
      const has = c.networks.find((n) => n.network === e.network)?.aliases ?? [];
      const missing = e.aliases.filter((a) => !idAlias(a) && !has.includes(a));
      if (missing.length)
        out.push(`\`${s.name}\` does not answer ${missing.join(", ")} on ${e.network}`);
    }
  }
  for (const n of snap.networks) {
    const current = now.networks.find((x) => x.name === n.name);
    if (!n.state && current) out.push(`\`${n.name}\`, which the apply made, is still there`);
  }
  return out;
}

/** The digests of what the apply wrote, by path, from the steps it started. */
export function writtenBy(
  steps: { kind: string; files?: { path: string; after: string }[] }[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of steps)
    if (s.kind === "write-files") for (const f of s.files ?? []) out.set(f.path, f.after);
  return out;
}
