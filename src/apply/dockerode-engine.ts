import type Docker from "dockerode";
import { PassThrough } from "node:stream";
import { connectedClient, EngineUnreachable, liveContainerOf, mapLimit } from "../live/read-engine";
import {
  ApplyEngine,
  ContainerSpec,
  ContainerState,
  EndpointSpec,
  EngineError,
  ExecResult,
  Health,
  HealthStatus,
  NetworkSpec,
  NetworkState,
} from "./engine";

const PROJECT_LABEL = "com.docker.compose.project";

/** What the engine said, in words: its own message where it gave one. */
function said(error: unknown): string {
  const e = error as { json?: { message?: string }; reason?: string; message?: string };
  return (e.json?.message ?? e.reason ?? e.message ?? String(error)).trim();
}

const notFound = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;

function health(info: Docker.ContainerInspectInfo): Health {
  const state = info.State as Docker.ContainerInspectInfo["State"] & {
    Health?: { Status?: string; Log?: { Start: string; ExitCode: number }[] };
  };
  const check = (info.Config as { Healthcheck?: { Test?: string[]; Retries?: number } })
    .Healthcheck;
  const status = (state.Health?.Status ?? "none") as HealthStatus;
  return {
    status: ["starting", "healthy", "unhealthy"].includes(status) ? status : "none",
    retries: check?.Retries || 3,
    runs: (state.Health?.Log ?? []).map((r) => ({ start: r.Start, exitCode: r.ExitCode })),
  };
}

function specOf(info: Docker.ContainerInspectInfo): ContainerSpec {
  const mounts = (info.Mounts ?? []) as {
    Type?: string;
    Name?: string;
    Destination: string;
    RW?: boolean;
  }[];
  return {
    config: info.Config as unknown as Record<string, unknown>,
    hostConfig: info.HostConfig as unknown as Record<string, unknown>,
    volumes: mounts
      .filter((m) => m.Type === "volume" && m.Name)
      .map((m) => ({ name: m.Name!, destination: m.Destination, readOnly: m.RW === false })),
  };
}

