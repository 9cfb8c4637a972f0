import { Alias, Document, isAlias, isMap, isScalar, isSeq, Node, Pair, YAMLMap } from "yaml";
import { aliasTargets } from "../yaml/parse-yaml";
import { ComposeModel, ownPair, ServiceModel } from "./model";

/** The service keys a rewrite edits, which a service may also get through an anchor. */
export type InheritableKey = "networks" | "ports" | "labels" | "environment";

export const INHERITABLE_KEYS: readonly InheritableKey[] = [
  "networks",
  "ports",
  "labels",
  "environment",
];

/** Where a service's key gets its value when the service does not write the value itself. */
export interface Inherited {
  /** Where it comes from, as a message says it: `&netbox` for `<<: *netbox` or `ports: *netbox`, else `a merge key`. */
  from: string;
  /** The value, aliases resolved; null when nothing merged has the key (yet). */
  node: Node | null;
  /** The anchor on the value itself, which a mapping can merge: `<<: *zammad-environment`. */
  anchor?: string;
}

/** A `<<: ...` pair. */
export function isMergePair(pair: Pair): boolean {
  return isScalar(pair.key) && typeof pair.key.value === "symbol";
}

const targetsByDoc = new WeakMap<Document.Parsed, Map<Node, Node | undefined>>();

/** The node an alias of the model's own file refers to; none for an alias of another file. */
export function resolveAlias(model: ComposeModel, alias: Alias): Node | undefined {
  let targets = targetsByDoc.get(model.file.doc);
  if (!targets) {
    targets = aliasTargets(model.file.doc);
    targetsByDoc.set(model.file.doc, targets);
  }
  return targets.get(alias);
}

/**
 * True when the service's key is not written in the service's own text: its value is an alias
 * (`ports: *common-ports`), or the service has no such key and merges a mapping (`<<: *netbox`)
 * that has it or may gain it, or the whole service is an alias.
 */
export function inherits(service: ServiceModel, key: InheritableKey): boolean {
  if (!service.node) return !!service.pair && isAlias(service.pair.value);
  const own = ownPair(service, key);
  if (own) return isAlias(own.value);
  return service.node.items.some(isMergePair);
}

/** The mappings a mapping merges, in the order YAML gives them precedence, with where each comes from. */
function mergeSources(model: ComposeModel, map: YAMLMap): { from: string; map: YAMLMap }[] {
  const out: { from: string; map: YAMLMap }[] = [];
  for (const pair of map.items as Pair[]) {
    if (!isMergePair(pair)) continue;
    const values = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const value of values) {
      if (isMap(value)) out.push({ from: "a merge key", map: value });
      if (!isAlias(value)) continue;
      const target = resolveAlias(model, value);
      if (isMap(target)) out.push({ from: `&${value.source}`, map: target });
    }
  }
  return out;
}

/** The key's value in a mapping, its own or merged (first merged source first), aliases resolved. */
function lookUp(
  model: ComposeModel,
  map: YAMLMap,
  key: string,
  seen: Set<YAMLMap>,
): Omit<Inherited, "from"> | undefined {
  if (seen.has(map)) return undefined;
  seen.add(map);
  const pair = (map.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === key);
  if (pair) {
    const value = pair.value as Node | null;
    if (isAlias(value)) return { node: resolveAlias(model, value) ?? null, anchor: value.source };
    return { node: value, anchor: (value as { anchor?: string } | null)?.anchor };
  }
  for (const source of mergeSources(model, map)) {
    const found = lookUp(model, source.map, key, seen);
    if (found) return found;
  }
  return undefined;
}

/**
 * Where a service gets a key it does not write itself (see {@link inherits}): the anchor it
 * names, and the value written there. Undefined when the service writes the key itself, or
 * when its text is not in the model's file.
 */
export function inheritedValue(
  model: ComposeModel,
  service: ServiceModel,
  key: InheritableKey,
): Inherited | undefined {
  if (!inherits(service, key)) return undefined;
  if (!service.node) {
    const alias = service.pair!.value as Alias;
    const target = resolveAlias(model, alias);
    if (!isMap(target)) return undefined;
    const found = lookUp(model, target, key, new Set()) ?? { node: null };
    return { from: `&${alias.source}`, ...found };
  }
  const own = ownPair(service, key);
  if (own) {
    const alias = own.value as Alias;
    const target = resolveAlias(model, alias);
    return target ? { from: `&${alias.source}`, node: target, anchor: alias.source } : undefined;
  }
  const sources = mergeSources(model, service.node);
  if (sources.length === 0) return undefined;
  for (const source of sources) {
    const found = lookUp(model, source.map, key, new Set());
    if (found) return { from: source.from, ...found };
  }
  return { from: sources[0].from, node: null };
}

/** The mappings a service takes keys from directly: those it merges, or the one it is an alias of. */
export function mergedMappings(model: ComposeModel, service: ServiceModel): YAMLMap[] {
  if (service.node) return mergeSources(model, service.node).map((s) => s.map);
  const value = service.pair?.value;
  const target = isAlias(value) ? resolveAlias(model, value) : undefined;
  return isMap(target) ? [target] : [];
}

/** Where an alias of the file stands: the value of a service's key, a service's merge key, or elsewhere. */
export type AliasSite =
  | { kind: "key"; service: string; key: string }
  | { kind: "merge"; service: string }
  | { kind: "elsewhere" };

/** The place an alias is written, as a service's key or merge key when it is one. */
export function aliasSite(model: ComposeModel, alias: Alias): AliasSite {
  for (const service of model.services) {
    if (!service.node) {
      if (service.pair?.value === alias) return { kind: "merge", service: service.name };
      continue;
    }
    for (const pair of service.node.items as Pair[]) {
      const inMerge = isSeq(pair.value) ? pair.value.items.includes(alias) : pair.value === alias;
      if (isMergePair(pair) && inMerge) return { kind: "merge", service: service.name };
      if (pair.value === alias && isScalar(pair.key)) {
        return { kind: "key", service: service.name, key: String(pair.key.value) };
      }
    }
  }
  return { kind: "elsewhere" };
}
