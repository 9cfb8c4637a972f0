import { isMap, isPair, isSeq, Pair, Scalar, YAMLSeq } from "yaml";
import {
  insertLinesAfter,
  isFlow,
  nodeLines,
  pairLines,
  quoteAs,
  quoteStyleOf,
} from "../src/block-edits";
import { holdsReferencedAnchor, ownPair, ServiceModel } from "../src/model";
import type { ServicePlan } from "../src/plan";
import { scalarText } from "../src/render";
import { rewriteServiceNetworks } from "../src/service-networks";
import { dashColumn } from "../src/style";
import { combineResults, Transform, TransformContext, TransformResult } from "../src/transform";

/** Adds `key=value` to a service's labels, in the list or map style they already use. */
function addLabels(ctx: TransformContext, plan: ServicePlan): TransformResult {
  const result: TransformResult = { edits: [], warnings: [] };
  const service = ctx.model.services.find((s) => s.name === plan.name) as ServiceModel;
  const source = ctx.model.file.source;
  const pair = ownPair(service, "labels");
  const value = pair?.value;
  const cannot = (why: string): TransformResult => ({
    ...result,
    warnings: plan.addLabels.map(
      ([k, v]) => `${plan.name}: add the label ${k}=${v} by hand (${why})`,
    ),
  });
  if (!pair || !value || holdsReferencedAnchor(ctx.model, value)) {
    return cannot("its labels are not written in the service itself");
  }
  if (isFlow(value)) {
    const collection = value as YAMLSeq;
    const close = collection.range![1] - 1;
    const last = collection.items.at(-1) as unknown;
    const lastNode = isPair(last) ? (last.value ?? last.key) : last;
    const lastEnd = (lastNode as { range?: number[] } | undefined)?.range?.[1];
    // `[a, b,]` already ends in a comma
    const between =
      lastEnd === undefined ? "" : source.text.slice(lastEnd, close).replace(/#.*$/gm, "");
    const lead = collection.items.length === 0 || between.includes(",") ? "" : ", ";
    const quote = quoteStyleOf(isSeq(value) ? collection.items.at(-1) : undefined);
    const entries = plan.addLabels.map(([k, v]) =>
      isSeq(value)
        ? quoteAs(quote, `${k}=${v}`, scalarText(`${k}=${v}`))
        : `${scalarText(k)}: ${scalarText(v)}`,
    );
    result.edits.push({ start: close, end: close, text: `${lead}${entries.join(", ")}` });
    return result;
  }
  if (isSeq(value) && value.items.length) {
    const items = value.items as Scalar[];
    const column = dashColumn(source, items[0].range![0]);
    const quote = quoteStyleOf(items[items.length - 1]);
    const last = nodeLines(source, items[items.length - 1])!.last;
    const lines = plan.addLabels.map(
      ([k, v]) => `${" ".repeat(column)}- ${quoteAs(quote, `${k}=${v}`, scalarText(`${k}=${v}`))}`,
    );
    result.edits.push(insertLinesAfter(source, last, lines));
    return result;
  }
  if (isMap(value) && value.items.length) {
    const items = value.items as Pair[];
    const column = source.columnOf((items[0].key as Scalar).range![0]);
    const keyQuote = quoteStyleOf(items[items.length - 1].key);
    const valueQuote = quoteStyleOf(items[items.length - 1].value);
    const last = pairLines(source, items[items.length - 1]).last;
    const lines = plan.addLabels.map(
      ([k, v]) =>
        `${" ".repeat(column)}${quoteAs(keyQuote, k, scalarText(k))}: ${quoteAs(valueQuote, v, scalarText(v))}`,
    );
    result.edits.push(insertLinesAfter(source, last, lines));
    return result;
  }
  return cannot("empty labels");
}

function apply(ctx: TransformContext): TransformResult {
  const apps = ctx.plan.services.filter((s) => s.role === "app");
  // labels first: when `labels` is a service's last key, its new line goes before a new `networks` block
  return combineResults([
    ...apps.filter((s) => s.addLabels.length).map((s) => addLabels(ctx, s)),
    ...apps.filter((s) => s.networksChanged).map((s) => rewriteServiceNetworks(ctx, s)),
  ]);
}

export const attachAppToProxy: Transform = {
  name: "attach-app-to-proxy",
  description:
    "puts each app on the internal network and the proxy network, with the Traefik network label when Traefik routes it",
  apply,
};
