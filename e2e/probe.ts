import type { Engine } from "./engine";
import { runOk } from "./exec";

/** One network a container is on, as the engine reports it. */
export interface Attachment {
  network: string;
  ip: string;
  /** Names it answers to there: service name and aliases (not the container id). */
  aliases: string[];
  /** `alias -> container name` for the links the container itself holds there. */
  links: Record<string, string>;
}

/** A running container, read with `docker inspect`. */
export interface Container {
  id: string;
  name: string;
  /** `<project>/<service>` for Compose containers, else the container name. */
  identity: string;
  project?: string;
  service?: string;
  networks: Attachment[];
}

export type ProbeKind = "ip" | "name";

export interface Probe {
  /** Identity of the container the probe runs in. */
  source: string;
  kind: ProbeKind;
  /** An IP address (kind ip) or a name (kind name). */
  address: string;
  port: number;
  /** For ip probes: the network of the address and the container it belongs to. */
  network?: string;
  owner?: string;
  /** Identity that answered, when something answered with one. */
  answered?: string;
}

export interface Matrix {
  containers: Container[];
  probes: Probe[];
  seconds: number;
}

const IDENTITY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
// what may stand unquoted in the probe script
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Every running container of the engine, with its networks, addresses, aliases and links. */
export async function listContainers(engine: Engine): Promise<Container[]> {
  const ids = (await runOk("docker", ["ps", "-q", "--no-trunc"], { env: engine.env }))
    .split("\n")
    .filter(Boolean);
  if (!ids.length) return [];
  const inspected = JSON.parse(
    await runOk("docker", ["inspect", ...ids], { env: engine.env }),
  ) as InspectedContainer[];
  return inspected
    .map((c) => {
      const labels = c.Config?.Labels ?? {};
      const project = labels["com.docker.compose.project"];
      const service = labels["com.docker.compose.service"];
      const name = c.Name.replace(/^\//, "");
      const networks = Object.entries(c.NetworkSettings?.Networks ?? {})
        .filter(([, n]) => !!n.IPAddress)
        .map(([network, n]) => ({
          network,
          ip: n.IPAddress,
          aliases: [...new Set((n.Aliases ?? []).filter((a) => !c.Id.startsWith(a)))].sort(),
          links: Object.fromEntries(
            (n.Links ?? []).map((l) => {
              const [target, alias] = l.split(":");
              return [alias ?? target, target.replace(/^\//, "")];
            }),
          ),
        }))
        .sort((a, b) => a.network.localeCompare(b.network));
      return {
        id: c.Id,
        name,
        identity: project && service ? `${project}/${service}` : name,
        project,
        service,
        networks,
      };
    })
    .sort((a, b) => a.identity.localeCompare(b.identity));
}

interface InspectedContainer {
  Id: string;
  Name: string;
  Config?: { Labels?: Record<string, string> };
  NetworkSettings?: {
    Networks?: Record<
      string,
      { IPAddress: string; Aliases?: string[] | null; Links?: string[] | null }
    >;
  };
}

/**
 * The probes one source runs: every address of every other target at that target's port, and
 * every name some other target answers to (its aliases on any network, and the source's own link
 * aliases) at that target's port. Names the source itself answers to are left out.
 */
export function probesFor(
  source: Container,
  targets: Container[],
  portOf: (c: Container) => number | undefined,
): Probe[] {
  const probes: Probe[] = [];
  const own = new Set(source.networks.flatMap((n) => n.aliases));
  const names = new Map<string, Set<number>>();
  const addName = (name: string, port: number) =>
    names.set(name, (names.get(name) ?? new Set()).add(port));
  for (const target of targets) {
    const port = portOf(target);
    if (target.id === source.id || port === undefined) continue;
    for (const n of target.networks) {
      probes.push({
        source: source.identity,
        kind: "ip",
        address: n.ip,
        port,
        network: n.network,
        owner: target.identity,
      });
      for (const alias of n.aliases)
        if (!own.has(alias) && SAFE_NAME.test(alias)) addName(alias, port);
    }
  }
  for (const n of source.networks) {
    for (const [alias, containerName] of Object.entries(n.links)) {
      const target = targets.find((t) => t.name === containerName);
      const port = target && portOf(target);
      if (port !== undefined && SAFE_NAME.test(alias)) addName(alias, port);
    }
  }
  for (const [name, ports] of [...names].sort(([a], [b]) => a.localeCompare(b))) {
    for (const port of [...ports].sort((a, b) => a - b)) {
      probes.push({ source: source.identity, kind: "name", address: name, port });
    }
  }
  return probes;
}

/**
 * The shell script that runs a source's probes at once, each an HTTP request by busybox nc with
 * a one-second timeout, printing `<index> <last line of the reply>` per probe.
 */
export function probeScript(probes: Probe[]): string {
  const lines = [
    `p() { r=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 1 "$2" "$3" 2>/dev/null | tail -n 1); echo "$1 $r"; }`,
    ...probes.map((p, i) => `p ${i} ${p.address} ${p.port} &`),
    "wait",
  ];
  return lines.join("\n");
}

/** Reads the script's output back into the probes: who answered each one. */
export function readAnswers(probes: Probe[], output: string): Probe[] {
  const answers = new Map<number, string>();
  for (const line of output.split("\n")) {
    const match = /^(\d+) ?(.*)$/.exec(line.trim());
    if (match && IDENTITY.test(match[2].trim())) answers.set(Number(match[1]), match[2].trim());
  }
  return probes.map((p, i) => ({ ...p, answered: answers.get(i) }));
}

/**
 * Records the reachability matrix: from each source container, one `docker exec` that probes
 * every other container by each of its addresses and every name they answer to. Only addresses
 * the engine gave containers and names its DNS serves are probed.
 */
export async function probeMatrix(
  engine: Engine,
  options: {
    containers: Container[];
    sources?: Container[];
    portOf: (c: Container) => number | undefined;
    parallel?: number;
  },
): Promise<Matrix> {
  const started = Date.now();
  const sources = (options.sources ?? options.containers).filter((c) => c.networks.length);
  const results: Probe[][] = new Array(sources.length);
  let next = 0;
  const worker = async () => {
    while (next < sources.length) {
      const index = next++;
      const source = sources[index];
      const probes = probesFor(source, options.containers, options.portOf);
      const output = probes.length
        ? await runOk("docker", ["exec", source.id, "sh", "-c", probeScript(probes)], {
            env: engine.env,
            timeoutMs: 120_000,
          })
        : "";
      results[index] = readAnswers(probes, output);
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 4 }, worker));
  return {
    containers: options.containers,
    probes: results.flat(),
    seconds: (Date.now() - started) / 1000,
  };
}
