import type { Scalar } from "yaml";
import { legacyExternal } from "../src/compose/editability";
import { pairLines } from "../src/yaml/layout";
import { replaceLines } from "../src/yaml/line-edits";
import type { Transform, TransformContext, TransformResult } from "./lib/transform";

/**
 * `external: {name: x}` as `external: true` and `name: x`, at the same indentation; the plan
 * names only the networks whose legacy form can be rewritten line for line.
 */
function apply(ctx: TransformContext): TransformResult {
  const result: TransformResult = { edits: [], warnings: [] };
  const source = ctx.model.file.source;
  for (const key of ctx.plan.modernize) {
    const legacy = legacyExternal(ctx.model, key)!;
    const span = pairLines(source, legacy.external);
    const column = " ".repeat(source.columnOf((legacy.external.key as Scalar).range![0]));
    const name = source.text.slice(legacy.name.range![0], legacy.name.range![1]);
    result.edits.push(
      replaceLines(source, span, [`${column}external: true`, `${column}name: ${name}`]),
    );
  }
  return result;
}

export const modernizeNetworks: Transform = {
  name: "modernize-networks",
  description:
    "with --modernize, rewrites legacy `external: {name: x}` networks as `external: true` and `name: x`",
  apply,
};
