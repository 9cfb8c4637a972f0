import type { ComposeRunner, ComposeTarget } from "../../src/apply/compose-cli";
import {
  ApplyEngine,
  ContainerSpec,
  ContainerState,
  EndpointSpec,
  EngineError,
  NetworkSpec,
  NetworkState,
} from "../../src/apply/engine";
import type { LiveContainer } from "../../src/live/read-engine";

/** What a fake container listens on, and how its health follows its networks. */
export interface FakeBehaviour {
  /** The TCP port it answers on. */
  port?: number;
  /** Healthy while this returns true (none: no health check). */
  healthy?: (c: ContainerState) => boolean;
}

let serial = 0;
const newId = () => (++serial).toString(16).padStart(12, "0") + "f".repeat(52);

/**
 * A Docker Engine in memory, as apply sees one: containers with Compose's labels, networks,
 * connections with aliases, TCP probes answered by topology (a name looked up network by network
 * in Docker's order, an address reached from a network the prober shares), health that follows
 * a container's networks. Every change is recorded in `calls`; `failAfter` makes the n-th change
 * throw, as a process killed at that point would leave the engine.
 */
export class FakeEngine implements ApplyEngine {
  readonly endpoint = "unix:///fake.sock";
  readonly containersById = new Map<string, ContainerState>();
  readonly networksByName = new Map<string, NetworkState>();
  readonly behaviour = new Map<string, FakeBehaviour>();
  readonly images = new Map<string, string>();
  readonly calls: string[] = [];
  /** Stops for good at the change after this many, as a process killed there would. */
  failAfter?: number;
  /** Resolves once it has stopped. */
  readonly killed: Promise<void>;
  private kill!: () => void;
  private ip = 1;

  constructor() {
    this.killed = new Promise((resolve) => (this.kill = resolve));
  }

  network(name: string, more: Partial<NetworkState> = {}): NetworkState {
    const n: NetworkState = {
      id: `net-${name}-${++serial}`,
      name,
      driver: "bridge",
      internal: false,
      attachable: false,
      enableIpv6: false,
      options: {},
      labels: {},
      subnets: [],
      containers: [],
      ...more,
    };
    this.networksByName.set(name, n);
    return n;
  }

  /** A running container of a Compose project (`project/service`), on networks with aliases. */
  container(
    identity: string,
    networks: Record<string, string[]>,
    more: Partial<ContainerState> & { env?: string[]; ports?: LiveContainer["ports"] } = {},
    behaviour: FakeBehaviour = {},
  ): ContainerState {
    const [project, service] = identity.split("/");
    const id = newId();
    const { env = [], ports = [], ...rest } = more;
    const c: ContainerState = {
      id,
      name: project ? `${project}_${service}_1` : service,
      image: `${service}:latest`,
      imageId: `sha256:${service}`,
      labels: project
        ? {
            "com.docker.compose.project": project,
            "com.docker.compose.service": service,
            "com.docker.compose.version": "1.29.2",
            "com.docker.compose.oneoff": "False",
          }
        : {},
      running: true,
      networkMode: Object.keys(networks)[0] ?? "default",
      networks: [],
      health: { status: "none", retries: 3, runs: [] },
      spec: { config: { Image: `${service}:latest` }, hostConfig: {}, volumes: [] },
      ...rest,
    };
    if (!more.spec)
      c.spec = { config: { Image: c.image, Labels: c.labels }, hostConfig: {}, volumes: [] };
    c.live = {
      id,
      name: c.name,
      image: c.image,
      labels: c.labels,
      env,
      networkMode: c.networkMode,
      networks: [],
      ports,
      exposed: [],
      mounts: [],
      command: [],
      entrypoint: [],
      healthcheck: [],
    };
    this.images.set(c.image, c.imageId);
    this.containersById.set(id, c);
    this.behaviour.set(id, behaviour);
    for (const [network, aliases] of Object.entries(networks)) {
      if (!this.networksByName.has(network)) this.network(network);
      this.attach(c, network, {
        aliases: [service ?? c.name, id.slice(0, 12), ...aliases],
        links: [],
      });
    }
    this.refreshHealth();
    return c;
  }

