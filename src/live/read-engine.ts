import type Docker from "dockerode";

/** A published port of a running container: where on the host it listens. */
export interface LivePort {
  hostIp: string;
  hostPort: string;
  containerPort: number;
  protocol: string;
}

/** One network a running container is on, with the names Docker's DNS answers for it there. */
export interface LiveAttachment {
  network: string;
  aliases: string[];
  ip: string;
}

/** A running container as the engine shows it: plain data, what the live audit needs. */
export interface LiveContainer {
  id: string;
  /** Its name, without Docker's leading slash. */
  name: string;
  image: string;
  labels: Record<string, string>;
  env: string[];
  /** `HostConfig.NetworkMode`: `default`, `bridge`, `host`, `none`, `container:<id>` or a network. */
  networkMode: string;
  networks: LiveAttachment[];
  ports: LivePort[];
  /** Exposed container ports, as `3306/tcp`. */
  exposed: string[];
  /** Where its mounts land inside it. */
  mounts: string[];
  command: string[];
  entrypoint: string[];
  healthcheck: string[];
}

export interface LiveNetwork {
  name: string;
  id: string;
  driver: string;
  internal: boolean;
  labels: Record<string, string>;
}

/** What the engine is running: every network, and every running container with its networks. */
export interface EngineState {
  /** Where it was read from, as a person would name it (`unix:///var/run/docker.sock`). */
  endpoint: string;
  networks: LiveNetwork[];
  containers: LiveContainer[];
}

/** The engine could not be read: the reason in words, for standard error. */
export class EngineUnreachable extends Error {}

/** What a user who installed composemod without the engine client is told to run. */
export const ENGINE_CLIENT_INSTALL = "npm install -g dockerode";

/**
 * The Docker Engine client, an optional peer dependency: loaded on the one path that talks to an
 * engine, so that every other run (and install) goes without it. Its absence is an
 * {@link EngineUnreachable} that says how to install it.
 */
export function engineClient(): typeof Docker {
  try {
    return require("dockerode") as typeof Docker;
  } catch (error) {
    if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
    throw new EngineUnreachable(
      `talking to the Docker Engine needs dockerode, which is not installed: \`${ENGINE_CLIENT_INSTALL}\` (or npm install dockerode beside composemod)`,
    );
  }
}

export const DEFAULT_SOCKET = "/var/run/docker.sock";

/** Where to reach the engine: `DOCKER_HOST` (`unix://` or `tcp://`), else the default socket. */
export function engineEndpoint(dockerHost: string | undefined): {
  endpoint: string;
  options: Docker.DockerOptions;
} {
  const value = dockerHost?.trim();
  if (!value)
    return { endpoint: `unix://${DEFAULT_SOCKET}`, options: { socketPath: DEFAULT_SOCKET } };
  if (value.startsWith("unix://"))
    return { endpoint: value, options: { socketPath: value.slice(7) } };
  const tcp = /^tcp:\/\/\[?([^\]/]+?)\]?:(\d+)\/?$/.exec(value);
  if (tcp)
    return { endpoint: value, options: { host: tcp[1], port: Number(tcp[2]), protocol: "http" } };
  throw new EngineUnreachable(
    `DOCKER_HOST=${value} is not an address composemod can reach (unix:///path/to/docker.sock or tcp://host:port)`,
  );
}

const REASONS: Record<string, string> = {
  ENOENT: "no such socket",
  ECONNREFUSED: "connection refused",
  EACCES: "permission denied (is this user in the docker group?)",
  EPERM: "permission denied",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENOTFOUND: "no such host",
};

/** Why the engine could not be reached, in words: `no such socket`, `permission denied (...)`. */
export function unreachableReason(error: unknown): string {
  const e = error as { code?: string; statusCode?: number; message?: string };
  if (e.code && REASONS[e.code]) return REASONS[e.code];
  if (e.statusCode) return `the engine answered ${e.statusCode}`;
  return e.code ?? e.message ?? String(error);
}

