import type { Role } from "./roles/types";

/** A place in one of a project's files: the file's index in {@link AuditProject.files}, 1-based line and column. */
export interface Where {
  file: number;
  line: number;
  col: number;
}

/** One real Docker network a service is on. */
export interface NetworkEntry {
  /** The network's name on the engine. */
  network: string;
  /** The key the project's files (or the engine's labels) use for it. */
  key: string;
  /** Declared external: another stack owns it, the proxy's for one. */
  external: boolean;
  /** `internal: true`: Docker's DNS searches it after the container's other networks. */
  internalOnly?: true;
  /** The names Docker's DNS answers for it there besides the service's own: its aliases. */
  aliases: string[];
  /** On it through `network_mode: service:x`: it shares x's endpoint and answers no name of its own. */
  through?: string;
  /** Where the entry is written; none when the service is on it without saying so (`default`). */
  at?: Where;
}

/** A service as the audit sees it: its role, the networks it is on, what it publishes, where it is written. */
export interface AuditService {
  name: string;
  /** Its role for reachability: a data store stays a database whatever else it is. */
  role: Role;
  /** `container_name`, a name Docker's DNS answers too. */
  containerName?: string;
  networks: NetworkEntry[];
  /** `network_mode: host`: every port it listens on is open beyond the host. */
  hostNetworkMode: boolean;
  /** Ports published beyond the host (not on loopback), as written, with their index among the service's ports. */
  published: { text: string; index: number }[];
  /** Where the first of them is written. */
  publishedAt?: Where;
  /** Where the service's key is written (or, on a live engine, none). */
  at?: Where;
  /** On a live engine: the containers that run it. */
  containers?: string[];
  /** Services of other projects that reach it by name over a shared network, with how: the rewrite keeps it there. */
  reachedBy?: { network: string; by: string[] }[];
}

/**
 * A project as the audit sees it, small enough to keep for every project of a large host and
 * plain data, so that a worker process can send it: the project's files are gone by then.
 */
export interface AuditProject {
  /** The project name as Compose computes it. */
  name: string;
  /** Its directory, as paths are shown. */
  dir: string;
  /** Its files as paths are shown; {@link Where.file} indexes them. */
  files: string[];
  services: AuditService[];
  /** The real name of the proxy network the plan settled on. */
  proxyNetwork: string;
  /** Why `composemod --write` leaves the project as it is, when it does. */
  leftAlone?: string;
}

/** The real networks of a service, each once. */
export function networksOf(service: AuditService): string[] {
  return [...new Set(service.networks.map((n) => n.network))];
}

/** The names a service answers on a network: its own, its container's, its aliases there. */
export function namesOn(service: AuditService, entry: NetworkEntry): string[] {
  if (entry.through !== undefined) return [];
  const names = [service.name, ...entry.aliases];
  if (service.containerName) names.push(service.containerName);
  return [...new Set(names)];
}

/** Services of other projects on a network: how many, of how many projects, and the first few by name. */
export interface Others {
  services: number;
  projects: number;
  /** The first of them as `project/service`, in name order. */
  first: string[];
}
