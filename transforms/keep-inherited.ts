import { isAlias, isScalar, isSeq, Node } from "yaml";
import type { ServicePlan } from "../src/analysis/plan/types";
import { cannotAddKey } from "../src/compose/editability";
import { inheritedValue } from "../src/compose/inheritance";
import { ownPair } from "../src/compose/model";
import type { SourceText } from "../src/base/source-text";
import { insertLinesAfter } from "../src/yaml/line-edits";
import { flowText } from "../src/yaml/render";
import { keepInheritedEntries } from "./lib/entries";
import { writtenAsOwn } from "./lib/inherited";
import { rewriteServiceNetworks } from "./lib/networks-block";
import { INSERT_ORDER } from "./lib/order";
import { serviceKeyColumn, serviceLastLine, serviceNamed } from "./lib/service-block";
import {
  combineResults,
  inOrder,
  Transform,
  TransformContext,
  TransformResult,
} from "./lib/transform";

/** The ports as a flow list, each item in its source text when the list is plain scalars on one line each. */
function portsText(source: SourceText, node: Node | null | undefined, data: unknown): string {
  if (isSeq(node) && node.items.length) {
    const texts = node.items.map((item) => {
      const range = isScalar(item) ? item.range : undefined;
      if (!range || source.lineOf(range[0]) !== source.lineOf(range[1])) return undefined;
      return source.text.slice(range[0], range[1]);
    });
    if (texts.every((t) => t !== undefined)) return `[${texts.join(", ")}]`;
  }
  return flowText(Array.isArray(data) ? data : []);
}

/** The ports the service had, written as its own: in place of its alias, or after its last key. */
function keepPorts(ctx: TransformContext, plan: ServicePlan): TransformResult {
  const result: TransformResult = { edits: [], warnings: [] };
  const service = serviceNamed(ctx, plan.name);
  const source = ctx.model.file.source;
  const inherited = inheritedValue(ctx.model, service, "ports");
  const text = portsText(source, inherited?.node, service.data.ports);
  const own = ownPair(service, "ports");
  if (own && isAlias(own.value)) {
    const range = own.value.range!;
    result.edits.push({ start: range[0], end: range[1], text });
    return result;
  }
  const why = cannotAddKey(service);
  if (why) return { ...result, skip: `${why}; cannot keep its ports` };
  const column = " ".repeat(serviceKeyColumn(ctx, service)!);
  result.edits.push(
    insertLinesAfter(source, serviceLastLine(ctx, service), [`${column}ports: ${text}`]),
  );
  return result;
}

function keepNetworks(ctx: TransformContext, plan: ServicePlan): TransformResult {
  if (plan.after === null) {
    return {
      edits: [],
      warnings: [],
      skip: `${plan.name} has network_mode, and would inherit networks beside it, which Compose refuses`,
    };
  }
  const service = serviceNamed(ctx, plan.name);
  const why = cannotAddKey(service);
  if (why && !ownPair(service, "networks")) {
    return { edits: [], warnings: [], skip: `${why}; cannot keep its networks` };
  }
  return rewriteServiceNetworks(ctx, plan);
}

/**
 * A service that inherits its networks, ports, labels or environment through an anchor that
 * the rewrite edits for another service keeps what it had, as a key of its own (a merge is
 * shallow: its own key wins). The rewrite names those services in `ownKeys` once it has seen
 * what the anchor's edits do.
 */
function apply(ctx: TransformContext): TransformResult {
  const results: TransformResult[] = [];
  for (const plan of ctx.plan.services) {
    if (writtenAsOwn(ctx, plan.name, "networks") && !plan.networksChanged) {
      results.push(inOrder(keepNetworks(ctx, plan), INSERT_ORDER.networks));
    }
    const portsPlanned = plan.commentPorts.length > 0 || plan.rebindPorts.length > 0;
    if (writtenAsOwn(ctx, plan.name, "ports") && !portsPlanned) {
      results.push(inOrder(keepPorts(ctx, plan), INSERT_ORDER.ports));
    }
    const blocks = [
      ["labels", plan.addLabels],
      ["environment", plan.addEnvironment],
    ] as const;
    for (const [block, planned] of blocks) {
      if (writtenAsOwn(ctx, plan.name, block) && planned.length === 0) {
        results.push(inOrder(keepInheritedEntries(ctx, plan.name, block), INSERT_ORDER.routing));
      }
    }
  }
  return combineResults(results);
}

export const keepInherited: Transform = {
  name: "keep-inherited",
  description:
    "gives a service that inherits its networks, ports, labels or environment through an anchor edited for another service its own key with what it had",
  apply,
};
