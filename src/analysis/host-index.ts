import type { ComposeModel, ServiceModel } from "../compose/model";
import { interpolate } from "../compose/values";
import { proxyEvidence, routingOf } from "./evidence";
import { foreignReferences, projectHostNames } from "./plan/references";

/** A service of a project, as the host index names it. */
export interface HostService {
  project: string;
  service: string;
  /** It stays on the network after a rewrite: the proxy routes to it, or it is the proxy. */
  stays?: true;
}

/** A service of another project that reaches a name on a shared network, and how it names it. */
export interface Reacher extends HostService {
  /** `environment DB_HOST`, `links`, `external_links`. */
  via: string;
}

/**
 * What one project shows the others on the networks it shares with them: which of its services
 * are on which shared network under which names, and which names its services reach there that
 * the project does not define itself.
 */
export interface ProjectFacts {
  name: string;
  /** Networks with a fixed `name:` (not external) its services are on. */
  fixedNetworks: string[];
  /**
   * A service on a network other projects can be on, and the names it answers there. A network
   * of the project's own (`private`) counts only when another project names it as external.
   */
  shared: {
    service: string;
    network: string;
    names: string[];
    private?: true;
    /** The proxy routes to it, or it is the proxy: a rewrite leaves it on the network. */
    stays?: true;
  }[];
  /** A name a service reaches that its project does not define, with the shared networks it is on. */
  reaches: { service: string; networks: string[]; host: string; via: string }[];
}

/**
 * What the rewrite of one project needs to know about the other projects of a run: the networks
 * with a fixed `name:` (not external) and the projects that name them, and on every network
 * several projects can be on (external, fixed name), who answers which name there and who
 * reaches which name from there. A database another project reaches by name over such a network
 * stays on it; a backend that reaches a name no project of the run answers is not held back by it.
 */
