import { AuditProject, AuditService, namesOn, networksOf } from "./audit-model";
import { describeOthers, FindingSink } from "./findings";
import { Answering, NetworkGroup, othersOn } from "./reachability";
import { POLICIES } from "./roles/table";

/** Who answers each name on a network, worked out once a network and kept with it; in the group's project order. */
function answeringOn(group: NetworkGroup): Map<string, Answering> {
  if (group.answering) return group.answering;
  const out = new Map<string, Answering>();
  for (const member of group.members) {
    for (const name of namesOn(member.service, member.entry)) {
      let a = out.get(name);
      if (!a) {
        a = { members: [], slices: new Map(), databases: 0 };
        out.set(name, a);
      }
      const project = member.project.name;
      const slice = a.slices.get(project);
      if (slice) slice[1] = a.members.length + 1;
      else a.slices.set(project, [a.members.length, a.members.length + 1]);
      a.members.push(member);
      if (POLICIES[member.service.role].holdsData) a.databases++;
    }
  }
  group.answering = out;
  return out;
}

/** Every name a service answers on any of its networks: its own, its container's, its aliases. */
function allNames(service: AuditService): string[] {
  const names = new Set<string>();
  for (const entry of service.networks) for (const name of namesOn(service, entry)) names.add(name);
  return [...names];
}

/**
 * The network on which Docker's DNS answers a name for a container: it searches the container's
 * networks one at a time, those that are not `internal: true` first, then in the order of their
 * names, and answers from the first where some container has the name. Networks the audit does
 * not know are taken to answer nothing.
 */
function firstAnswering(
  looker: AuditService,
  name: string,
  groupOf: (network: string) => NetworkGroup | undefined,
): string | undefined {
  const order = [...looker.networks].sort(
    (a, b) =>
      Number(a.internalOnly === true) - Number(b.internalOnly === true) ||
      (a.network < b.network ? -1 : a.network > b.network ? 1 : 0),
  );
  for (const entry of order) {
    const group = groupOf(entry.network);
    if (group && answeringOn(group).has(name)) return entry.network;
  }
  return undefined;
}

/**
 * For each network of a project, the first two of its services that are on `network` too and
 * connect to others: who on `network` looks up, by name, a service of its own project.
 */
function lookersBy(project: AuditProject, network: string): Map<string, AuditService[]> {
  const out = new Map<string, AuditService[]>();
  for (const service of project.services) {
    if (!POLICIES[service.role].looksUp) continue;
    const networks = networksOf(service);
    if (!networks.includes(network)) continue;
    for (const n of networks) {
      const list = out.get(n) ?? [];
      if (list.length < 2) list.push(service);
      out.set(n, list);
    }
  }
  return out;
}

/**
 * Names that services of another project answer on a network this project is on. Docker's DNS
 * answers a name with any container that has it on any network the asking container is on, so
 * a service of this project on that network that looks up its own `db` may get another
 * project's `db`: a new project writes its data into another app's database. A finding is
 * raised for the service whose name is at stake, when an app, backend or proxy of its project is
 * on the network and shares a network with it (so it looks that name up), and a service of
 * another project answers the name there. An error when a database is on either side.
 */
export function nameCollisions(
  group: NetworkGroup,
  project: AuditProject,
  sink: FindingSink,
  groupOf: (network: string) => NetworkGroup | undefined = () => undefined,
): void {
  const answering = answeringOn(group);
  let lookers: Map<string, AuditService[]> | undefined;
  for (const service of project.services) {
    for (const name of allNames(service)) {
      const a = answering.get(name);
      const own = a?.slices.get(project.name);
      if (!a || a.slices.size - (own ? 1 : 0) === 0) continue;
      lookers ??= lookersBy(project, group.name);
      // Docker answers from the first of the looker's networks where the name is answered
      const looker = networksOf(service)
        .flatMap((n) => lookers!.get(n) ?? [])
        .find((s) => s !== service && firstAnswering(s, name, groupOf) === group.name);
      if (!looker) continue;
      let ownDatabases = 0;
      if (own) {
        for (let i = own[0]; i < own[1]; i++) {
          if (POLICIES[a.members[i].service.role].holdsData) ownDatabases++;
        }
      }
      const database = POLICIES[service.role].holdsData || a.databases > ownDatabases;
      const others = othersOn(a, project.name);
      const asked = name === service.name ? `\`${name}\`` : `\`${service.name}\` (\`${name}\`)`;
      sink.add(
        project,
        service,
        "name-shared-with-other-project",
        `\`${looker.name}\` looks up ${asked} on network \`${group.name}\`, where ${describeOthers(others)} answer that name too: Docker's DNS may answer with theirs`,
        undefined,
        { network: group.name, name, others },
        database ? "error" : "warning",
      );
    }
  }
}
