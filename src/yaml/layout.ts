import { isCollection, isMap, isPair, isScalar, isSeq, Pair, visit, YAMLMap } from "yaml";
import type { SourceText } from "../base/source-text";

/** How a file lays out its blocks, so that new text looks like the text around it. */
export interface FileStyle {
  /** Spaces a nested mapping is indented by. */
  indent: number;
  /** Columns a block sequence's dash sits right of its parent key (0: unindented sequences). */
  sequenceOffset: number;
}

/** Reads the indentation habits of a file from its `services` block and its block sequences. */
export function detectStyle(source: SourceText, root: YAMLMap): FileStyle {
  let indent = 2;
  const services = root.items.find((pair) => isScalar(pair.key) && pair.key.value === "services");
  if (services && isMap(services.value) && !services.value.flow && services.value.items.length) {
    const first = services.value.items[0];
    const keyStart = (first.key as { range?: number[] }).range?.[0];
    const parentStart = (services.key as { range?: number[] }).range?.[0];
    if (keyStart !== undefined && parentStart !== undefined) {
      const step = source.columnOf(keyStart) - source.columnOf(parentStart);
      if (step > 0) indent = step;
    }
  }
  let sequenceOffset: number | undefined;
  visit(root, {
    Pair(_key, pair) {
      if (sequenceOffset !== undefined) return visit.BREAK;
      if (!isPair(pair) || !isScalar(pair.key) || !isSeq(pair.value) || pair.value.flow) return;
      const item = pair.value.items[0] as { range?: number[] } | undefined;
      const keyRange = pair.key.range;
      if (!item?.range || !keyRange) return;
      const itemLine = source.lineOf(item.range[0]);
      if (itemLine === source.lineOf(keyRange[0])) return;
      sequenceOffset = dashColumn(source, item.range[0]) - source.columnOf(keyRange[0]);
      return undefined;
    },
  });
  return {
    indent,
    sequenceOffset: sequenceOffset !== undefined && sequenceOffset >= 0 ? sequenceOffset : indent,
  };
}

/** Column of the `-` that introduces the sequence item starting at `offset`. */
export function dashColumn(source: SourceText, offset: number): number {
  const line = source.lineOf(offset);
  const before = source.text.slice(source.lineStart(line), offset);
  const dash = before.lastIndexOf("-");
  return dash >= 0 ? dash : source.columnOf(offset);
}

/** Lines first..last of a source, 0-based. */
export interface LineSpan {
  first: number;
  last: number;
}

type Ranged = { range?: [number, number, number] | null };

function rangeOf(node: unknown): [number, number, number] | undefined {
  return (node as Ranged | null)?.range ?? undefined;
}

/** Lines a node's own text occupies (trailing comments and blank lines after it excluded). */
export function nodeLines(source: SourceText, node: unknown): LineSpan | undefined {
  const range = rangeOf(node);
  if (!range) return undefined;
  return {
    first: source.lineOf(range[0]),
    last: source.lastLineBefore(Math.max(range[1], range[0] + 1)),
  };
}

/** Lines of a `key: value` pair, from the key line to the value's last line. */
export function pairLines(source: SourceText, pair: Pair): LineSpan {
  const keyRange = rangeOf(pair.key)!;
  const first = source.lineOf(keyRange[0]);
  const valueSpan = pair.value ? nodeLines(source, pair.value) : undefined;
  let last = source.lastLineBefore(Math.max(keyRange[1], keyRange[0] + 1));
  if (valueSpan && valueSpan.last > last) last = valueSpan.last;
  return { first, last };
}

/** True when the node is written in flow style (`[a, b]`, `{a: b}`). */
export function isFlow(node: unknown): boolean {
  return isCollection(node) && node.flow === true;
}
