import type { ServiceModel } from "../compose/model";
import type { Role } from "./classify";
import { isDataStore } from "./evidence";
import type { Host, HostProject } from "./host";

/** One service on one real Docker network. */
export interface NetworkMember {
  project: HostProject;
  service: ServiceModel;
  /** Its role; a data store that `network_mode` takes out of the rewrite is still a database. */
  role: Role;
  /** The key its project's files use for the network. */
  key: string;
}

/** Who is on which real Docker network, across every project of a host. */
export interface Reachability {
  /** Real network name -> its members, in the order of the host's projects and services. */
  members: Map<string, NetworkMember[]>;
  /** Project name -> service name -> the real networks it is on. */
  networksOf: Map<string, Map<string, string[]>>;
}

/** The Docker network a key of a project's files really is, as Compose names it. */
export function realNetworkName(project: HostProject, key: string): string {
  const decl = project.loaded.merged.networks.get(key);
  if (decl?.external) return decl.realName;
  if (decl?.fixedName) return decl.fixedName;
  return `${project.name}_${key}`;
}

/** A service's role for reachability: a data store stays a database whatever else it is. */
export function reachRole(project: HostProject, service: ServiceModel): Role {
  const role = project.roles.get(service.name)?.role ?? "backend";
  return role === "skipped" && isDataStore(service) ? "database" : role;
}

/**
 * The network keys a service is on, following `network_mode: service:x` to the service whose
 * network namespace it shares.
 */
export function membershipOf(project: HostProject, name: string): string[] {
  const byName = servicesByName(project);
  const seen = new Set<string>();
  for (let current = name; ;) {
    const service = byName.get(current);
    if (!service || seen.has(current)) return [];
    seen.add(current);
    if (service.membership) return service.membership.map((m) => m.key);
    const mode = String(service.data.network_mode ?? "");
    if (!mode.startsWith("service:")) return [];
    current = mode.slice(8);
  }
}

const byNameCache = new WeakMap<HostProject, Map<string, ServiceModel>>();

function servicesByName(project: HostProject): Map<string, ServiceModel> {
  let map = byNameCache.get(project);
  if (!map) {
    map = new Map(project.loaded.merged.services.map((s) => [s.name, s]));
    byNameCache.set(project, map);
  }
  return map;
}

/** Works out, once, which services of which projects share each real network. */
export function reachability(host: Host): Reachability {
  const members = new Map<string, NetworkMember[]>();
  const networksOf = new Map<string, Map<string, string[]>>();
  for (const project of host.projects) {
    const own = networksOf.get(project.name) ?? new Map<string, string[]>();
    networksOf.set(project.name, own);
    for (const service of project.loaded.merged.services) {
      const role = reachRole(project, service);
      const names: string[] = [];
      for (const key of membershipOf(project, service.name)) {
        const name = realNetworkName(project, key);
        names.push(name);
        const list = members.get(name);
        const member = { project, service, role, key };
        if (list) list.push(member);
        else members.set(name, [member]);
      }
      own.set(service.name, names);
    }
  }
  return { members, networksOf };
}
