import { isAlias, parseDocument } from "yaml";
import type { Plan, ServicePlan } from "../analysis/plan/types";
import { parseComposeFile } from "../compose/compose-file";
import {
  aliasSite,
  INHERITABLE_KEYS,
  InheritableKey,
  inheritedValue,
  inherits,
  mergedMappings,
} from "../compose/inheritance";
import { EntryBlock, inheritedEntries } from "../compose/editability";
import { buildModel, ComposeModel, ServiceModel } from "../compose/model";
import { applyEdits } from "../yaml/apply-edits";
import { aliasTargets } from "../yaml/parse-yaml";
import { combineResults, Transform, TransformResult } from "./transforms";
import { serviceProblems } from "./verify";

type OwnKeys = Map<string, Set<InheritableKey>>;

/** What a look at the edited text finds: all is as planned, keys to write as the services' own, or no way to. */
type Finding =
  | { kind: "settled" }
  | { kind: "own"; keys: [string, InheritableKey][] }
  | { kind: "skip"; reason: string };

/**
 * The transforms' edits, with what services inherit through anchors settled. An anchored node
 * is edited where the plan needs it (`netbox: &netbox` gets its networks); a key that a
 * service inherits through a merge key or an alias is left to what it inherits, and the edited
 * text is then read as Compose reads it. Each service whose inherited key does not end as
 * planned (`netbox-worker` would get the app's networks) writes that key as its own, and the
 * text is read again, until every service ends as planned: a service that inherits the planned
 * value gets no key of its own. What a key of its own cannot express is a reason to skip.
 */
export function settleInheritance(
  model: ComposeModel,
  plan: Plan,
  transforms: readonly Transform[],
): TransformResult {
  const own: OwnKeys = new Map();
  // each round names at least one more key, or ends
  const rounds = model.services.length * INHERITABLE_KEYS.length + 1;
  const inheriting =
    (model.referencedAnchors.size > 0 || model.file.source.text.includes("<<")) &&
    model.services.some((s) => INHERITABLE_KEYS.some((k) => inherits(s, k)));
  const services = new Map(model.services.map((s) => [s.name, s]));
  let result: TransformResult = { edits: [], warnings: [] };
  for (let round = 0; round <= rounds; round++) {
    result = combineResults(
      transforms.map((t) => t.apply({ model, plan, ownKeys: own, services })),
    );
    if (result.skip || !inheriting) return result;
    let output: string;
    try {
      output = applyEdits(model.file.source.text, result.edits);
    } catch {
      // two edits at one place: the caller reports it
      return result;
    }
    const found = look(model, plan, output, own);
    if (found.kind === "settled") return result;
    if (found.kind === "skip") return { ...result, skip: found.reason };
    for (const [name, key] of found.keys) {
      own.set(name, (own.get(name) ?? new Set()).add(key));
    }
  }
  return result;
}

/** What the edited text gives each service that inherits a key, against the plan. */
function look(model: ComposeModel, plan: Plan, output: string, own: OwnKeys): Finding {
  const reparsed = parseComposeFile(output, "", {
    servicesOptional: model.file.data.services == null,
  });
  if (reparsed.kind !== "ok") return aliasesLeftBehind(model, output, own);
  const after = new Map(
    buildModel(reparsed.file, model.variables).services.map((s) => [s.name, s]),
  );
  const before = new Map(model.services.map((s) => [s.name, s]));
  const keys: [string, InheritableKey][] = [];
  for (const sp of plan.services) {
    const was = before.get(sp.name)!;
    const now = after.get(sp.name);
    if (!now) continue;
    const problems = serviceProblems(was, sp, now);
    for (const key of INHERITABLE_KEYS) {
      const problem = problems.find((p) => p.key === key);
      if (!problem || !inherits(was, key)) continue;
      const from = inheritedValue(model, was, key)?.from ?? "an anchor";
      if (own.get(sp.name)?.has(key)) {
        return {
          kind: "skip",
          reason: `${sp.name} inherits its ${key} from ${from}, and not even a key of its own makes them what the plan says (${problem.message})`,
        };
      }
      const leaked = leakedEntries(was, sp, now, key);
      const copyable = () =>
        inheritedEntries(model, was, key as EntryBlock, "keep")?.kind === "copy";
      if (leaked.length && !copyable()) {
        return {
          kind: "skip",
          reason: `${sp.name} inherits its ${key} from ${from}, which would gain ${leaked.join(", ")}, meant for another service: a merge cannot take a key out again; add ${leaked.length > 1 ? "them" : "it"} by hand (in an override file, say)`,
        };
      }
      if (key === "networks" && sp.after === null) {
        return {
          kind: "skip",
          reason: `${sp.name} has network_mode and inherits from ${from}, which gains networks: Compose refuses networks beside network_mode`,
        };
      }
      keys.push([sp.name, key]);
    }
  }
  if (keys.length === 0) return { kind: "settled" };
  return { kind: "own", keys: outermost(model, keys) };
}

