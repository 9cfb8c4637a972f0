import { isAlias, isMap, isPair, isSeq, Pair, Scalar, YAMLSeq } from "yaml";
import {
  cannotAddKey,
  EntryBlock,
  InheritedEntries,
  inheritedEntries,
} from "../../src/compose/editability";
import { ownPair, ServiceModel } from "../../src/compose/model";
import { hasFlowSeparator, spanHasComment } from "../../src/yaml/comments";
import { dashColumn, isFlow, nodeLines, pairLines } from "../../src/yaml/layout";
import { insertLinesAfter, replaceLines } from "../../src/yaml/line-edits";
import { flowScalarText, quoteAs, quoteStyleOf, scalarText } from "../../src/yaml/render";
import { leftToInheritance } from "./inherited";
import { serviceKeyColumn, serviceLastLine, serviceNamed } from "./service-block";
import type { TransformContext, TransformResult } from "./transform";

type Quote = "plain" | "double" | "single";

/** `key=value` as a list item, quoted as `quote` says. */
function asItem(k: string, v: string, quote: Quote = "plain"): string {
  return quoteAs(quote, `${k}=${v}`, scalarText(`${k}=${v}`));
}

/** `key: value` as a mapping entry, key and value quoted like those of `like`. */
function asEntry(k: string, v: string, like: Pair | undefined): string {
  const key = quoteAs(quoteStyleOf(like?.key), k, scalarText(k));
  return `${key}: ${quoteAs(quoteStyleOf(like?.value), v, scalarText(v))}`;
}

/** A file's habit for a block: the list form when its first such block is a list. */
function listHabit(ctx: TransformContext, block: EntryBlock): boolean {
  for (const service of ctx.model.services) {
    const value = ownPair(service, block)?.value;
    if (value) return isSeq(value);
  }
  return false;
}

/**
 * Adds `key=value` entries to a service's labels or environment, in the list or map style the
 * block already uses; a service without the block gets one in the file's habit, and one that
 * inherits the block through an anchor gets one of its own that merges or copies it.
 */
export function addEntries(
  ctx: TransformContext,
  name: string,
  block: EntryBlock,
  entries: [string, string][],
): TransformResult {
  const result: TransformResult = { edits: [], warnings: [] };
  if (entries.length === 0) return result;
  const service = serviceNamed(ctx, name);
  if (leftToInheritance(ctx, service, block)) return result;
  const source = ctx.model.file.source;
  const value = ownPair(service, block)?.value;
  const inherited = value === undefined || isAlias(value);
  const from = inherited ? inheritedEntries(ctx.model, service, block) : undefined;
  if (from) return extendInherited(ctx, service, block, entries, from);
  if (value === undefined) {
    const why = cannotAddKey(service);
    if (why) return { ...result, skip: `${why}; cannot add its ${block}` };
    const column = serviceKeyColumn(ctx, service)!;
    const pad = " ".repeat(column);
    const inner = listHabit(ctx, block)
      ? entries.map(
          ([k, v]) => `${pad}${" ".repeat(ctx.model.style.sequenceOffset)}- ${asItem(k, v)}`,
        )
      : entries.map(
          ([k, v]) =>
            `${pad}${" ".repeat(ctx.model.style.indent)}${scalarText(k)}: ${scalarText(v)}`,
        );
    result.edits.push(
      insertLinesAfter(source, serviceLastLine(ctx, service), [`${pad}${block}:`, ...inner]),
    );
    return result;
  }
  if (isFlow(value)) {
    const collection = value as YAMLSeq;
    const close = collection.range![1] - 1;
    const last = collection.items.at(-1) as unknown;
    const lastNode = isPair(last) ? (last.value ?? last.key) : last;
    const lastEnd = (lastNode as { range?: number[] } | undefined)?.range?.[1];
    // right after the last entry, so that a collection written over several lines keeps its
    // closing bracket where it is; `[a, b,]` already ends in a comma
    const trailingComma =
      lastEnd !== undefined && hasFlowSeparator(source.text.slice(lastEnd, close));
    const at = lastEnd === undefined || trailingComma ? close : lastEnd;
    const lead = collection.items.length === 0 || trailingComma ? "" : ", ";
    const quote = quoteStyleOf(isSeq(value) ? collection.items.at(-1) : undefined);
    const texts = entries.map(([k, v]) =>
      isSeq(value)
        ? quoteAs(quote, `${k}=${v}`, flowScalarText(`${k}=${v}`))
        : `${flowScalarText(k)}: ${flowScalarText(v)}`,
    );
    result.edits.push({ start: at, end: at, text: `${lead}${texts.join(", ")}` });
    return result;
  }
  if (isSeq(value) && value.items.length) {
    const items = value.items as Scalar[];
    const column = dashColumn(source, items[0].range![0]);
    const quote = quoteStyleOf(items[items.length - 1]);
    const lastLine = nodeLines(source, items[items.length - 1])!.last;
    const lines = entries.map(([k, v]) => `${" ".repeat(column)}- ${asItem(k, v, quote)}`);
    result.edits.push(insertLinesAfter(source, lastLine, lines));
    return result;
  }
  if (isMap(value) && value.items.length) {
    const items = value.items as Pair[];
    const column = source.columnOf((items[0].key as Scalar).range![0]);
    const lastLine = pairLines(source, items[items.length - 1]).last;
    const lines = entries.map(
      ([k, v]) => `${" ".repeat(column)}${asEntry(k, v, items[items.length - 1])}`,
    );
    result.edits.push(insertLinesAfter(source, lastLine, lines));
    return result;
  }
  return {
    ...result,
    skip: `${name}: its ${block} are written in a form composemod does not edit`,
  };
}

