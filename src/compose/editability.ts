import { isMap, isScalar, isSeq, Pair, Scalar } from "yaml";
import { spanHasComment } from "../yaml/comments";
import { isFlow, pairLines } from "../yaml/layout";
import { ComposeModel, holdsReferencedAnchor, ownPair, ServiceModel } from "./model";

/** A reason the service's mapping cannot take a new key, if there is one. */
export function cannotAddKey(service: ServiceModel): string | undefined {
  if (!service.node) return `service \`${service.name}\` is an alias or empty`;
  if (service.node.flow) return `service \`${service.name}\` is a flow mapping`;
  if (service.node.items.length === 0) return `service \`${service.name}\` is empty`;
  return undefined;
}

export type EntryBlock = "labels" | "environment";

/**
 * Whether `key=value` entries can be added to a service's labels or environment: the block is
 * written in the service itself as a list or mapping, or the service has none and can take a new key.
 */
export function entriesEditable(
  model: ComposeModel,
  service: ServiceModel,
  block: EntryBlock,
): boolean {
  const value = ownPair(service, block)?.value;
  if (value === undefined) return service.data[block] === undefined && !cannotAddKey(service);
  return (isSeq(value) || isMap(value)) && !holdsReferencedAnchor(model, value);
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
