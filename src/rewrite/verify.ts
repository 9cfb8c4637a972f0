import type { Plan, ServicePlan } from "../analysis/plan/types";
import type { ComposeFile } from "../compose/compose-file";
import type { InheritableKey } from "../compose/inheritance";
import { buildModel, ComposeModel, sameMembership, ServiceModel } from "../compose/model";

/** Keys of a service that the rewrite may change. */
const EDITABLE_SERVICE_KEYS = new Set(["networks", "ports", "labels", "environment"]);

/** Whether two mappings hold the same data under every key but those `skip` says. */
function sameExcept(a: unknown, b: unknown, skip: (key: string) => boolean): boolean {
  if (!a || !b || typeof a !== "object" || typeof b !== "object") return sameData(a, b);
  const ka = Object.keys(a).filter((k) => !skip(k));
  const kb = Object.keys(b).filter((k) => !skip(k));
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b, k)) &&
    ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** Whether the two files mean the same but for top-level networks and the editable service keys. */
function sameOutsideEditable(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (!sameExcept(a, b, (k) => k === "networks" || k === "services")) return false;
  const sa = (a.services ?? {}) as Record<string, unknown>;
  const sb = (b.services ?? {}) as Record<string, unknown>;
  const names = Object.keys(sa);
  return (
    names.length === Object.keys(sb).length &&
    names.every(
      (n) => Object.hasOwn(sb, n) && sameExcept(sa[n], sb[n], (k) => EDITABLE_SERVICE_KEYS.has(k)),
    )
  );
}

/**
 * Checks that the rewritten file means exactly what the plan said: nothing but networks, ports
 * and the planned labels changed, and every service has its planned networks and ports, read
 * as Compose reads them: a service that inherits a key through a merge key or an alias is
 * checked on what it inherits.
 * Returns the problems found (none: the result may be written).
 */
export function verifyAgainstPlan(before: ComposeModel, plan: Plan, after: ComposeFile): string[] {
  const problems: string[] = [];
  if (!sameOutsideEditable(before.file.data, after.data)) {
    problems.push("a key other than networks, ports, labels or environment changed");
  }
  const beforeNets = (before.file.data.networks ?? {}) as Record<string, unknown>;
  const afterNets = (after.data.networks ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(beforeNets)) {
    let want = value;
    if (plan.modernize.includes(key)) {
      // `external: {name: x}` becomes `external: true` + `name: x`, and means the same
      const { external, ...rest } = value as Record<string, { name: unknown }>;
      want = { ...rest, external: true, name: external.name };
    }
    if (!sameData(afterNets[key], want)) problems.push(`top-level network \`${key}\` changed`);
  }
  const model = buildModel(after, before.variables);
  const was = new Map(before.services.map((s) => [s.name, s]));
  const now = new Map(model.services.map((s) => [s.name, s]));
  for (const sp of plan.services) {
    const after = now.get(sp.name);
    if (!after) {
      problems.push(`service \`${sp.name}\` disappeared`);
      continue;
    }
    problems.push(...serviceProblems(was.get(sp.name)!, sp, after).map((p) => p.message));
  }
  return problems;
}

/** A way in which a service does not end as its plan says, and the key it is about. */
export interface ServiceProblem {
  key: InheritableKey;
  message: string;
}

/**
 * How a service of the rewritten file differs from its plan, read from its data as Compose
 * merges it (merge keys and aliases resolved): its networks, its ports, and labels and
 * environment that keep every entry and gain only the planned ones.
 */
export function serviceProblems(
  before: ServiceModel,
  sp: ServicePlan,
  after: ServiceModel,
): ServiceProblem[] {
  const problems: ServiceProblem[] = [];
  const problem = (key: InheritableKey, message: string) =>
    problems.push({ key, message: `service \`${sp.name}\`: ${message}` });
  if (!sameMembership(after.membership, sp.after)) {
    problem(
      "networks",
      `networks are ${describe(after.membership)}, planned ${describe(sp.after)}`,
    );
  } else if (sp.after === null && !sameData(before.data.networks, after.data.networks)) {
    // Compose refuses `networks` beside `network_mode`
    problem("networks", "gained networks beside its network_mode");
  }
  const drop = new Set(sp.commentPorts);
  const rebound = new Set(sp.rebindPorts);
  const wantPorts = before.ports.flatMap((p, i) =>
    drop.has(i) ? [] : [rebound.has(i) ? `127.0.0.1:${p.text}` : p.text],
  );
  if (JSON.stringify(after.ports.map((p) => p.text)) !== JSON.stringify(wantPorts)) {
    problem("ports", "ports are not the planned ones");
  }
  const blocks = [
    ["labels", "label", before.labels, after.labels, sp.addLabels],
    [
      "environment",
      "environment variable",
      before.environment,
      after.environment,
      sp.addEnvironment,
    ],
  ] as const;
  for (const [key, what, had, has, planned] of blocks) {
    for (const [name, value] of had) {
      if (has.get(name) !== value) problem(key, `${what} ${name} changed`);
    }
    for (const [name, value] of has) {
      if (had.has(name)) continue;
      if (!planned.some(([k, v]) => k === name && v === value)) {
        problem(key, `unplanned ${what} ${name}`);
      }
    }
    for (const [name, value] of planned) {
      if (has.get(name) !== value) problem(key, `planned ${what} ${name} missing`);
    }
  }
  return problems;
}

function describe(list: { key: string }[] | null): string {
  return list === null ? "(network_mode)" : `[${list.map((m) => m.key).join(", ")}]`;
}

/** Equal as data, whatever the order of mapping keys. */
function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!a || !b || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  // a YAML 1.1 timestamp is a Date, which has no keys to compare
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime());
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b as object, k)) &&
    ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