/**
 * A service that inherits its labels or environment gets a block of its own with the new
 * entries: the inherited mapping merged into it, or a copy of the inherited items.
 *
 *     environment:
 *       <<: *zammad-environment
 *       VIRTUAL_HOST: zammad.example.org
 */
function extendInherited(
  ctx: TransformContext,
  service: ServiceModel,
  block: EntryBlock,
  entries: [string, string][],
  from: InheritedEntries,
): TransformResult {
  const keys = entries.map(([k]) => k).join(", ");
  if (from.kind === "none") {
    return { edits: [], warnings: [], skip: `${service.name}: ${from.reason}; cannot add ${keys}` };
  }
  const result = ownBlock(ctx, service, block, entries, from);
  if (from.kind === "copy") {
    const form = from.list ? "a list" : "a mapping with no anchor of its own";
    const what = `with ${keys} added (${form} cannot be merged)`;
    result.warnings.push(copied(service, block, from.from, what));
  }
  return result;
}

/**
 * A service that inherits its labels or environment from an anchor that gains entries meant for
 * another service keeps what it had, as a copy of its own (a merge cannot take a key out).
 */
export function keepInheritedEntries(
  ctx: TransformContext,
  name: string,
  block: EntryBlock,
): TransformResult {
  const service = serviceNamed(ctx, name);
  const from = inheritedEntries(ctx.model, service, block, "keep");
  if (from?.kind !== "copy") {
    const why = from?.kind === "none" ? from.reason : `it had no ${block}`;
    const reason = `${name}: ${why}; cannot keep it from gaining the ${block} added for another service`;
    return { edits: [], warnings: [], skip: reason };
  }
  const result = ownBlock(ctx, service, block, [], from);
  const what = "where entries for another service are added";
  result.warnings.push(copied(service, block, from.from, what));
  return result;
}

function copied(service: ServiceModel, block: EntryBlock, from: string, what: string) {
  const verb = block === "labels" ? "are" : "is";
  return {
    code: "anchor-copied" as const,
    service: service.name,
    message: `its ${block} ${verb} now a copy of what it inherited from ${from}, ${what}: a later change to ${from} no longer reaches it`,
  };
}

/** The service's own block, in place of an alias it names (`environment: *env`) or after its last key. */
function ownBlock(
  ctx: TransformContext,
  service: ServiceModel,
  block: EntryBlock,
  entries: [string, string][],
  from: Exclude<InheritedEntries, { kind: "none" }>,
): TransformResult {
  const result: TransformResult = { edits: [], warnings: [] };
  const source = ctx.model.file.source;
  const style = ctx.model.style;
  const own = ownPair(service, block);
  const column = own
    ? source.columnOf((own.key as Scalar).range![0])
    : serviceKeyColumn(ctx, service)!;
  const pad = " ".repeat(column);
  const inner = " ".repeat(column + style.indent);
  const dash = " ".repeat(column + style.sequenceOffset);
  const lines = [`${pad}${block}:`];
  if (from.kind === "merge") {
    lines.push(`${inner}<<: *${from.anchor}`);
    lines.push(...entries.map(([k, v]) => `${inner}${asEntry(k, v, from.last)}`));
  } else if (from.list) {
    const quote = quoteStyleOf(from.last);
    lines.push(...from.items.map((item) => `${dash}- ${item}`));
    lines.push(...entries.map(([k, v]) => `${dash}- ${asItem(k, v, quote)}`));
  } else {
    lines.push(...from.items.map((item) => `${inner}${item}`));
    lines.push(...entries.map(([k, v]) => `${inner}${asEntry(k, v, from.last as Pair)}`));
  }
  if (!own) {
    result.edits.push(insertLinesAfter(source, serviceLastLine(ctx, service), lines));
    return result;
  }
  const span = pairLines(source, own as Pair);
  if (span.first !== span.last || spanHasComment(source, span)) {
    return { ...result, skip: `${service.name}: its ${block} alias is not a line of its own` };
  }
  result.edits.push(replaceLines(source, span, lines));
  return result;
}
