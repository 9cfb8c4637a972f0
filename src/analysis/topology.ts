import { POLICIES } from "./roles/table";
import type { Role } from "./roles/types";
import type { Host } from "./host";
import { membershipOf, realNetworkName, servicesByName } from "./reachability";

/** The topology of a host: projects with their services, and the real networks between them. */
export interface Topology {
  projects: { name: string; services: { name: string; role: Role; exposed: string[] }[] }[];
  networks: { name: string; proxy: boolean; external: boolean; shared: boolean }[];
  edges: { project: string; service: string; network: string }[];
}

/** Who is on which real Docker network, and which databases others can reach. */
export function topology(host: Host): Topology {
  const edges: Topology["edges"] = [];
  const networks = new Map<string, Topology["networks"][number]>();
  const projectsOn = new Map<string, Set<string>>();
  for (const project of host.projects) {
    const byName = servicesByName(project);
    for (const service of project.loaded.merged.services) {
      for (const key of membershipOf(project, service.name, byName)) {
        const name = realNetworkName(project, key);
        const decl = project.loaded.merged.networks.get(key);
        const known = networks.get(name);
        networks.set(name, {
          name,
          external: (known?.external ?? false) || decl?.external === true,
          proxy:
            (known?.proxy ?? false) ||
            (decl?.external === true && name === project.plan.proxy.realName),
          shared: false,
        });
        const on = projectsOn.get(name) ?? new Set<string>();
        on.add(project.name);
        projectsOn.set(name, on);
        edges.push({ project: project.name, service: service.name, network: name });
      }
    }
  }
  // an external network is shared by definition: other projects, the proxy's at least, join it
  for (const [name, projects] of projectsOn) {
    const n = networks.get(name)!;
    n.shared = projects.size > 1 || n.external;
  }
  const edgesOf = new Map<string, Topology["edges"]>();
  for (const e of edges) {
    const key = `${e.project}\u0000${e.service}`;
    const list = edgesOf.get(key);
    if (list) list.push(e);
    else edgesOf.set(key, [e]);
  }
  const projects = host.projects.map((project) => ({
    name: project.name,
    services: project.loaded.merged.services.map((service) => {
      const role = project.roles.get(service.name)?.role ?? "backend";
      const exposed: string[] = [];
      if (POLICIES[role].holdsData) {
        for (const e of edgesOf.get(`${project.name}\u0000${service.name}`) ?? []) {
          if (networks.get(e.network)!.shared) exposed.push(`on shared network ${e.network}`);
        }
        const published = service.ports.filter((p) => !p.loopback).map((p) => p.text);
        if (published.length) exposed.push(`publishes ${published.join(", ")}`);
      }
      return { name: service.name, role, exposed };
    }),
  }));
  return {
    projects,
    networks: [...networks.values()].sort((a, b) => a.name.localeCompare(b.name)),
    edges,
  };
}
