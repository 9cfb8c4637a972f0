import { isAlias, isMap, isScalar, isSeq, Node, Pair, Scalar } from "yaml";
import { spanHasComment } from "../yaml/comments";
import { isFlow, nodeLines, pairLines } from "../yaml/layout";
import { inheritedValue } from "./inheritance";
import { ComposeModel, ownPair, ServiceModel } from "./model";

/** A reason the service's mapping cannot take a new key, if there is one. */
export function cannotAddKey(service: ServiceModel): string | undefined {
  if (!service.node) {
    const value = service.pair?.value;
    if (isAlias(value)) return `service \`${service.name}\` is an alias (*${value.source})`;
    return `service \`${service.name}\` is an alias or empty`;
  }
  if (service.node.flow) return `service \`${service.name}\` is a flow mapping`;
  if (service.node.items.length === 0) return `service \`${service.name}\` is empty`;
  return undefined;
}

export type EntryBlock = "labels" | "environment";

/**
 * Whether `key=value` entries can be added to a service's labels or environment: the block is
 * written in the service itself as a list or mapping, or the service has none and can take a
 * new key, or it inherits the block in a form it can extend (see {@link inheritedEntries}).
 */
export function entriesEditable(
  model: ComposeModel,
  service: ServiceModel,
  block: EntryBlock,
): boolean {
  const value = ownPair(service, block)?.value;
  if (value !== undefined && !isAlias(value)) return isSeq(value) || isMap(value);
  const inherited = inheritedEntries(model, service, block);
  if (inherited) return inherited.kind !== "none";
  return service.data[block] === undefined && !cannotAddKey(service);
}

/**
 * How a service that gets its labels or environment through an anchor can have a block of its
 * own. To gain entries (`extend`), a mapping with an anchor is merged into a mapping of the
 * service's own (`<<: *zammad-environment`, then the new entries: its own keys win over merged
 * ones). A list cannot be merged, nor can a mapping that has no anchor, nor can a merge take a
 * key out again (`keep`, when the anchor gains entries the service must not get): then the
 * service gets its own copy, item for item, when every item is a plain one-line scalar (no
 * anchor, no comment, which a copy would duplicate or lose). Undefined when the block is the
 * service's own, or it inherits none.
 */
export type InheritedEntries =
  | { kind: "merge"; from: string; anchor: string; last: Pair }
  | { kind: "copy"; from: string; list: boolean; items: string[]; last: unknown }
  | { kind: "none"; from: string; reason: string };

export function inheritedEntries(
  model: ComposeModel,
  service: ServiceModel,
  block: EntryBlock,
  purpose: "extend" | "keep" = "extend",
): InheritedEntries | undefined {
  const inherited = inheritedValue(model, service, block);
  if (!inherited?.node) return undefined;
  const { from, node, anchor } = inherited;
  const why = cannotAddKey(service);
  if (why) return { kind: "none", from, reason: why };
  if (purpose === "extend" && isMap(node) && anchor && node.items.length) {
    return { kind: "merge", from, anchor, last: node.items[node.items.length - 1] as Pair };
  }
  const items = copiedItems(model, node);
  if (!items) {
    const cannot = purpose === "extend" ? "neither merged nor copied" : "copied";
    return {
      kind: "none",
      from,
      reason: `it inherits its ${block} from ${from}, in a form that can be ${cannot} (not plain one-line entries)`,
    };
  }
  return {
    kind: "copy",
    from,
    list: isSeq(node),
    items,
    last: (node as { items: unknown[] }).items.at(-1),
  };
}

/** The text of each item of a list or mapping, when every one is a plain scalar on one line. */
function copiedItems(model: ComposeModel, node: Node): string[] | undefined {
  if (!isSeq(node) && !isMap(node)) return undefined;
  const source = model.file.source;
  const span = nodeLines(source, node);
  if (!span || spanHasComment(source, span) || node.items.length === 0) return undefined;
  const plain = (n: unknown): n is Scalar =>
    isScalar(n) &&
    !n.anchor &&
    !n.tag &&
    !!n.range &&
    nodeLines(source, n)!.first === nodeLines(source, n)!.last;
  const out: string[] = [];
  for (const item of node.items as unknown[]) {
    if (isSeq(node)) {
      if (!plain(item)) return undefined;
      out.push(source.text.slice(item.range![0], item.range![1]));
      continue;
    }
    const { key, value } = item as Pair;
    if (!plain(key) || (value !== null && !plain(value))) return undefined;
    const end =
      value && (value as Scalar).value !== null ? (value as Scalar).range![1] : key.range![1];
    const text = source.text.slice(key.range![0], end);
    if (source.lineOf(key.range![0]) !== source.lineOf(end)) return undefined;
    out.push(value && (value as Scalar).value !== null ? text : `${text}:`);
  }
  return out;
}

/** The parts of a legacy `external: {name: x}` entry that --modernize rewrites. */
export interface LegacyExternal {
  /** The `external:` pair. */
  external: Pair;
  /** The `name: x` value node inside it. */
  name: Scalar;
}

/**
 * A top-level network whose legacy external form can be rewritten line for line: block style,
 * `external:` holding only `name:`, no `name:` beside it, no comment inside. Anything else is
 * left as it is (and said so).
 */
export function legacyExternal(model: ComposeModel, key: string): LegacyExternal | undefined {
  const networks = model.file.root.items.find(
    (p) => isScalar(p.key) && p.key.value === "networks",
  )?.value;
  if (!isMap(networks) || isFlow(networks)) return undefined;
  const config = (networks.items as Pair[]).find(
    (p) => isScalar(p.key) && p.key.value === key,
  )?.value;
  if (!isMap(config) || isFlow(config)) return undefined;
  const items = config.items as Pair[];
  const external = items.find((p) => isScalar(p.key) && p.key.value === "external");
  if (!external || items.some((p) => isScalar(p.key) && p.key.value === "name")) return undefined;
  const value = external.value;
  if (!isMap(value) || isFlow(value) || value.items.length !== 1) return undefined;
  const name = (value.items[0] as Pair).value;
  if (
    !isScalar(name) ||
    spanHasComment(model.file.source, pairLines(model.file.source, external))
  ) {
    return undefined;
  }
  return { external, name };
}
