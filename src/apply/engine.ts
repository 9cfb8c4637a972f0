import type { LiveContainer } from "../live/read-engine";

/** One network a container is on, with what it was connected with. */
export interface Endpoint {
  network: string;
  /** The names Docker's DNS answers for the container there (its short id among them, as Compose adds it). */
  aliases: string[];
  /** Legacy links held on this network, as `container:alias`. */
  links: string[];
  /** Its address there. */
  ip: string;
  /** An address asked for (`ipv4_address`), not one given by the engine. */
  fixedIpv4?: string;
  fixedIpv6?: string;
}

export type HealthStatus = "none" | "starting" | "healthy" | "unhealthy";

/** A health check's state: its status and its latest runs, newest last. */
export interface Health {
  status: HealthStatus;
  /** Consecutive failures that make it unhealthy. */
  retries: number;
  runs: { start: string; exitCode: number }[];
}

/**
 * A container's whole configuration as the engine gave it, enough to make it again by hand:
 * kept only for containers that a plan recreates, so that a rollback can put them back.
 */
export interface ContainerSpec {
  config: Record<string, unknown>;
  hostConfig: Record<string, unknown>;
  /** Its volume mounts: put back by name, so that no data is left behind. */
  volumes: { name: string; destination: string; readOnly: boolean }[];
}

/** A container as apply sees it: identity, Compose labels, state, networks, health. */
export interface ContainerState {
  id: string;
  /** Its name, without Docker's leading slash. */
  name: string;
  /** The image as the container names it (`Config.Image`). */
  image: string;
  /** The image it runs, by id. */
  imageId: string;
  labels: Record<string, string>;
  running: boolean;
  /** `HostConfig.NetworkMode`. */
  networkMode: string;
  networks: Endpoint[];
  health: Health;
  /** The running container as the live audit reads it; none for a stopped one. */
  live?: LiveContainer;
  spec?: ContainerSpec;
}

/** What a network is made with and what Compose compares of it. */
interface NetworkSettings {
  name: string;
  driver: string;
  internal: boolean;
  attachable: boolean;
  enableIpv6: boolean;
  options: Record<string, string>;
  labels: Record<string, string>;
}

/** A network of the engine with what Compose compares of it. */
export interface NetworkState extends NetworkSettings {
  id: string;
  /** Its subnets, as `subnet` or `subnet gateway`. */
  subnets: string[];
  /** Ids of the containers on it. */
  containers: string[];
}

/** What a new network is made with. */
export interface NetworkSpec extends NetworkSettings {
  ipam?: { driver?: string; config: Record<string, string>[] };
}

/** How a container joins a network: the names it answers there, its links, an address asked for. */
export interface EndpointSpec {
  aliases: string[];
  links: string[];
  ipv4?: string;
  ipv6?: string;
}

/** What a command run inside a container printed, and how it ended. */
export interface ExecResult {
  exitCode: number;
  output: string;
}

/**
 * The Docker Engine as apply and rollback use it: read containers and networks, make and
 * remove networks, connect and disconnect containers, run a probe in a container, put back a
 * container that Compose replaced. Nothing here removes a volume or pulls an image.
 */
export interface ApplyEngine {
  /** Where it is, as a person would name it. */
  readonly endpoint: string;
  /** Every container Compose made (running or not), and every running one, with `specs` for those ids. */
  containers(specs?: ReadonlySet<string>): Promise<ContainerState[]>;
  networks(): Promise<NetworkState[]>;
  createNetwork(spec: NetworkSpec): Promise<void>;
  /** Removes a network (no container may be on it). */
  removeNetwork(name: string): Promise<void>;
  connect(network: string, container: string, endpoint: EndpointSpec): Promise<void>;
  disconnect(network: string, container: string): Promise<void>;
  /** Runs `sh -c script` in a running container; undefined when it cannot (no shell, container gone). */
  exec(container: string, script: string, timeoutMs: number): Promise<ExecResult | undefined>;
  /** The id of an image the engine holds under that name, if it holds one. */
  imageId(ref: string): Promise<string | undefined>;
  /** Makes a container from a spec under a name, connected to `network` with `endpoint`; returns its id. */
  createContainer(
    name: string,
    spec: ContainerSpec,
    image: string,
    network?: { name: string; endpoint: EndpointSpec },
  ): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes a container, never its volumes. */
  removeContainer(id: string): Promise<void>;
  renameContainer(id: string, name: string): Promise<void>;
}

/** An engine call failed: what was asked, and what the engine said. */
export class EngineError extends Error {}

/** The short id Docker and Compose use as an alias: the first twelve characters. */
export const shortId = (id: string) => id.slice(0, 12);
