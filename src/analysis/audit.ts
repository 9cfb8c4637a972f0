import type { AuditProject, AuditService } from "./audit-model";
import { auditProjectOf } from "./audit-project";
import { compareFindings, describeOthers, Finding, FindingSink, findingKey } from "./findings";
import type { Host } from "./host";
import { nameCollisions } from "./name-collisions";
import { NetworkGroup, othersOn, sharedNetworks } from "./reachability";
import { POLICIES } from "./roles/table";

function ownFindings(project: AuditProject, sink: FindingSink): void {
  const onProxy = (s: AuditService) =>
    s.networks.find((n) => n.network === project.proxyNetwork && n.external);
  const databases = project.services.filter((s) => POLICIES[s.role].holdsData);
  for (const db of databases) {
    if (db.hostNetworkMode) {
      sink.add(
        project,
        db,
        "database-published",
        `database \`${db.name}\` uses the host's network: every port it listens on is open beyond the host`,
        undefined,
      );
    } else if (db.published.length) {
      sink.add(
        project,
        db,
        "database-published",
        `database \`${db.name}\` publishes ${db.published.map((p) => p.text).join(", ")} beyond the host (not on loopback)`,
        db.publishedAt,
      );
    }
  }
  const exposed = databases.filter((db) => onProxy(db)).map((db) => `\`${db.name}\``);
  if (!exposed.length) return;
  for (const app of project.services) {
    const entry = POLICIES[app.role].entry ? onProxy(app) : undefined;
    if (!entry) continue;
    sink.add(
      project,
      app,
      "app-database-on-proxy",
      `app \`${app.name}\` is on the proxy network \`${project.proxyNetwork}\` with its database ${exposed.join(", ")}`,
      entry.at,
    );
  }
}

/** Every real network of a host with its members, worked out once, looked up by name. */
export interface HostNetworks {
  /** In name order. */
  groups: NetworkGroup[];
  byName: Map<string, NetworkGroup>;
}

export function hostNetworks(projects: readonly AuditProject[]): HostNetworks {
  const groups = sharedNetworks(projects);
  return { groups, byName: new Map(groups.map((g) => [g.name, g])) };
}

/**
 * The findings of one project of a host, in the order of its files and lines: a database or
 * backend on a network that a service of another project is on, a database port published
 * beyond the host, an app whose own database is on the proxy network with it, and a name that
 * services of another project answer on a network this project is on. Each is at its rule's
 * level, whatever the rewrite does with the project. It costs as much as the project is large:
 * the members of a network are counted, never listed, and only the first few named.
 */
export function findingsOf(host: HostNetworks, project: AuditProject): Finding[] {
  const sink = new FindingSink();
  const shared = new Set<NetworkGroup>();
  for (const service of project.services) {
    const seen = new Set<string>();
    for (const entry of service.networks) {
      const group = host.byName.get(entry.network);
      if (!group || group.projects < 2 || seen.has(entry.network)) continue;
      seen.add(entry.network);
      shared.add(group);
      const { role } = service;
      const rule = POLICIES[role].sharedFinding;
      if (!rule) continue;
      const others = othersOn(group, project.name);
      sink.add(
        project,
        service,
        rule,
        `${role} \`${service.name}\` is on network \`${group.name}\` with ${describeOthers(others)}`,
        entry.at,
        { network: group.name, others },
      );
    }
  }
  ownFindings(project, sink);
  for (const service of project.services) {
    for (const { network, by } of service.reachedBy ?? []) {
      const entry = service.networks.find((n) => n.network === network);
      sink.add(
        project,
        service,
        "reached-by-other-project",
        `${service.role} \`${service.name}\` is reached by name over \`${network}\` by ${by.slice(0, 3).join(", ")}${by.length > 3 ? ` and ${by.length - 3} more` : ""}: \`composemod --write\` keeps it there so as not to cut that connection; give the other project a network of its own with it to end it`,
        entry?.at,
        { network },
      );
    }
  }
  for (const group of shared) nameCollisions(group, project, sink, (n) => host.byName.get(n));
  return sink.findings.sort(compareFindings);
}