function ports(info: Docker.ContainerInspectInfo): LivePort[] {
  const out: LivePort[] = [];
  const bound = (info.NetworkSettings?.Ports ?? {}) as Record<
    string,
    { HostIp: string; HostPort: string }[] | null
  >;
  for (const [spec, bindings] of Object.entries(bound)) {
    const [port, protocol = "tcp"] = spec.split("/");
    for (const b of bindings ?? []) {
      out.push({ hostIp: b.HostIp, hostPort: b.HostPort, containerPort: Number(port), protocol });
    }
  }
  return out;
}

const words = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];

/** A running container's inspection as the live audit reads it. */
export function liveContainerOf(info: Docker.ContainerInspectInfo): LiveContainer {
  const networks = (info.NetworkSettings?.Networks ?? {}) as Record<
    string,
    { Aliases?: string[] | null; IPAddress?: string }
  >;
  const config = info.Config ?? ({} as Docker.ContainerInspectInfo["Config"]);
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ""),
    image: config.Image ?? info.Image,
    labels: config.Labels ?? {},
    env: config.Env ?? [],
    networkMode: info.HostConfig?.NetworkMode ?? "default",
    networks: Object.entries(networks).map(([network, n]) => ({
      network,
      aliases: n.Aliases ?? [],
      ip: n.IPAddress ?? "",
    })),
    ports: ports(info),
    exposed: Object.keys(config.ExposedPorts ?? {}),
    mounts: (info.Mounts ?? []).map((m) => m.Destination),
    command: words(config.Cmd),
    entrypoint: words(config.Entrypoint),
    healthcheck: words((config as { Healthcheck?: { Test?: unknown } }).Healthcheck?.Test),
  };
}

/** Runs `f` over the items, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  f: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]);
      }
    }),
  );
  return out;
}

/**
 * A client of the engine at DOCKER_HOST (else the default socket) that answered a ping, each
 * call bounded by `timeout` ms. dockerode is loaded here, on the paths that talk to an engine:
 * every other run starts without it. Throws {@link EngineUnreachable}, with the reason in words.
 */
export async function connectedClient(
  dockerHost: string | undefined,
  timeout: number,
): Promise<{ docker: Docker; endpoint: string }> {
  const { endpoint, options } = engineEndpoint(dockerHost);
  const Dockerode = engineClient();
  const docker = new Dockerode({ ...options, timeout });
  try {
    await docker.ping();
  } catch (error) {
    throw new EngineUnreachable(
      `cannot reach the Docker Engine at ${endpoint}: ${unreachableReason(error)}`,
    );
  }
  return { docker, endpoint };
}

/**
 * Reads the running engine through the Docker Engine API (dockerode): every network, and every
 * running container inspected for its Compose labels, image, environment, networks with their
 * aliases, network mode, published ports and mounts. Throws {@link EngineUnreachable}, with the
 * reason in words, when the engine cannot be reached; a container that ends while it is read is
 * left out.
 */
export async function readEngine(dockerHost: string | undefined): Promise<EngineState> {
  const { docker, endpoint } = await connectedClient(dockerHost, 30_000);
  try {
    const [networks, listed] = await Promise.all([docker.listNetworks(), docker.listContainers()]);
    const inspected = await mapLimit(listed, 8, (c) =>
      docker
        .getContainer(c.Id)
        .inspect()
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode === 404) return undefined;
          throw error;
        }),
    );
    return {
      endpoint,
      networks: networks.map((n) => ({
        name: n.Name,
        id: n.Id,
        driver: n.Driver,
        internal: n.Internal === true,
        labels: n.Labels ?? {},
      })),
      containers: inspected.flatMap((info) =>
        info && info.State?.Running ? [liveContainerOf(info)] : [],
      ),
    };
  } catch (error) {
    if (error instanceof EngineUnreachable) throw error;
    throw new EngineUnreachable(
      `cannot read the Docker Engine at ${endpoint}: ${unreachableReason(error)}`,
    );
  }
}
