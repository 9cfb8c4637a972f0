import { isMap, isPair, isSeq, Pair, Scalar, YAMLSeq } from "yaml";
import { cannotAddKey, EntryBlock } from "../../src/compose/editability";
import { ownPair } from "../../src/compose/model";
import { hasFlowSeparator } from "../../src/yaml/comments";
import { dashColumn, isFlow, nodeLines, pairLines } from "../../src/yaml/layout";
import { insertLinesAfter } from "../../src/yaml/line-edits";
import { flowScalarText, quoteAs, quoteStyleOf, scalarText } from "../../src/yaml/render";
import { serviceKeyColumn, serviceLastLine, serviceNamed } from "./service-block";
import type { TransformContext, TransformResult } from "./transform";

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
 * block already uses; a service without the block gets one in the file's habit.
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
  const source = ctx.model.file.source;
  const value = ownPair(service, block)?.value;
  const asItem = (k: string, v: string, quote: "plain" | "double" | "single" = "plain") =>
    quoteAs(quote, `${k}=${v}`, scalarText(`${k}=${v}`));
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
    const keyQuote = quoteStyleOf(items[items.length - 1].key);
    const valueQuote = quoteStyleOf(items[items.length - 1].value);
    const lastLine = pairLines(source, items[items.length - 1]).last;
    const lines = entries.map(
      ([k, v]) =>
        `${" ".repeat(column)}${quoteAs(keyQuote, k, scalarText(k))}: ${quoteAs(valueQuote, v, scalarText(v))}`,
    );
    result.edits.push(insertLinesAfter(source, lastLine, lines));
    return result;
  }
  return {
    ...result,
    skip: `${name}: its ${block} are written in a form composemod does not edit`,
  };
}
