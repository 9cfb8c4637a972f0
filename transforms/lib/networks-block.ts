import { isAlias, isMap, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from "yaml";
import type { ServicePlan } from "../../src/analysis/plan/types";
import { cannotAddKey } from "../../src/compose/editability";
import { resolveAlias } from "../../src/compose/inheritance";
import { Membership, ownPair } from "../../src/compose/model";
import type { Edit } from "../../src/yaml/apply-edits";
import { lineComment, spanHasComment } from "../../src/yaml/comments";
import { dashColumn, isFlow, LineSpan, nodeLines, pairLines } from "../../src/yaml/layout";
import { insertLinesAfter, replaceLines } from "../../src/yaml/line-edits";
import {
  blockMappingLines,
  flowText,
  quoteAs,
  quoteStyleOf,
  scalarText,
} from "../../src/yaml/render";
import { leftToInheritance } from "./inherited";
import { serviceKeyColumn, serviceLastLine, serviceNamed } from "./service-block";
import type { TransformContext, TransformResult } from "./transform";

function needsMapForm(list: Membership[]): boolean {
  return list.some((m) => m.settings !== null);
}

/** The `networks:` block for a membership list, as new lines at `column`. */
export function renderNetworksBlock(
  ctx: TransformContext,
  list: Membership[],
  column: number,
): string[] {
  const pad = " ".repeat(column);
  const style = ctx.model.style;
  if (!needsMapForm(list)) {
    const dash = " ".repeat(column + style.sequenceOffset);
    return [`${pad}networks:`, ...list.map((m) => `${dash}- ${scalarText(m.key)}`)];
  }
  const entries: Record<string, unknown> = {};
  for (const m of list) entries[m.key] = m.settings;
  return [`${pad}networks:`, ...blockMappingLines(entries, column + style.indent, style)];
}

/**
 * A flow collection's new text: entries that stay keep their source text, new ones are quoted
 * like their neighbours (JSON when the collection's keys are double-quoted).
 */
function flowMembership(
  source: string,
  value: YAMLSeq | YAMLMap,
  list: Membership[],
  asMap: boolean,
): string {
  const items = value.items as unknown[];
  const text = (from: unknown, to: unknown) => source.slice(rangeStart(from), rangeEnd(to ?? from));
  const json = quoteStyleOf(isMap(value) ? (items[0] as Pair)?.key : items[0]) === "double";
  const existing = new Map<string, string>();
  for (const item of items) {
    if (isMap(value)) {
      const pair = item as Pair;
      if (isScalar(pair.key)) existing.set(String(pair.key.value), text(pair.key, pair.value));
    } else if (isScalar(item)) existing.set(String(item.value), text(item, item));
  }
  if (!asMap) {
    const quote = json ? "double" : quoteStyleOf(items[items.length - 1]);
    const parts = list.map((m) => existing.get(m.key) ?? quoteAs(quote, m.key, scalarText(m.key)));
    return `[${parts.join(", ")}]`;
  }
  const parts = list.map((m) => {
    if (isMap(value) && existing.has(m.key) && m.settings === null) return existing.get(m.key)!;
    const key = json ? JSON.stringify(m.key) : scalarText(m.key);
    return `${key}: ${flowText(m.settings ?? {}, json)}`;
  });
  return `{${parts.join(", ")}}`;
}

function rangeStart(node: unknown): number {
  return (node as { range: number[] }).range[0];
}

function rangeEnd(node: unknown): number {
  return (node as { range: number[] }).range[1];
}

/**
 * Edits that turn a service's networks into the planned list. Networks the service inherits
 * through a merge key or an alias become its own key (its own key wins over a merged one); an
 * anchored block of its own is edited where it is, and the rewrite settles what the services
 * that use the anchor get.
 */
export function rewriteServiceNetworks(ctx: TransformContext, plan: ServicePlan): TransformResult {
  const service = serviceNamed(ctx, plan.name);
  const source = ctx.model.file.source;
  const after = plan.after!;
  const result: TransformResult = { edits: [], warnings: [] };
  if (leftToInheritance(ctx, service, "networks")) return result;
  const pair = ownPair(service, "networks");
  if (!pair) {
    const why = cannotAddKey(service);
    if (why) return { ...result, skip: `${why}; cannot add its networks` };
    const column = serviceKeyColumn(ctx, service)!;
    const lines = renderNetworksBlock(ctx, after, column);
    result.edits.push(insertLinesAfter(source, serviceLastLine(ctx, service), lines));
    return result;
  }
  const value = pair.value;
  const span = pairLines(source, pair as Pair);
  const target = isAlias(value) ? resolveAlias(ctx.model, value) : undefined;
  if (isAlias(value) && (isSeq(target) || isMap(target)) && isFlow(target)) {
    // `networks: *nets` of a flow `&nets [proxy]`: the service's own list in its place, in flow style too
    const asMap = isMap(target) || needsMapForm(after);
    const text = flowMembership(source.text, target, after, asMap);
    result.edits.push({ start: value.range![0], end: value.range![1], text });
    return result;
  }
  if (service.node?.flow && !isFlow(value)) {
    return { ...result, skip: `service \`${plan.name}\` is a flow mapping` };
  }
  if (value === null || isAlias(value) || (isScalar(value) && value.value === null)) {
    if (span.first !== span.last || spanHasComment(source, span)) {
      return {
        ...result,
        skip: `${plan.name}: networks written in a form composemod does not edit`,
      };
    }
    const column = source.columnOf((pair.key as Scalar).range![0]);
    result.edits.push(replaceLines(source, span, renderNetworksBlock(ctx, after, column)));
    return result;
  }
  if (isFlow(value)) {
    const range = (value as YAMLSeq).range!;
    const valueSpan = nodeLines(source, value)!;
    if (valueSpan.first !== valueSpan.last && spanHasComment(source, valueSpan)) {
      return {
        ...result,
        skip: `${plan.name}: its networks are a flow collection with comments inside`,
      };
    }
    const text = flowMembership(
      source.text,
      value as YAMLSeq | YAMLMap,
      after,
      isMap(value) || needsMapForm(after),
    );
    result.edits.push({ start: range[0], end: range[1], text });
    return result;
  }
  if (isSeq(value)) return rewriteBlockSequence(ctx, plan, value, result);
  if (isMap(value)) return rewriteBlockMap(ctx, plan, value, result);
  return { ...result, skip: `${plan.name}: networks is neither a list nor a mapping` };
}

/** Item lines of a block collection, each with the comment lines that belong to no item. */
function itemSpans(ctx: TransformContext, nodes: unknown[]): LineSpan[] {
  const source = ctx.model.file.source;
  return nodes.map((node) => nodeLines(source, node)!);
}

/**
 * Removes the lines of `removed` items (a trailing comment on them stays, as a line of its
 * own) and appends `added` lines after the last item.
 */
function rewriteItems(
  ctx: TransformContext,
  spans: LineSpan[],
  removed: boolean[],
  added: string[],
  column: number,
  rewriteLine: (line: number, text: string) => string = (_line, text) => text,
): Edit {
  const source = ctx.model.file.source;
  const region: LineSpan = { first: spans[0].first, last: spans[spans.length - 1].last };
  const out: string[] = [];
  for (let l = region.first; l <= region.last; l++) {
    const index = spans.findIndex((s) => l >= s.first && l <= s.last);
    const text = source.lineText(l);
    if (index !== -1 && removed[index]) {
      const comment = l === spans[index].first ? lineComment(text) : undefined;
      const whole = text.trimStart().startsWith("#");
      if (whole) out.push(text);
      else if (comment) out.push(" ".repeat(column) + comment);
      continue;
    }
    out.push(rewriteLine(l, text));
  }
  out.push(...added);
  return replaceLines(source, region, out);
}

function rewriteBlockSequence(
  ctx: TransformContext,
  plan: ServicePlan,
  value: YAMLSeq,
  result: TransformResult,
): TransformResult {
  const source = ctx.model.file.source;
  const after = plan.after!;
  if (needsMapForm(after)) {
    return { ...result, skip: `${plan.name}: network settings would need the map form` };
  }
  const keys = value.items.map((item) => (isScalar(item) ? String(item.value) : undefined));
  if (keys.some((k) => k === undefined) || value.items.length === 0) {
    return { ...result, skip: `${plan.name}: networks list holds something other than names` };
  }
  const keep = new Set(after.map((m) => m.key));
  const removed = keys.map((k) => !keep.has(k!));
  const first = value.items[0] as Scalar;
  const column = dashColumn(source, first.range![0]);
  const quote = quoteStyleOf(value.items[value.items.length - 1]);
  const added = after
    .filter((m) => !keys.includes(m.key))
    .map((m) => `${" ".repeat(column)}- ${quoteAs(quote, m.key, scalarText(m.key))}`);
  if (removed.every((r) => r) && added.length === 0) {
    return { ...result, skip: `${plan.name}: would be left with no network` };
  }
  result.edits.push(rewriteItems(ctx, itemSpans(ctx, value.items), removed, added, column));
  return result;
}

function rewriteBlockMap(
  ctx: TransformContext,
  plan: ServicePlan,
  value: YAMLMap,
  result: TransformResult,
): TransformResult {
  const source = ctx.model.file.source;
  const after = plan.after!;
  const pairs = value.items as Pair[];
  const keys = pairs.map((p) => (isScalar(p.key) ? String(p.key.value) : undefined));
  if (keys.some((k) => k === undefined) || pairs.length === 0) {
    return { ...result, skip: `${plan.name}: networks mapping with complex keys` };
  }
  const keep = new Map(after.map((m) => [m.key, m]));
  const removed = keys.map((k) => !keep.has(k!));
  const column = source.columnOf((pairs[0].key as Scalar).range![0]);
  const spans = pairs.map((p) => pairLines(source, p));
  const newEntries = after.filter((m) => !keys.includes(m.key));
  // An entry that leaves and hands its settings to a new one keeps its text: only the key changes.
  const renames = new Map<number, { from: number; to: number; text: string }>();
  const added: string[] = [];
  for (const entry of newEntries) {
    const donor = pairs.findIndex(
      (_p, i) =>
        removed[i] &&
        entry.settings !== null &&
        JSON.stringify(plan.before!.find((m) => m.key === keys[i])?.settings) ===
          JSON.stringify(entry.settings),
    );
    if (donor !== -1) {
      removed[donor] = false;
      const keyRange = (pairs[donor].key as Scalar).range!;
      const line = source.lineOf(keyRange[0]);
      renames.set(line, {
        from: source.columnOf(keyRange[0]),
        to: source.columnOf(keyRange[1]),
        text: scalarText(entry.key),
      });
      continue;
    }
    const block: Record<string, unknown> = { [entry.key]: entry.settings };
    added.push(...blockMappingLines(block, column, ctx.model.style));
  }
  // Settings that changed on an entry that stays (aliases merged into an existing internal entry).
  for (let i = 0; i < pairs.length; i++) {
    const planned = keep.get(keys[i]!);
    const before = plan.before!.find((m) => m.key === keys[i]);
    if (planned && JSON.stringify(planned.settings) !== JSON.stringify(before?.settings)) {
      return { ...result, skip: `${plan.name}: settings of network \`${keys[i]}\` would merge` };
    }
  }
  if (removed.every((r) => r) && added.length === 0 && renames.size === 0) {
    return { ...result, skip: `${plan.name}: would be left with no network` };
  }
  const rename = (line: number, text: string) => {
    const r = renames.get(line);
    return r ? text.slice(0, r.from) + r.text + text.slice(r.to) : text;
  };
  result.edits.push(rewriteItems(ctx, spans, removed, added, column, rename));
  return result;
}
