import type { Classification, Role } from "../analysis/classify";
import type { LoadedProject } from "../compose/load-project";
import type { Membership } from "../compose/model";
import { interpolate, Variables } from "../compose/values";
import { parsePort, PortSpec } from "../compose/ports";

/** One network a service's files put it on, by its real name, with what it asks for there. */
export interface TargetEndpoint {
  network: string;
  /** The key the files use for it. */
  key: string;
  /** Per-network aliases (besides the service's name). */
  aliases: string[];
  ipv4?: string;
  ipv6?: string;
  /** Settings a connection cannot be given afterwards: link-local addresses, a MAC address. */
  fixed: string[];
}

/** A service as its files say it will run: the networks (or network mode) and what routes to it. */
export interface TargetService {
  name: string;
  role: Role;
  /** The image its files name, when they name one. */
  image?: string;
  /** `network_mode` as written, when the files set one; then `networks` is empty. */
  networkMode?: string;
  networks: TargetEndpoint[];
  labels: Map<string, string>;
  environment: Map<string, string>;
  ports: PortSpec[];
  /** `expose`: container ports. */
  expose: number[];
}

/** A network the project's files declare (or use as `default`), by its real name. */
export interface TargetNetwork {
  key: string;
  name: string;
  external: boolean;
  driver?: string;
  internal?: boolean;
  enableIpv6?: boolean;
  attachable?: boolean;
  options: Record<string, string>;
  labels: Record<string, string>;
  ipam?: { driver?: string; config: Record<string, string>[] };
}

/** A project as its files (rewritten or not) say it runs, under the name its containers carry. */
export interface ProjectTarget {
  project: string;
  services: Map<string, TargetService>;
  networks: Map<string, TargetNetwork>;
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => !!v && typeof v === "object" && !Array.isArray(v);

const read = (value: unknown, variables: Variables) =>
  interpolate(String(value), variables, "empty").text;

function stringMap(value: unknown, variables: Variables): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = read(item, variables);
      const eq = text.indexOf("=");
      out[eq === -1 ? text : text.slice(0, eq)] = eq === -1 ? "" : text.slice(eq + 1);
    }
  } else if (isDict(value)) {
    for (const [k, v] of Object.entries(value)) out[k] = v == null ? "" : read(v, variables);
  }
  return out;
}

const bool = (value: unknown): boolean | undefined =>
  value === undefined || value === null ? undefined : value === true || value === "true";

/** The real name of a network key, as Compose names it for the project. */
function realName(project: string, key: string, decl: Dict | undefined, variables: Variables) {
  const external = decl?.external;
  if (isDict(external) && external.name !== undefined) return read(external.name, variables);
  if (decl?.name !== undefined) return read(decl.name, variables);
  if (external === true || external === "true") return key;
  return `${project}_${key}`;
}

function networkOf(
  project: string,
  key: string,
  decl: unknown,
  variables: Variables,
): TargetNetwork {
  const d = isDict(decl) ? decl : {};
  const external = d.external === true || d.external === "true" || isDict(d.external);
  const ipam = isDict(d.ipam) ? d.ipam : undefined;
  const out: TargetNetwork = {
    key,
    name: realName(project, key, d, variables),
    external,
    options: stringMap(d.driver_opts, variables),
    labels: stringMap(d.labels, variables),
  };
  if (d.driver !== undefined) out.driver = read(d.driver, variables);
  const internal = bool(d.internal);
  if (internal !== undefined) out.internal = internal;
  const ipv6 = bool(d.enable_ipv6);
  if (ipv6 !== undefined) out.enableIpv6 = ipv6;
  const attachable = bool(d.attachable);
  if (attachable !== undefined) out.attachable = attachable;
  if (ipam) {
    out.ipam = {
      ...(ipam.driver !== undefined ? { driver: read(ipam.driver, variables) } : {}),
      config: (Array.isArray(ipam.config) ? ipam.config : []).map((c) => {
        const entry: Record<string, string> = {};
        for (const [k, v] of Object.entries(isDict(c) ? c : {})) {
          const name = { subnet: "Subnet", gateway: "Gateway", ip_range: "IPRange" }[k];
          if (name && v != null) entry[name] = read(v, variables);
        }
        return entry;
      }),
    };
  }
  return out;
}

function endpointOf(
  project: string,
  m: Membership,
  declared: Dict,
  variables: Variables,
): TargetEndpoint {
  const s = m.settings ?? {};
  const fixed: string[] = [];
  if (s.link_local_ips !== undefined) fixed.push("link_local_ips");
  if (s.mac_address !== undefined) fixed.push("mac_address");
  const out: TargetEndpoint = {
    network: realName(
      project,
      m.key,
      isDict(declared[m.key]) ? (declared[m.key] as Dict) : undefined,
      variables,
    ),
    key: m.key,
    aliases: Array.isArray(s.aliases)
      ? s.aliases.map((a) => read(a, variables)).filter(Boolean)
      : [],
    fixed,
  };
  if (s.ipv4_address != null) out.ipv4 = read(s.ipv4_address, variables);
  if (s.ipv6_address != null) out.ipv6 = read(s.ipv6_address, variables);
  return out;
}

/**
 * What a project's files say its containers run with, named as Compose names things for the
 * project `project` (the name its containers carry): each service's networks by real name with
 * their aliases and fixed addresses, or its network mode; the networks the files declare, with
 * what Compose creates them with; the labels, environment and ports that say how the proxy
 * reaches it. Values are read with the project's `.env`.
 */
export function projectTarget(
  loaded: LoadedProject,
  roles: ReadonlyMap<string, Classification>,
  project: string,
): ProjectTarget {
  const variables = loaded.variables;
  const declared = (
    isDict(loaded.merged.file.data.networks) ? loaded.merged.file.data.networks : {}
  ) as Dict;
  const networks = new Map<string, TargetNetwork>();
  for (const [key, decl] of Object.entries(declared)) {
    const n = networkOf(project, key, decl, variables);
    networks.set(n.name, n);
  }
  const services = new Map<string, TargetService>();
  for (const s of loaded.merged.services) {
    const mode = s.data.network_mode;
    const endpoints = s.membership?.map((m) => endpointOf(project, m, declared, s.variables)) ?? [];
    for (const e of endpoints) {
      if (!networks.has(e.network)) {
        // `default` (or a key used without a declaration): a network of the project's own
        networks.set(e.network, networkOf(project, e.key, declared[e.key], variables));
      }
    }
    // a value whose variables have no value here is the environment of `up`'s to decide: left out
    const text = (m: Map<string, string | null>) =>
      new Map(
        [...m].flatMap(([k, v]) => {
          if (v === null) return [];
          const value = interpolate(v, s.variables);
          return value.unknown.length ? [] : [[k, value.text] as const];
        }),
      );
    const expose = Array.isArray(s.data.expose)
      ? s.data.expose.map((e) => Number(String(e).split("/")[0])).filter((p) => p > 0)
      : [];
    services.set(s.name, {
      name: s.name,
      role: roles.get(s.name)?.role ?? "backend",
      ...(s.data.image != null ? { image: read(s.data.image, s.variables) } : {}),
      ...(mode != null ? { networkMode: read(mode, s.variables) } : {}),
      networks: endpoints,
      labels: text(s.labels),
      environment: text(s.environment),
      ports: Array.isArray(s.data.ports) ? s.data.ports.map((p) => parsePort(p, s.variables)) : [],
      expose,
    });
  }
  return { project, services, networks };
}
