import type { Edit } from "./apply-edits";
import type { ComposeModel } from "./model";
import type { FilePlan } from "./plan";

export interface TransformContext {
  model: ComposeModel;
  plan: FilePlan;
}

export interface TransformResult {
  edits: Edit[];
  warnings: string[];
  /** Set when the file cannot be edited safely (a flow collection, a shared anchor): the file is left alone. */
  skip?: string;
}

/** A pure step of the rewrite: reads the parsed file and the plan, returns text edits. */
export interface Transform {
  name: string;
  description: string;
  apply(ctx: TransformContext): TransformResult;
}

export function noEdits(): TransformResult {
  return { edits: [], warnings: [] };
}

/** Concatenates results; the first reason to skip wins. */
export function combineResults(results: TransformResult[]): TransformResult {
  return {
    edits: results.flatMap((r) => r.edits),
    warnings: results.flatMap((r) => r.warnings),
    skip: results.find((r) => r.skip)?.skip,
  };
}