/**
 * Of the services that are to write a key as their own, those that do not merge a service
 * that writes the same key now: `worker-low: <<: *worker` may inherit what `worker` gets, and
 * is looked at again once it has.
 */
function outermost(
  model: ComposeModel,
  keys: [string, InheritableKey][],
): [string, InheritableKey][] {
  const byNode = new Map(model.services.map((s) => [s.node, s.name]));
  const services = new Map(model.services.map((s) => [s.name, s]));
  const named = new Set(keys.map(([name, key]) => `${name}\u0000${key}`));
  return keys.filter(([name, key]) =>
    mergedMappings(model, services.get(name)!).every((map) => {
      const from = byNode.get(map);
      return from === undefined || !named.has(`${from}\u0000${key}`);
    }),
  );
}

/** Labels (or environment) that a service which is to gain none would inherit, added for another service. */
function leakedEntries(
  was: ServiceModel,
  sp: ServicePlan,
  now: ServiceModel,
  key: InheritableKey,
): string[] {
  if (key !== "labels" && key !== "environment") return [];
  const planned = key === "labels" ? sp.addLabels : sp.addEnvironment;
  if (planned.length) return [];
  const had = was[key];
  return [...now[key].keys()].filter((k) => !had.has(k) || had.get(k) !== now[key].get(k));
}

/**
 * When the edits remove an anchor (ports commented out whole), each alias that still names it
 * must go: the services whose key it is write that key as their own. An alias anywhere else, or
 * one already replaced and still there, is a reason to skip.
 */
function aliasesLeftBehind(model: ComposeModel, output: string, own: OwnKeys): Finding {
  const doc = parseDocument(output, { merge: true, uniqueKeys: false });
  if (doc.errors.length) return { kind: "settled" };
  const lost = new Set<string>();
  for (const [alias, target] of aliasTargets(doc)) {
    if (!target && isAlias(alias)) lost.add(alias.source);
  }
  if (lost.size === 0) return { kind: "settled" };
  const keys: [string, InheritableKey][] = [];
  for (const anchor of lost) {
    for (const alias of model.referencedAnchors.get(anchor) ?? []) {
      const site = aliasSite(model, alias);
      const key = site.kind === "key" ? (site.key as InheritableKey) : undefined;
      if (site.kind === "key" && INHERITABLE_KEYS.includes(key!)) {
        if (!own.get(site.service)?.has(key!)) keys.push([site.service, key!]);
        continue;
      }
      const where =
        site.kind === "elsewhere"
          ? "a place outside the services' keys"
          : `service ${site.service}`;
      return {
        kind: "skip",
        reason: `an edit would remove the anchor &${anchor}, which ${where} still uses`,
      };
    }
  }
  if (keys.length) return { kind: "own", keys };
  return {
    kind: "skip",
    reason: `an edit would remove the anchor ${[...lost].map((a) => `&${a}`).join(", ")}, which other places still use`,
  };
}