function stateOf(info: Docker.ContainerInspectInfo, withSpec: boolean): ContainerState {
  const networks = (info.NetworkSettings?.Networks ?? {}) as Record<
    string,
    {
      Aliases?: string[] | null;
      Links?: string[] | null;
      IPAddress?: string;
      IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null;
    }
  >;
  const running = info.State?.Running === true;
  const out: ContainerState = {
    id: info.Id,
    name: info.Name.replace(/^\//, ""),
    image: info.Config?.Image ?? info.Image,
    imageId: info.Image,
    labels: info.Config?.Labels ?? {},
    running,
    networkMode: info.HostConfig?.NetworkMode ?? "default",
    networks: Object.entries(networks).map(([network, n]) => ({
      network,
      aliases: n.Aliases ?? [],
      links: n.Links ?? [],
      ip: n.IPAddress ?? "",
      ...(n.IPAMConfig?.IPv4Address ? { fixedIpv4: n.IPAMConfig.IPv4Address } : {}),
      ...(n.IPAMConfig?.IPv6Address ? { fixedIpv6: n.IPAMConfig.IPv6Address } : {}),
    })),
    health: health(info),
  };
  if (running) out.live = liveContainerOf(info);
  if (withSpec) out.spec = specOf(info);
  return out;
}

function endpointConfig(endpoint: EndpointSpec): Record<string, unknown> {
  const ipam =
    endpoint.ipv4 || endpoint.ipv6
      ? {
          IPAMConfig: {
            ...(endpoint.ipv4 ? { IPv4Address: endpoint.ipv4 } : {}),
            ...(endpoint.ipv6 ? { IPv6Address: endpoint.ipv6 } : {}),
          },
        }
      : {};
  return {
    Aliases: endpoint.aliases,
    ...(endpoint.links.length ? { Links: endpoint.links } : {}),
    ...ipam,
  };
}

/**
 * The engine at DOCKER_HOST (else the default socket), through its API, as `audit --live`
 * reaches it. Throws `EngineUnreachable` when the engine does not answer.
 */
export async function connectEngine(dockerHost: string | undefined): Promise<ApplyEngine> {
  const { docker, endpoint } = await connectedClient(dockerHost, 120_000);
  const call = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (error) {
      throw new EngineError(`${what}: ${said(error)}`);
    }
  };
  return {
    endpoint,
    async containers(specs = new Set()) {
      const listed = await call("list containers", () => docker.listContainers({ all: true }));
      const wanted = listed.filter((c) => c.State === "running" || c.Labels?.[PROJECT_LABEL]);
      const inspected = await mapLimit(wanted, 8, (c) =>
        docker
          .getContainer(c.Id)
          .inspect()
          .catch((error: unknown) => {
            if (notFound(error)) return undefined;
            throw new EngineError(`inspect container ${c.Id.slice(0, 12)}: ${said(error)}`);
          }),
      );
      return inspected.flatMap((info) => (info ? [stateOf(info, specs.has(info.Id))] : []));
    },
    async networks() {
      const listed = await call("list networks", () => docker.listNetworks());
      const inspected = await mapLimit(listed, 8, (n) =>
        docker
          .getNetwork(n.Id)
          .inspect()
          .catch((error: unknown) => {
            if (notFound(error)) return undefined;
            throw new EngineError(`inspect network ${n.Name}: ${said(error)}`);
          }),
      );
      return inspected.flatMap((n): NetworkState[] => {
        if (!n) return [];
        const ipam = (n.IPAM?.Config ?? []) as { Subnet?: string; Gateway?: string }[];
        return [
          {
            id: n.Id,
            name: n.Name,
            driver: n.Driver,
            internal: n.Internal === true,
            attachable: n.Attachable === true,
            enableIpv6: n.EnableIPv6 === true,
            options: (n.Options ?? {}) as Record<string, string>,
            labels: (n.Labels ?? {}) as Record<string, string>,
            subnets: ipam.map((c) => [c.Subnet, c.Gateway].filter(Boolean).join(" ")),
            containers: Object.keys(n.Containers ?? {}),
          },
        ];
      });
    },
    async createNetwork(spec: NetworkSpec) {
      await call(`create network ${spec.name}`, () =>
        docker.createNetwork({
          Name: spec.name,
          CheckDuplicate: true,
          Driver: spec.driver,
          Internal: spec.internal,
          Attachable: spec.attachable,
          EnableIPv6: spec.enableIpv6,
          Options: spec.options,
          Labels: spec.labels,
          ...(spec.ipam
            ? { IPAM: { Driver: spec.ipam.driver ?? "default", Config: spec.ipam.config } }
            : {}),
        }),
      );
    },
    async removeNetwork(name) {
      await call(`remove network ${name}`, () => docker.getNetwork(name).remove());
    },
    async connect(network, container, endpoint) {
      await call(`connect ${container} to ${network}`, () =>
        docker
          .getNetwork(network)
          .connect({ Container: container, EndpointConfig: endpointConfig(endpoint) }),
      );
    },
    async disconnect(network, container) {
      await call(`disconnect ${container} from ${network}`, () =>
        docker.getNetwork(network).disconnect({ Container: container, Force: false }),
      );
    },
    async exec(container, script, timeoutMs): Promise<ExecResult | undefined> {
      try {
        const exec = await docker.getContainer(container).exec({
          Cmd: ["sh", "-c", script],
          AttachStdout: true,
          AttachStderr: true,
        });
        const stream = await exec.start({ hijack: true, stdin: false });
        let output = "";
        const out = new PassThrough();
        out.on("data", (d: Buffer) => (output += d.toString()));
        docker.modem.demuxStream(stream, out, new PassThrough());
        const ended = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => {
            stream.destroy();
            resolve(false);
          }, timeoutMs);
          stream.on("end", () => {
            clearTimeout(timer);
            resolve(true);
          });
          stream.on("error", () => {
            clearTimeout(timer);
            resolve(false);
          });
        });
        if (!ended) return undefined;
        const inspected = await exec.inspect();
        return { exitCode: inspected.ExitCode ?? -1, output };
      } catch {
        return undefined;
      }
    },
    async imageId(ref) {
      try {
        return (await docker.getImage(ref).inspect()).Id;
      } catch (error) {
        if (notFound(error)) return undefined;
        throw new EngineError(`inspect image ${ref}: ${said(error)}`);
      }
    },
    async createContainer(name, spec, image, network) {
      const created = await call(`create container ${name}`, () =>
        docker.createContainer({
          ...(spec.config as Docker.ContainerCreateOptions),
          Image: image,
          name,
          HostConfig: spec.hostConfig as Docker.HostConfig,
          ...(network
            ? {
                NetworkingConfig: {
                  EndpointsConfig: { [network.name]: endpointConfig(network.endpoint) },
                },
              }
            : {}),
        }),
      );
      return created.id;
    },
    async startContainer(id) {
      await call(`start container ${id.slice(0, 12)}`, () => docker.getContainer(id).start());
    },
    async stopContainer(id, timeoutSeconds) {
      await call(`stop container ${id.slice(0, 12)}`, () =>
        docker
          .getContainer(id)
          .stop({ t: timeoutSeconds })
          .catch((error: { statusCode?: number }) => {
            // 304: already stopped
            if (error.statusCode !== 304) throw error;
          }),
      );
    },
    async removeContainer(id) {
      await call(`remove container ${id.slice(0, 12)}`, () =>
        docker.getContainer(id).remove({ v: false, force: false }),
      );
    },
    async renameContainer(id, name) {
      await call(`rename container ${id.slice(0, 12)} to ${name}`, () =>
        docker.getContainer(id).rename({ name }),
      );
    },
  };
}

export { EngineUnreachable };