  private attach(c: ContainerState, network: string, endpoint: EndpointSpec): void {
    const n = this.networksByName.get(network)!;
    c.networks.push({
      network,
      aliases: [...new Set(endpoint.aliases)],
      links: endpoint.links,
      ip: `172.20.${Math.floor(this.ip / 250)}.${(this.ip++ % 250) + 2}`,
      ...(endpoint.ipv4 ? { fixedIpv4: endpoint.ipv4 } : {}),
    });
    n.containers.push(c.id);
    this.sync(c);
  }

  private sync(c: ContainerState): void {
    if (c.live) {
      c.live.networks = c.networks.map((n) => ({
        network: n.network,
        aliases: n.aliases,
        ip: n.ip,
      }));
      c.live.name = c.name;
    }
  }

  /** Health as each container's behaviour says, now. */
  refreshHealth(): void {
    for (const c of this.containersById.values()) {
      const healthy = this.behaviour.get(c.id)?.healthy;
      if (!healthy || !c.running) continue;
      const ok = healthy(c);
      c.health = {
        status: ok ? "healthy" : "unhealthy",
        retries: 3,
        runs: [
          ...c.health.runs,
          { start: new Date(Date.now() + 1).toISOString(), exitCode: ok ? 0 : 1 },
        ].slice(-5),
      };
    }
  }

  /** Records a change; at `failAfter`, never returns (the run that made it is abandoned). */
  private async change(what: string): Promise<void> {
    if (this.failAfter !== undefined && this.calls.length >= this.failAfter) {
      this.kill();
      await new Promise(() => undefined);
    }
    this.calls.push(what);
  }

  private byRef(ref: string): ContainerState {
    const c =
      this.containersById.get(ref) ?? [...this.containersById.values()].find((x) => x.name === ref);
    if (!c) throw new EngineError(`No such container: ${ref}`);
    return c;
  }

  async containers(specs: ReadonlySet<string> = new Set()): Promise<ContainerState[]> {
    this.refreshHealth();
    return [...this.containersById.values()].map((c) => {
      const copy = structuredClone(c);
      if (!specs.has(c.id)) delete copy.spec;
      return copy;
    });
  }

  async networks(): Promise<NetworkState[]> {
    return [...this.networksByName.values()].map((n) => structuredClone(n));
  }

  async createNetwork(spec: NetworkSpec): Promise<void> {
    await this.change(`create-network ${spec.name}`);
    if (this.networksByName.has(spec.name))
      throw new EngineError(`network with name ${spec.name} already exists`);
    this.network(spec.name, {
      driver: spec.driver,
      internal: spec.internal,
      attachable: spec.attachable,
      enableIpv6: spec.enableIpv6,
      options: spec.options,
      labels: spec.labels,
    });
  }

  async removeNetwork(name: string): Promise<void> {
    await this.change(`remove-network ${name}`);
    const n = this.networksByName.get(name);
    if (!n) throw new EngineError(`network ${name} not found`);
    if (n.containers.length)
      throw new EngineError(`error while removing network: network ${name} has active endpoints`);
    this.networksByName.delete(name);
  }

  async connect(network: string, container: string, endpoint: EndpointSpec): Promise<void> {
    await this.change(`connect ${this.byRef(container).name} ${network}`);
    const c = this.byRef(container);
    if (!this.networksByName.has(network)) throw new EngineError(`network ${network} not found`);
    if (c.networks.some((n) => n.network === network)) {
      throw new EngineError(`endpoint with name ${c.name} already exists in network ${network}`);
    }
    this.attach(c, network, { ...endpoint, aliases: [...endpoint.aliases, c.id.slice(0, 12)] });
  }

  async disconnect(network: string, container: string): Promise<void> {
    await this.change(`disconnect ${this.byRef(container).name} ${network}`);
    const c = this.byRef(container);
    if (!c.networks.some((n) => n.network === network)) {
      throw new EngineError(`container ${c.id} is not connected to network ${network}`);
    }
    c.networks = c.networks.filter((n) => n.network !== network);
    const n = this.networksByName.get(network)!;
    n.containers = n.containers.filter((id) => id !== c.id);
    this.sync(c);
  }

  /** Docker's search order of a container's networks. */
  private searchOrder(c: ContainerState) {
    return [...c.networks].sort((a, b) => {
      const ia = this.networksByName.get(a.network)?.internal ? 1 : 0;
      const ib = this.networksByName.get(b.network)?.internal ? 1 : 0;
      return ia - ib || (a.network < b.network ? -1 : 1);
    });
  }

