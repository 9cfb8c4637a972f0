import { isAlias, isSeq, Scalar, YAMLSeq } from "yaml";
import type { ServicePlan } from "../src/analysis/plan/types";
import { cannotAddKey } from "../src/compose/editability";
import { ownPair } from "../src/compose/model";
import type { Edit } from "../src/yaml/apply-edits";
import { isFlow, nodeLines, pairLines } from "../src/yaml/layout";
import { commentOutLines, insertLinesAfter } from "../src/yaml/line-edits";
import { flowText } from "../src/yaml/render";
import { leftToInheritance } from "./lib/inherited";
import { INSERT_ORDER } from "./lib/order";
import { serviceKeyColumn, serviceLastLine, serviceNamed } from "./lib/service-block";
import {
  combineResults,
  inOrder,
  Transform,
  TransformContext,
  TransformResult,
} from "./lib/transform";

/** `127.0.0.1:` in front of a port's text, inside its quotes. */
function rebound(text: string): string {
  const quote = /^["']/.test(text) ? text[0] : "";
  return `${quote}127.0.0.1:${text.slice(quote.length)}`;
}

function commentOut(ctx: TransformContext, plan: ServicePlan): TransformResult {
  const service = serviceNamed(ctx, plan.name);
  const source = ctx.model.file.source;
  const result: TransformResult = { edits: [], warnings: [] };
  if (leftToInheritance(ctx, service, "ports")) return result;
  const ports = Array.isArray(service.data.ports) ? (service.data.ports as unknown[]) : [];
  const drop = new Set(plan.commentPorts);
  const rebind = new Set(plan.rebindPorts);
  const kept = ports.flatMap((p, i) =>
    drop.has(i) ? [] : [rebind.has(i) ? `127.0.0.1:${String(p)}` : p],
  );
  if (ctx.model.file.root.flow) {
    return { ...result, skip: "a JSON-style file has no comments to keep the removed ports in" };
  }
  if (service.node?.flow) {
    return {
      ...result,
      skip: `service \`${plan.name}\` is a flow mapping: its ports cannot be commented out`,
    };
  }
  const pair = ownPair(service, "ports");
  if (!pair) {
    // published through a merge key: override them in the service, the anchor stays as it is
    const why = cannotAddKey(service);
    if (why) return { ...result, skip: `${why}; cannot override its ports` };
    const column = " ".repeat(serviceKeyColumn(ctx, service)!);
    const lines = [`${column}# ports: ${flowText(ports)}`, `${column}ports: ${flowText(kept)}`];
    result.edits.push(insertLinesAfter(source, serviceLastLine(ctx, service), lines));
    return result;
  }
  // an anchored list of its own is edited where it is: the rewrite settles what the services
  // that use the anchor get
  const value = pair.value;
  const span = pairLines(source, pair);
  if (isFlow(value) && drop.size === 0)
    return rebindInPlace(source.text, plan, value as YAMLSeq, rebind, result);
  if (isAlias(value) || isFlow(value)) {
    const edits: Edit[] = commentOutLines(source, span);
    if (kept.length || service.node!.items.length === 1) {
      const column = " ".repeat(source.columnOf((pair.key as Scalar).range![0]));
      edits.push(
        insertLinesAfter(source, span.last, [
          `${column}ports: ${keptText(source.text, value, drop, rebind, kept)}`,
        ]),
      );
    }
    result.edits.push(...edits);
    return result;
  }
  if (!isSeq(value)) return { ...result, skip: `${plan.name}: ports is not a list` };
  if (kept.length === 0) {
    result.edits.push(...commentOutLines(source, span));
    if (service.node!.items.length === 1) {
      // the service's only key here (an override file): an empty list keeps it a mapping
      const column = " ".repeat(source.columnOf((pair.key as Scalar).range![0]));
      result.edits.push(insertLinesAfter(source, span.last, [`${column}ports: []`]));
    }
    return result;
  }
  const items = (value as YAMLSeq).items;
  for (const index of drop) {
    const itemSpan = nodeLines(source, items[index]);
    if (itemSpan) result.edits.push(...commentOutLines(source, itemSpan));
  }
  return rebindInPlace(source.text, plan, value as YAMLSeq, rebind, result);
}

/** Each port to rebind gets `127.0.0.1:` in front, where it stands in the list. */
function rebindInPlace(
  text: string,
  plan: ServicePlan,
  value: YAMLSeq,
  rebind: Set<number>,
  result: TransformResult,
): TransformResult {
  for (const index of rebind) {
    const item = value.items[index] as { range?: number[] } | undefined;
    if (!item?.range) {
      return { ...result, skip: `${plan.name}: a port to rebind is not a plain entry` };
    }
    const own = text.slice(item.range[0], item.range[1]);
    result.edits.push({ start: item.range[0], end: item.range[1], text: rebound(own) });
  }
  return result;
}

/** The kept ports in flow style, each in its original text when the ports were a flow list. */
function keptText(
  text: string,
  value: unknown,
  drop: Set<number>,
  rebind: Set<number>,
  kept: unknown[],
): string {
  if (!isSeq(value)) return flowText(kept);
  const items = (value as YAMLSeq).items as { range?: number[] }[];
  const parts = items.flatMap((item, i) => {
    if (drop.has(i) || !item.range) return [];
    const own = text.slice(item.range[0], item.range[1]);
    return [rebind.has(i) ? rebound(own) : own];
  });
  return `[${parts.join(", ")}]`;
}

function apply(ctx: TransformContext): TransformResult {
  return inOrder(
    combineResults(
      ctx.plan.services
        .filter((s) => s.commentPorts.length || s.rebindPorts.length)
        .map((s) => commentOut(ctx, s)),
    ),
    INSERT_ORDER.ports,
  );
}

export const commentOutPorts: Transform = {
  name: "comment-out-ports",
  description:
    "comments out the app ports the proxy carries, and ends a database's ports beyond the host (commented out, or bound to 127.0.0.1)",
  apply,
};
