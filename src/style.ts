import { isMap, isPair, isScalar, isSeq, visit, YAMLMap } from "yaml";
import type { SourceText } from "./source";

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