  /** Whether `from` connects to host:port, as Docker's networks would let it. */
  reaches(from: ContainerState, host: string, port: number): boolean {
    const listens = (c: ContainerState) =>
      c.running && (this.behaviour.get(c.id)?.port ?? 80) === port;
    for (const n of this.searchOrder(from)) {
      const on = [...this.containersById.values()].filter((c) =>
        c.networks.some((x) => x.network === n.network),
      );
      const byIp = on.find((c) => c.networks.some((x) => x.network === n.network && x.ip === host));
      if (byIp) return listens(byIp);
      const byName = on.find((c) =>
        c.networks.some((x) => x.network === n.network && x.aliases.includes(host)),
      );
      if (byName) return listens(byName);
    }
    return false;
  }

  async exec(container: string, script: string): Promise<{ exitCode: number; output: string }> {
    const c = this.byRef(container);
    const lines = [...script.matchAll(/^t (\d+) (\S+) (\d+) &$/gm)].map(
      ([, i, host, port]) => `${i} ${this.reaches(c, host, Number(port)) ? "open" : "closed"}`,
    );
    return { exitCode: 0, output: lines.join("\n") + "\n" };
  }

  async imageId(ref: string): Promise<string | undefined> {
    return this.images.get(ref);
  }

  async createContainer(
    name: string,
    spec: ContainerSpec,
    image: string,
    network?: { name: string; endpoint: EndpointSpec },
  ): Promise<string> {
    await this.change(`create-container ${name}`);
    if ([...this.containersById.values()].some((c) => c.name === name)) {
      throw new EngineError(`Conflict. The container name "/${name}" is already in use`);
    }
    const labels = (spec.config.Labels as Record<string, string>) ?? {};
    const c = this.container(
      `${labels["com.docker.compose.project"] ?? ""}/${labels["com.docker.compose.service"] ?? name}`,
      {},
      { name, image, running: false, labels, spec },
    );
    if (network) this.attach(c, network.name, network.endpoint);
    return c.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.change(`start ${this.byRef(id).name}`);
    this.byRef(id).running = true;
  }

  async stopContainer(id: string): Promise<void> {
    await this.change(`stop ${this.byRef(id).name}`);
    this.byRef(id).running = false;
  }

  async removeContainer(id: string): Promise<void> {
    await this.change(`remove ${this.byRef(id).name}`);
    const c = this.byRef(id);
    for (const n of c.networks) {
      const net = this.networksByName.get(n.network)!;
      net.containers = net.containers.filter((x) => x !== c.id);
    }
    this.containersById.delete(c.id);
  }

  async renameContainer(id: string, name: string): Promise<void> {
    await this.change(`rename ${this.byRef(id).name} ${name}`);
    const c = this.byRef(id);
    c.name = name;
    this.sync(c);
  }

  /** Each container's networks, as `name: net net`, sorted: what a test compares. */
  layout(): string[] {
    return [...this.containersById.values()]
      .filter((c) => c.running)
      .map(
        (c) =>
          `${c.name}: ${c.networks
            .map((n) => n.network)
            .sort()
            .join(" ")}`,
      )
      .sort();
  }
}

/**
 * Compose as a fake: `up` makes each service's containers anew (new ids, same names) on the
 * networks `networksOf` gives, with the labels `labelsOf` gives, as Compose reads the files.
 */
export function fakeCompose(
  engine: FakeEngine,
  networksOf: (service: string) => Record<string, string[]>,
  labelsOf: (service: string) => Record<string, string> = () => ({}),
): ComposeRunner & { ups: string[][] } {
  const ups: string[][] = [];
  return {
    describe: "docker-compose 1.29.2",
    major: 1,
    ups,
    async up(target: ComposeTarget, services: string[]) {
      ups.push(services);
      for (const service of services) {
        const old = [...engine.containersById.values()].filter(
          (c) =>
            c.labels["com.docker.compose.project"] === target.project &&
            c.labels["com.docker.compose.service"] === service,
        );
        for (const c of old) {
          await engine.stopContainer(c.id);
          await engine.removeContainer(c.id);
          const made = engine.container(
            `${target.project}/${service}`,
            networksOf(service),
            {
              labels: { ...c.labels, ...labelsOf(service) },
              image: c.image,
              imageId: c.imageId,
            },
            engine.behaviour.get(c.id),
          );
          made.labels = { ...c.labels, ...labelsOf(service) };
        }
      }
      return { ok: true, output: "" };
    },
  };
}
