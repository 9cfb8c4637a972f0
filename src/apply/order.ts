import type { ContainerState, NetworkState } from "./engine";
import { PROJECT_LABEL, SERVICE_LABEL } from "./plan-project";
import type { ProjectPlan } from "./plan-types";
import type { ProjectTarget } from "./target";

/** A project of the plan with what its files say. */
export interface Ordered {
  plan: ProjectPlan;
  target: ProjectTarget;
}

/** The order Docker's DNS searches a container's networks in: not `internal: true` first, then by name. */
function searchKey(network: string, internal: boolean): string {
  return `${internal ? 1 : 0}${network}`;
}

/**
 * Why project `p` must wait for others: a service of it, once moved, looks a name of its own
 * project up on a network that Docker searches before the one its own answers it on, and there,
 * until they are migrated, containers of other projects of the plan answer it too (an app on
 * `proxy` and `relay_internal` looks `db` up on `proxy` first, where `wordpress/db` answers
 * until wordpress moves it off). Returns the projects it waits for, each with the reason.
 */
function waitsFor(
  p: Ordered,
  changing: Map<string, Ordered>,
  containers: ContainerState[],
  internal: (network: string) => boolean,
): Map<string, string> {
  const out = new Map<string, string>();
  const services = [...p.target.services.values()].filter((s) => s.networkMode === undefined);
  for (const looker of services) {
    for (const s of services) {
      if (s === looker) continue;
      for (const m of s.networks) {
        if (!looker.networks.some((e) => e.network === m.network)) continue;
        const names = [s.name, ...m.aliases];
        for (const n of looker.networks) {
          const before =
            searchKey(n.network, internal(n.network)) < searchKey(m.network, internal(m.network));
          if (!before) continue;
          for (const c of containers) {
            const project = c.labels[PROJECT_LABEL];
            if (!c.running || project === undefined || project === p.plan.name) continue;
            const q = changing.get(project);
            const at = c.networks.find((x) => x.network === n.network);
            const name = q && at && names.find((x) => at.aliases.includes(x));
            if (!q || !name || out.has(project)) continue;
            // one that stays there answers it after its migration too: no order helps
            const after = q.target.services.get(c.labels[SERVICE_LABEL] ?? "");
            if (after?.networks.some((e) => e.network === n.network)) continue;
            out.set(
              project,
              `\`${looker.name}\` looks \`${name}\` up on \`${n.network}\` before \`${m.network}\`, where \`${c.name}\` answers it until ${project} is migrated`,
            );
          }
        }
      }
    }
  }
  return out;
}

/** The strongly connected parts of the graph (Tarjan), each a list of nodes. */
function components(nodes: string[], edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const info = new Map<string, { index: number; low: number; onStack: boolean }>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    info.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!info.has(w)) {
        visit(w);
        info.get(v)!.low = Math.min(info.get(v)!.low, info.get(w)!.low);
      } else if (info.get(w)!.onStack) {
        info.get(v)!.low = Math.min(info.get(v)!.low, info.get(w)!.index);
      }
    }
    if (info.get(v)!.low === info.get(v)!.index) {
      const part: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        info.get(w)!.onStack = false;
        part.push(w);
      } while (w !== v);
      out.push(part);
    }
  };
  for (const v of nodes) if (!info.has(v)) visit(v);
  return out;
}

/**
 * The order to apply the projects in: as given, except that a project goes after those whose
 * services answer, on a network Docker searches first, a name its own services look up (see
 * {@link waitsFor}), so that none of its apps reaches another project's database by its name
 * in between. Projects that wait for each other are applied together: all their steps, then
 * all their proofs, and all put back if one fails. Each project's notes say why.
 */
export function applyOrder(
  items: Ordered[],
  containers: ContainerState[],
  networks: NetworkState[],
): Ordered[] {
  const internalOf = new Map(networks.map((n) => [n.name, n.internal]));
  const changing = new Map(
    items.filter((i) => i.plan.status === "change").map((i) => [i.plan.name, i]),
  );
  const internal = (network: string) => internalOf.get(network) ?? false;
  const position = new Map(items.map((i, k) => [i.plan.name, k]));
  const byName = new Map(items.map((i) => [i.plan.name, i]));
  const waits = new Map(
    items.map((i) => [
      i.plan.name,
      changing.has(i.plan.name)
        ? waitsFor(i, changing, containers, internal)
        : new Map<string, string>(),
    ]),
  );
  const edges = new Map([...waits].map(([p, w]) => [p, new Set(w.keys())]));
  const parts = components(
    items.map((i) => i.plan.name),
    edges,
  ).map((part) => part.sort((a, b) => position.get(a)! - position.get(b)!));
  const partOf = new Map(parts.flatMap((part, k) => part.map((p) => [p, k] as const)));
  const done = new Set<number>();
  const out: Ordered[] = [];
  while (done.size < parts.length) {
    const ready = parts
      .map((part, k) => ({ part, k }))
      .filter(
        ({ part, k }) =>
          !done.has(k) &&
          part.every((p) =>
            [...edges.get(p)!].every((q) => partOf.get(q) === k || done.has(partOf.get(q)!)),
          ),
      )
      .sort((a, b) => position.get(a.part[0])! - position.get(b.part[0])!)[0];
    done.add(ready.k);
    for (const name of ready.part) {
      const item = byName.get(name)!;
      const after = [...waits.get(name)!].filter(([q]) => partOf.get(q) !== ready.k);
      if (after.length) {
        item.plan.notes.push(
          `applied after ${after.map(([q, why]) => `${q} (${why})`).join("; ")}`,
        );
      }
      if (ready.part.length > 1) {
        item.plan.together = ready.part.filter((p) => p !== name);
        const within = [...waits.get(name)!].filter(([q]) => partOf.get(q) === ready.k);
        item.plan.notes.push(
          `applied together with ${item.plan.together.join(", ")}, all checked once all are changed: ${within.map(([, why]) => why).join("; ")}`,
        );
      }
      out.push(item);
    }
  }
  return out;
}
