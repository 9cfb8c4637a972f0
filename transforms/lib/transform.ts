import type { Plan } from "../../src/analysis/plan/types";
import type { InheritableKey } from "../../src/compose/inheritance";
import type { ComposeModel, ServiceModel } from "../../src/compose/model";
import type { Warning } from "../../src/base/warning";
import type { Edit } from "../../src/yaml/apply-edits";

/** What a transform reads: one parsed file and the part of the plan that falls to it. */
export interface TransformContext {
  model: ComposeModel;
  plan: Plan;
  /**
   * Set by a rewrite that settles what services inherit through anchors (see
   * `src/rewrite/settle-inheritance.ts`): a key that a service gets through a merge key or an
   * alias is left alone, since editing the anchor may already give it the planned value, unless
   * it is named here; a named key is written in the service as its own. Without it, every
   * such key that must change is written as the service's own.
   */
  ownKeys?: ReadonlyMap<string, ReadonlySet<InheritableKey>>;
  /**
   * The model's services by name, made once for the file by the rewrite so that finding a
   * service is no search (a file may have thousands); without it, the model's list is searched.
   */
  services?: ReadonlyMap<string, ServiceModel>;
}

export interface TransformResult {
  edits: Edit[];
  warnings: Warning[];
  /** Set when the file cannot be edited safely (a flow collection, a shared anchor): the file is left alone. */
  skip?: string;
}

/** A pure step of the rewrite: reads the parsed file and the plan, returns text edits. */
export interface Transform {
  name: string;
  description: string;
  apply(ctx: TransformContext): TransformResult;
}

/** Concatenates results; the first reason to skip wins. */
export function combineResults(results: TransformResult[]): TransformResult {
  return {
    edits: results.flatMap((r) => r.edits),
    warnings: results.flatMap((r) => r.warnings),
    skip: results.find((r) => r.skip)?.skip,
  };
}

/** Gives every edit of a result the same place among insertions at one offset. */
export function inOrder(result: TransformResult, order: number): TransformResult {
  return { ...result, edits: result.edits.map((e) => ({ ...e, order })) };
}
