import { isMap, isScalar, Pair, Scalar, YAMLMap } from "yaml";
import { versionWithoutNetworkName } from "../src/analysis/plan/declarations";
import { spanHasComment } from "../src/yaml/comments";
import { isFlow, nodeLines, pairLines } from "../src/yaml/layout";
import { insertLinesAfter } from "../src/yaml/line-edits";
import { blockMappingLines, flowText, quoteStyleOf } from "../src/yaml/render";
import { INSERT_ORDER } from "./lib/order";
import { inOrder, Transform, TransformContext, TransformResult } from "./lib/transform";

/** The top-level entries composemod declares: the internal network and, when missing, the proxy's. */
export function declarations(ctx: TransformContext): Record<string, Record<string, unknown>> {
  const { plan, model } = ctx;
  const out: Record<string, Record<string, unknown>> = {};
  if (plan.internal.declare) {
    const { driver, noEgress, name } = plan.internal;
    out[plan.internal.key] = {
      driver,
      ...(noEgress ? { internal: true } : {}),
      ...(name !== undefined ? { name } : {}),
    };
  }
  if (plan.proxy.declare) {
    const { key, realName } = plan.proxy;
    if (key === realName) out[key] = { external: true };
    else if (versionWithoutNetworkName(model.file.data.version)) {
      out[key] = { external: { name: realName } };
    } else out[key] = { external: true, name: realName };
  }
  return out;
}

function topLevelNetworksPair(root: YAMLMap): Pair | undefined {
  return root.items.find((p) => isScalar(p.key) && p.key.value === "networks") as Pair | undefined;
}

/** True when the file puts a blank line between its top-level sections. */
function separatesSections(ctx: TransformContext): boolean {
  const source = ctx.model.file.source;
  return ctx.model.file.root.items.some((pair, i) => {
    if (i === 0) return false;
    const line = source.lineOf((pair.key as Scalar).range![0]);
    return line > 0 && source.isBlankLine(line - 1);
  });
}

function apply(ctx: TransformContext): TransformResult {
  return inOrder(declare(ctx), INSERT_ORDER.declarations);
}

function declare(ctx: TransformContext): TransformResult {
  const result: TransformResult = { edits: [], warnings: [] };
  const entries = declarations(ctx);
  if (Object.keys(entries).length === 0) return result;
  const { source, root } = ctx.model.file;
  const style = ctx.model.style;
  const pair = topLevelNetworksPair(root);
  if (!pair) {
    if (root.flow) return { ...result, skip: "the file is a flow (JSON-style) mapping" };
    // at the top level's own column, which is not always the first
    const column = source.columnOf(root.range![0]);
    const lines = [
      `${" ".repeat(column)}networks:`,
      ...blockMappingLines(entries, column + style.indent, style),
    ];
    const text = source.text;
    const eol = source.eol;
    const marker = documentEndLine(ctx);
    if (marker !== undefined) {
      // before a `...` document end marker, or the block would open a second document
      const at = source.lineStart(marker);
      result.edits.push({ start: at, end: at, text: lines.join(eol) + eol });
      return result;
    }
    const blank = separatesSections(ctx) ? eol : "";
    if (source.finalNewline) {
      const trailingBlank = /(\r?\n){2}$/.test(text) || text.length === 0;
      const insert = (trailingBlank ? "" : blank) + lines.join(eol) + eol;
      result.edits.push({ start: text.length, end: text.length, text: insert });
    } else {
      const insert = eol + blank + lines.join(eol);
      result.edits.push({ start: text.length, end: text.length, text: insert });
    }
    return result;
  }
  const value = pair.value;
  const keyRange = (pair.key as Scalar).range!;
  const keyColumn = source.columnOf(keyRange[0]);
  if (value === null || (isScalar(value) && value.value === null)) {
    const span = pairLines(source, pair);
    const lines = blockMappingLines(entries, keyColumn + style.indent, style);
    result.edits.push(insertLinesAfter(source, span.last, lines));
    return result;
  }
  if (!isMap(value)) return { ...result, skip: "top-level `networks` is not a mapping" };
  if (isFlow(value)) {
    const span = nodeLines(source, value)!;
    if (span.first !== span.last && spanHasComment(source, span)) {
      return { ...result, skip: "top-level `networks` is a flow mapping with comments inside" };
    }
    const range = value.range!;
    const inner = source.text
      .slice(range[0] + 1, range[1] - 1)
      .trim()
      .replace(/,$/, "");
    const json = quoteStyleOf(value.items[0]?.key) === "double";
    const added = flowText(entries, json).slice(1, -1);
    result.edits.push({
      start: range[0],
      end: range[1],
      text: `{${inner ? `${inner}, ` : ""}${added}}`,
    });
    return result;
  }
  const items = value.items as Pair[];
  if (items.length === 0) return { ...result, skip: "top-level `networks` is empty" };
  const column = source.columnOf((items[0].key as Scalar).range![0]);
  const nested = nestedIndent(ctx, items, column) ?? style.indent;
  // first in the block, as the seed's own final form has it
  const keyLine = source.lineOf(keyRange[0]);
  const lines = blockMappingLines(entries, column, { ...style, indent: nested });
  result.edits.push(insertLinesAfter(source, keyLine, lines));
  return result;
}

/** The line of a `...` document end marker after the content, if the file has one. */
function documentEndLine(ctx: TransformContext): number | undefined {
  const { source, root } = ctx.model.file;
  const from = source.lastLineBefore(root.range![1]);
  for (let line = from; line < source.lineCount; line++) {
    if (/^\.\.\.(\s|$)/.test(source.lineText(line))) return line;
  }
  return undefined;
}

/** How far the existing entries indent their own settings. */
function nestedIndent(ctx: TransformContext, items: Pair[], column: number): number | undefined {
  const source = ctx.model.file.source;
  for (const item of items) {
    if (isMap(item.value) && !item.value.flow && item.value.items.length) {
      const child = item.value.items[0].key as Scalar;
      if (child.range) return source.columnOf(child.range[0]) - column;
    }
  }
  return undefined;
}

export const addInternalNetwork: Transform = {
  name: "add-internal-network",
  description:
    "declares the per-project internal bridge network and, when the file has none, the external proxy network",
  apply,
};