/** An audit of a host: its findings, project by project, and the networks several projects share. */
export interface Audit {
  findings: Finding[];
  networks: NetworkGroup[];
}

/** The findings of a host, project by project, made as they are read: a large host's never exist all at once. */
export function* hostFindings(
  projects: readonly AuditProject[],
  host: HostNetworks,
): Generator<Finding> {
  for (const project of projects) yield* findingsOf(host, project);
}

/** A host's audit now and as the rewrite leaves it, its findings made as they are read. */
export interface HostAudit {
  /** The networks that several projects share now. */
  networks: NetworkGroup[];
  /** The findings now, without whether the rewrite ends them: for counting. */
  counted(): Iterable<Finding>;
  /** The findings after the rewrite; reading them once lets {@link findings} say what the rewrite ends. */
  after(): Iterable<Finding>;
  /** The findings now, each saying whether the rewrite ends it. */
  findings(): Iterable<Finding>;
}

/**
 * Audits a host as it is and as the rewrite leaves it (the same projects, in the same order).
 * What the rewrite leaves is kept, project by project, as the keys of its findings (few, on a
 * host the rewrite isolates), so that marking what it ends costs no second audit of it.
 */
export function hostAudit(
  projects: readonly AuditProject[],
  rewritten: readonly AuditProject[],
): HostAudit {
  const now = hostNetworks(projects);
  const later = hostNetworks(rewritten);
  let left: (Set<string> | undefined)[] | undefined;
  function* after(): Generator<Finding> {
    const keys: (Set<string> | undefined)[] = new Array(rewritten.length);
    for (let i = 0; i < rewritten.length; i++) {
      const found = findingsOf(later, rewritten[i]);
      if (found.length) keys[i] = new Set(found.map(findingKey));
      yield* found;
    }
    left = keys;
  }
  function* findings(): Generator<Finding> {
    if (!left) {
      const pass = after();
      while (!pass.next().done);
    }
    for (let i = 0; i < projects.length; i++) {
      const found = findingsOf(now, projects[i]);
      for (const f of found) f.fixedByWrite = !left![i]?.has(findingKey(f));
      yield* found;
    }
  }
  return {
    networks: now.groups.filter((g) => g.projects > 1),
    counted: () => hostFindings(projects, now),
    after,
    findings,
  };
}

/** Every finding of a host (see {@link findingsOf}), project by project. */
export function auditProjects(projects: readonly AuditProject[]): Audit {
  const host = hostNetworks(projects);
  return {
    findings: projects.flatMap((p) => findingsOf(host, p)),
    networks: host.groups.filter((g) => g.projects > 1),
  };
}

/**
 * The findings of a host that {@link loadHost} read, its projects as they are: for a library
 * user who holds one. (The command line reads projects one at a time, and also audits the host
 * as the rewrite leaves it.)
 */
export function auditHost(host: Host): Finding[] {
  const projects = host.projects.map((p) =>
    auditProjectOf(p.loaded, p.roles, p.plan, {
      dir: p.dir,
      leftAlone: p.unread ?? (p.plan.action === "change" ? undefined : p.plan.reason),
    }),
  );
  return auditProjects(projects).findings;
}

/** A finding that says another project can reach a database: on a network it shares, or through a port beyond the host. */
export function reachesDatabase(f: Finding): boolean {
  return (
    f.level === "error" &&
    POLICIES[f.role].holdsData &&
    (f.rule === "database-shared-with-other-project" || f.rule === "database-published")
  );
}

/** Databases that another project can reach, counted once each. */
export function reachableDatabases(findings: Iterable<Finding>): number {
  const reachable = new Set<string>();
  for (const f of findings) if (reachesDatabase(f)) reachable.add(`${f.project}/${f.service}`);
  return reachable.size;
}

/** Marks each finding with whether the audit of the rewritten host still has it. */
export function markFixed(findings: Finding[], after: readonly Finding[]): void {
  const remaining = new Set(after.map(findingKey));
  for (const f of findings) f.fixedByWrite = !remaining.has(findingKey(f));
}
