/**
 * What the rewrite of one project needs to know about the other projects of a run: the networks
 * with a fixed `name:` (not external) and the projects that name them. Such a network is shared
 * as soon as two projects name it, though neither file says so.
 */
export interface HostIndex {
  /** Real network name -> the projects whose services are on it. */
  fixedNetworks: ReadonlyMap<string, readonly string[]>;
}

export const EMPTY_HOST_INDEX: HostIndex = { fixedNetworks: new Map() };

/** The projects other than `project` that are on the fixed-name network `name`. */
export function othersOn(index: HostIndex | undefined, name: string, project: string): string[] {
  return (index?.fixedNetworks.get(name) ?? []).filter((p) => p !== project);
}

/** Builds the index from each project's name and the fixed-name networks its services are on. */
export function hostIndex(projects: { name: string; fixedNetworks: string[] }[]): HostIndex {
  const fixed = new Map<string, string[]>();
  for (const project of projects) {
    for (const network of new Set(project.fixedNetworks)) {
      const list = fixed.get(network) ?? [];
      if (!list.includes(project.name)) list.push(project.name);
      fixed.set(network, list);
    }
  }
  for (const [name, list] of fixed) if (list.length < 2) fixed.delete(name);
  return { fixedNetworks: fixed };
}