export interface HostIndex {
  /** Real network name -> the projects whose services are on it (only names two projects share). */
  fixedNetworks: ReadonlyMap<string, readonly string[]>;
  /** Shared network -> name -> the services that answer it there. */
  answers: ReadonlyMap<string, ReadonlyMap<string, readonly HostService[]>>;
  /** Shared network -> name -> the services that answer it there and stay there after a rewrite. */
  staying: ReadonlyMap<string, ReadonlyMap<string, readonly HostService[]>>;
  /** Shared network -> name -> the services that reach it from there. */
  reached: ReadonlyMap<string, ReadonlyMap<string, readonly Reacher[]>>;
  /** Shared network -> the projects of the run on it. */
  projectsOn: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The projects other than `project` that are on the fixed-name network `name`. */
export function othersOn(index: HostIndex | undefined, name: string, project: string): string[] {
  return (index?.fixedNetworks.get(name) ?? []).filter((p) => p !== project);
}

/** Services of other projects that reach one of `names` over the shared network `network`. */
export function reachersOf(
  index: HostIndex | undefined,
  project: string,
  network: string,
  names: readonly string[],
): Reacher[] {
  const byName = index?.reached.get(network);
  if (!byName) return [];
  const out: Reacher[] = [];
  for (const name of new Set(names)) {
    for (const r of byName.get(name) ?? []) if (r.project !== project) out.push(r);
  }
  return out;
}

/** Services of other projects that answer `name` on the shared network `network`. */
export function answerersOf(
  index: HostIndex | undefined,
  project: string,
  network: string,
  name: string,
): HostService[] {
  return (index?.answers.get(network)?.get(name) ?? []).filter((a) => a.project !== project);
}

/** Services of other projects that answer `name` on the shared network and stay there after a rewrite. */
export function stayersOf(
  index: HostIndex | undefined,
  project: string,
  network: string,
  name: string,
): HostService[] {
  return (index?.staying.get(network)?.get(name) ?? []).filter((a) => a.project !== project);
}

/** True when the run holds another project on the shared network: it sees who is there. */
export function runSeesOthersOn(
  index: HostIndex | undefined,
  project: string,
  network: string,
): boolean {
  const on = index?.projectsOn.get(network);
  if (!on) return false;
  for (const p of on) if (p !== project) return true;
  return false;
}

/**
 * The real name of a network a service is on, when other projects can be on it too: external,
 * a fixed `name:`, used without being declared (declared by a file merged with this one), or
 * one of the project's own networks that another project of the run names as external
 * (`project_default`, which the apps of a proxy's stack join).
 */
export function sharedNetworkName(
  model: ComposeModel,
  key: string,
  project?: string,
  index?: HostIndex,
): string | undefined {
  const decl = model.networks.get(key);
  if (decl?.external) return decl.realName;
  if (decl?.fixedName !== undefined) return decl.fixedName;
  if (!decl && key !== "default") return key;
  if (project === undefined || !index) return undefined;
  const real = `${project}_${key}`;
  return runSeesOthersOn(index, project, real) ? real : undefined;
}

/**
 * The names a service answers on a network: its service name, its container name, its aliases
 * there, and the container names Compose gives it (`project-service-1`, `project_service_1`).
 */
export function namesOn(
  project: string,
  service: ServiceModel,
  settings: Record<string, unknown> | null,
): string[] {
  const names = [service.name, `${project}-${service.name}-1`, `${project}_${service.name}_1`];
  const container = service.data.container_name;
  if (typeof container === "string") names.push(interpolate(container, service.variables).text);
  const aliases = settings?.aliases;
  if (Array.isArray(aliases)) for (const a of aliases) names.push(String(a));
  return names;
}

/**
 * What a project shows the others: read from its merged model. Its own networks are listed
 * under their real names (`name_default`) too, marked private: they are shared only when
 * another project of the run names them as external.
 */
export function projectFacts(name: string, model: ComposeModel): ProjectFacts {
  const fixedNetworks: string[] = [];
  const shared: ProjectFacts["shared"] = [];
  const reaches: ProjectFacts["reaches"] = [];
  let own: Set<string> | undefined;
  for (const service of model.services) {
    const networks: string[] = [];
    for (const m of service.membership ?? []) {
      const decl = model.networks.get(m.key);
      if (decl?.fixedName !== undefined && !decl.external) fixedNetworks.push(decl.fixedName);
      const network = sharedNetworkName(model, m.key);
      const names = namesOn(name, service, m.settings);
      if (network === undefined) {
        shared.push({ service: service.name, network: `${name}_${m.key}`, names, private: true });
        continue;
      }
      networks.push(network);
      const stays = routingOf(service) !== undefined || proxyEvidence(service) !== undefined;
      shared.push({ service: service.name, network, names, ...(stays ? { stays } : {}) });
    }
    if (networks.length === 0) continue;
    own ??= projectHostNames(model);
    for (const ref of foreignReferences(service, own, true)) {
      if (!ref.unknown)
        reaches.push({ service: service.name, networks, host: ref.host, via: ref.via });
    }
  }
  return { name, fixedNetworks, shared, reaches };
}

/** Builds the index from what each project of the run shows the others. */
export function hostIndex(projects: readonly ProjectFacts[]): HostIndex {
  const fixed = new Map<string, string[]>();
  const answers = new Map<string, Map<string, HostService[]>>();
  const staying = new Map<string, Map<string, HostService[]>>();
  const reached = new Map<string, Map<string, Reacher[]>>();
  const projectsOn = new Map<string, Set<string>>();
  const add = <T>(map: Map<string, Map<string, T[]>>, network: string, name: string, item: T) => {
    let byName = map.get(network);
    if (!byName) map.set(network, (byName = new Map()));
    const list = byName.get(name);
    if (list) list.push(item);
    else byName.set(name, [item]);
  };
  // the names other projects use for the networks they join: a project's own network is shared
  // when one of them names it
  const named = new Set<string>();
  for (const project of projects) {
    for (const s of project.shared ?? []) if (!s.private) named.add(s.network);
  }
  for (const project of projects) {
    for (const network of new Set(project.fixedNetworks)) {
      const list = fixed.get(network) ?? [];
      if (!list.includes(project.name)) list.push(project.name);
      fixed.set(network, list);
    }
    for (const s of project.shared ?? []) {
      if (s.private && !named.has(s.network)) continue;
      let on = projectsOn.get(s.network);
      if (!on) projectsOn.set(s.network, (on = new Set()));
      on.add(project.name);
      const who: HostService = { project: project.name, service: s.service };
      if (s.stays) who.stays = true;
      for (const name of new Set(s.names)) {
        add(answers, s.network, name, who);
        if (s.stays) add(staying, s.network, name, who);
      }
    }
    for (const r of project.reaches ?? []) {
      for (const network of r.networks) {
        add(reached, network, r.host, { project: project.name, service: r.service, via: r.via });
      }
    }
  }
  for (const [name, list] of fixed) if (list.length < 2) fixed.delete(name);
  return { fixedNetworks: fixed, answers, staying, reached, projectsOn };
}

/**
 * The part of the index a project's plan reads: the fixed-name networks it is on, and on its
 * shared networks who reaches its names and who answers the names it reaches. Two runs that
 * give a project the same slice plan it the same way (the cache keys on it).
 */
export function hostSlice(index: HostIndex, facts: ProjectFacts): unknown {
  const fixed = [...new Set(facts.fixedNetworks)]
    .sort()
    .map((n) => [n, othersOn(index, n, facts.name)]);
  // the project's own networks that others join
  const joined = facts.shared
    .filter((s) => s.private && runSeesOthersOn(index, facts.name, s.network))
    .map((s) => s.network);
  const incoming = facts.shared
    .filter((s) => !s.private || runSeesOthersOn(index, facts.name, s.network))
    .map((s) => [s.service, s.network, reachersOf(index, facts.name, s.network, s.names)])
    .filter(([, , r]) => (r as Reacher[]).length > 0);
  const outgoing = facts.reaches.map((r) => [
    r.service,
    r.host,
    r.networks.map((n) => [
      n,
      answerersOf(index, facts.name, n, r.host),
      runSeesOthersOn(index, facts.name, n),
    ]),
  ]);
  // the names of its services that may leave its shared networks, which another project's app
  // or proxy answers there: Docker may look them up there first (name-order)
  const networks = new Set(facts.shared.filter((s) => !s.private).map((s) => s.network));
  const stay = new Set(facts.shared.filter((s) => s.stays).map((s) => s.service));
  const names = new Set(facts.shared.filter((s) => !stay.has(s.service)).flatMap((s) => s.names));
  const answered: [string, string, HostService[]][] = [];
  for (const network of [...networks].sort()) {
    for (const name of [...names].sort()) {
      const who = stayersOf(index, facts.name, network, name);
      if (who.length) answered.push([network, name, who]);
    }
  }
  return { fixed, joined: [...new Set(joined)].sort(), incoming, outgoing, answered };
}
