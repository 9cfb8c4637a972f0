import { isMap, isScalar, isSeq, Node } from "yaml";
import type { LoadedProject } from "../compose/load-project";
import { Membership, NetworkDecl, ownPair, ServiceModel } from "../compose/model";
import { interpolate, Variables } from "../compose/values";
import type { AuditProject, AuditService, NetworkEntry, Where } from "./audit-model";
import type { Classification, Role } from "./roles/types";
import { POLICIES } from "./roles/table";
import type { Plan } from "./plan/types";

/** A service's role for reachability: a data store that `network_mode` takes out of the rewrite is still a database. */
export function reachRoleOf(roles: Map<string, Classification>, service: ServiceModel): Role {
  const role = roles.get(service.name)?.role ?? "backend";
  return POLICIES[role].reachRole?.(service) ?? role;
}

/** The Docker network a key of a project's files really is, as Compose names it. */
export function realNameOf(
  project: string,
  networks: ReadonlyMap<string, NetworkDecl>,
  key: string,
): string {
  const decl = networks.get(key);
  if (decl?.external) return decl.realName;
  if (decl?.fixedName) return decl.fixedName;
  return `${project}_${key}`;
}

/**
 * The memberships a service has, following `network_mode: service:x` to the service whose
 * network namespace it shares (named in `through`).
 */
export function followMembership(
  byName: ReadonlyMap<string, ServiceModel>,
  name: string,
  membership: (service: ServiceModel) => Membership[] | null,
): { list: Membership[]; through?: string } {
  const seen = new Set<string>();
  for (let current = name; ;) {
    const service = byName.get(current);
    if (!service || seen.has(current)) return { list: [] };
    seen.add(current);
    const own = membership(service);
    if (own) return { list: own, through: current === name ? undefined : current };
    const mode = String(service.data.network_mode ?? "");
    if (!mode.startsWith("service:")) return { list: [] };
    current = mode.slice(8);
  }
}

/** Where a node of a file starts. */
function whereIn(loaded: LoadedProject, file: number, node: unknown): Where | undefined {
  const range = (node as { range?: number[] } | null | undefined)?.range;
  if (!range) return undefined;
  const source = loaded.files[file].file.source;
  return { file, line: source.lineOf(range[0]) + 1, col: source.columnOf(range[0]) + 1 };
}

/** Where each service's keys are written, across the files of a project, looked up by name. */
class KeyIndex {
  private readonly byFile: Map<string, ServiceModel>[];

  constructor(private readonly loaded: LoadedProject) {
    this.byFile = loaded.files.map((f) => new Map(f.model.services.map((s) => [s.name, s])));
  }

  /** The service's key in the first file that writes it. */
  service(name: string): Where | undefined {
    for (let i = 0; i < this.byFile.length; i++) {
      const pair = this.byFile[i].get(name)?.pair;
      if (pair) return whereIn(this.loaded, i, pair.key);
    }
    return undefined;
  }

  /** The entry for network `key` under the service's `networks`, in the first file that lists it. */
  network(name: string, key: string): Where | undefined {
    for (let i = 0; i < this.byFile.length; i++) {
      const service = this.byFile[i].get(name);
      const value = service && ownPair(service, "networks")?.value;
      if (isSeq(value)) {
        const item = value.items.find((n) => isScalar(n) && String(n.value) === key);
        if (item) return whereIn(this.loaded, i, item);
      } else if (isMap(value)) {
        const pair = value.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
        if (pair) return whereIn(this.loaded, i, pair.key);
      }
    }
    return undefined;
  }

  /** The entries of the service's ports, in the order the merged service has them (file by file). */
  ports(name: string): (Where | undefined)[] {
    const out: (Where | undefined)[] = [];
    for (let i = 0; i < this.byFile.length; i++) {
      const service = this.byFile[i].get(name);
      if (!service) continue;
      const value = ownPair(service, "ports")?.value;
      const items: Node[] = isSeq(value) ? (value.items as Node[]) : [];
      // ports that come through a merge key have no entry of their own here
      for (let p = 0; p < service.ports.length; p++) {
        out.push(
          items.length === service.ports.length ? whereIn(this.loaded, i, items[p]) : undefined,
        );
      }
    }
    return out;
  }
}

