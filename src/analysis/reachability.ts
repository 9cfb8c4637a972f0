import type { AuditProject, AuditService, NetworkEntry, Others } from "./audit-model";
import { followMembership, realNameOf } from "./audit-project";
import type { HostProject } from "./host";

/** The Docker network a key of a project's files really is, as Compose names it. */
export function realNetworkName(project: HostProject, key: string): string {
  return realNameOf(project.name, project.loaded.merged.networks, key);
}

/** A project's services by name, as its merged view has them. */
export type ServicesByName = ReadonlyMap<
  string,
  HostProject["loaded"]["merged"]["services"][number]
>;

export function servicesByName(project: HostProject): ServicesByName {
  return new Map(project.loaded.merged.services.map((s) => [s.name, s]));
}

/**
 * The network keys a service is on, following `network_mode: service:x` to the service whose
 * network namespace it shares. `byName` is the project's services by name: made once a project
 * by a caller that asks of several of its services.
 */
export function membershipOf(
  project: HostProject,
  name: string,
  byName: ServicesByName = servicesByName(project),
): string[] {
  return followMembership(byName, name, (s) => s.membership).list.map((m) => m.key);
}

/** One service on one real Docker network. */
export interface NetworkMember {
  project: AuditProject;
  service: AuditService;
  /** Its entry for the network. */
  entry: NetworkEntry;
}

/** The members of one network that answer one name, by project, with how many are databases. */
export interface Answering {
  members: NetworkMember[];
  slices: Map<string, [number, number]>;
  databases: number;
}

/** A real network and every service on it, of every project, each once. */
export interface NetworkGroup {
  name: string;
  /** Some project declares it external. */
  external: boolean;
  /** Its members, by project name, then service name. */
  members: NetworkMember[];
  /** How many projects (by name: Docker's unit) have a service on it. */
  projects: number;
  /** Project name -> its slice of `members`, as [start, end). */
  slices: Map<string, [number, number]>;
  /** Who answers each name on it: worked out when the audit first asks, kept with the network. */
  answering?: Map<string, Answering>;
}

/**
 * Works out, once, which services of which projects are on each real network. A project is its
 * name to Docker: two directories with one project name are one project here too.
 */
export function sharedNetworks(projects: readonly AuditProject[]): NetworkGroup[] {
  const byName = new Map<string, NetworkGroup>();
  for (const project of projects) {
    for (const service of project.services) {
      const seen = new Set<string>();
      for (const entry of service.networks) {
        if (seen.has(entry.network)) continue;
        seen.add(entry.network);
        let group = byName.get(entry.network);
        if (!group) {
          group = {
            name: entry.network,
            external: false,
            members: [],
            projects: 0,
            slices: new Map(),
          };
          byName.set(entry.network, group);
        }
        group.external ||= entry.external;
        group.members.push({ project, service, entry });
      }
    }
  }
  const groups = [...byName.values()].sort((a, b) => compare(a.name, b.name));
  for (const group of groups) {
    group.members.sort(
      (a, b) => compare(a.project.name, b.project.name) || compare(a.service.name, b.service.name),
    );
    let start = 0;
    for (let i = 1; i <= group.members.length; i++) {
      const name = group.members[start].project.name;
      if (i < group.members.length && group.members[i].project.name === name) continue;
      group.slices.set(name, [start, i]);
      start = i;
    }
    group.projects = group.slices.size;
  }
  return groups;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** How many of the first services of other projects a finding names. */
export const FIRST_FEW = 3;

/**
 * The services of other projects than `project` among a group's members, counted, with the
 * first few by name; the members of `project` are skipped as one slice, so this costs no more
 * than the few it names.
 */
export function othersOn(
  group: Pick<NetworkGroup, "members" | "slices">,
  project: string,
  label: (m: NetworkMember) => string = (m) => `${m.project.name}/${m.service.name}`,
): Others {
  const own = group.slices.get(project);
  const ownCount = own ? own[1] - own[0] : 0;
  const first: string[] = [];
  for (let i = 0; i < group.members.length && first.length < FIRST_FEW; i++) {
    if (own && i === own[0]) {
      i = own[1] - 1;
      continue;
    }
    const name = label(group.members[i]);
    if (!first.includes(name)) first.push(name);
  }
  return {
    services: group.members.length - ownCount,
    projects: group.slices.size - (own ? 1 : 0),
    first,
  };
}