/** The project's networks as the plan leaves them: its own declarations and the ones it adds. */
function plannedNetworks(loaded: LoadedProject, plan: Plan): Map<string, NetworkDecl> {
  const out = new Map(loaded.merged.networks);
  if (plan.internal.declare && !out.has(plan.internal.key)) {
    const key = plan.internal.key;
    const name = plan.internal.name;
    out.set(key, {
      key,
      external: false,
      realName: name ?? key,
      legacyExternal: false,
      ...(name !== undefined ? { fixedName: name } : {}),
    });
  }
  if (plan.proxy.declare && !out.has(plan.proxy.key)) {
    const key = plan.proxy.key;
    out.set(key, { key, external: true, realName: plan.proxy.realName, legacyExternal: false });
  }
  return out;
}

/**
 * A name a service answers as Docker's DNS will know it: `${VAR:-default}` read with the
 * project's variables; none when it depends on a variable with no value here (the environment
 * of `docker compose up` decides it, and no two projects can be said to share it).
 */
function dnsName(raw: unknown, variables: Variables): string | undefined {
  if (typeof raw !== "string" || raw === "") return undefined;
  const read = interpolate(raw, variables);
  return read.unknown.length || !read.text ? undefined : read.text;
}

function aliasesOf(settings: Record<string, unknown> | null, variables: Variables): string[] {
  const aliases = settings?.aliases;
  if (!Array.isArray(aliases)) return [];
  return aliases.flatMap((a) => dnsName(String(a), variables) ?? []);
}

/**
 * A loaded project as the audit sees it: each service's role, the real networks it is on and
 * the names it answers there, the ports it publishes beyond the host, and where each of those is
 * written. With `after`, the project as the plan leaves it once `composemod --write` carried it
 * out (the rewrite verified every service's networks and ports against that plan); roles are the
 * ones the rewrite decided on.
 */
export function auditProjectOf(
  loaded: LoadedProject,
  roles: Map<string, Classification>,
  plan: Plan,
  options: { dir: string; after?: boolean; leftAlone?: string },
): AuditProject {
  const after = options.after === true;
  const planned = new Map(plan.services.map((s) => [s.name, s]));
  const networks = after ? plannedNetworks(loaded, plan) : loaded.merged.networks;
  const byName = new Map(loaded.merged.services.map((s) => [s.name, s]));
  const keys = after ? undefined : new KeyIndex(loaded);
  const declared = (loaded.merged.file.data.networks ?? {}) as Record<string, unknown>;
  const internalOnly = (key: string) => {
    if (after && key === plan.internal.key && plan.internal.declare) return plan.internal.noEgress;
    const cfg = declared[key];
    return !!cfg && typeof cfg === "object" && (cfg as Record<string, unknown>).internal === true;
  };
  const membership = (s: ServiceModel) =>
    after ? (planned.get(s.name)?.after ?? s.membership) : s.membership;
  const services = loaded.merged.services.map((service): AuditService => {
    const { list, through } = followMembership(byName, service.name, membership);
    const entries: NetworkEntry[] = list.map((m) => ({
      network: realNameOf(loaded.name, networks, m.key),
      key: m.key,
      external: networks.get(m.key)?.external === true,
      ...(internalOnly(m.key) ? { internalOnly: true as const } : {}),
      aliases: aliasesOf(m.settings, service.variables),
      ...(through !== undefined ? { through } : {}),
      ...(keys && through === undefined && !service.implicitNetworks
        ? { at: keys.network(service.name, m.key) }
        : {}),
    }));
    const gone = new Set(
      after
        ? [
            ...(planned.get(service.name)?.commentPorts ?? []),
            ...(planned.get(service.name)?.rebindPorts ?? []),
          ]
        : [],
    );
    const published = service.ports.flatMap((p, index) =>
      !p.loopback && !gone.has(index) ? [{ text: p.text, index }] : [],
    );
    const container = dnsName(service.data.container_name, service.variables);
    const out: AuditService = {
      name: service.name,
      role: reachRoleOf(roles, service),
      networks: entries,
      hostNetworkMode: service.data.network_mode === "host",
      published,
    };
    if (container) out.containerName = container;
    const reached = plan.reachedBy.filter((r) => r.service === service.name);
    if (reached.length) out.reachedBy = reached.map(({ network, by }) => ({ network, by }));
    if (keys) {
      out.at = keys.service(service.name);
      if (published.length) out.publishedAt = keys.ports(service.name)[published[0].index];
    }
    return out;
  });
  const project: AuditProject = {
    name: loaded.name,
    dir: options.dir,
    files: loaded.files.map((f) => f.path),
    services,
    proxyNetwork: plan.proxy.realName,
  };
  if (options.leftAlone !== undefined) project.leftAlone = options.leftAlone;
  return project;
}
