import { visit } from "yaml";
import type { Plan } from "../analysis/plan/types";
import { ComposeFile, parseComposeFile } from "../compose/compose-file";
import type { ComposeModel } from "../compose/model";
import { Diagnostic, diagnosticAt } from "../base/diagnostic";
import type { Warning } from "../base/warning";
import { applyEdits, Edit, OverlappingEditsError } from "../yaml/apply-edits";
import { settleInheritance } from "./settle-inheritance";
import { Transform, TRANSFORMS } from "./transforms";
import { verifyAgainstPlan } from "./verify";

/** The outcome of carrying out a plan on one parsed file. */
export type Applied =
  | { kind: "changed"; output: string; edits: Edit[]; parsed: ComposeFile; warnings: Warning[] }
  | { kind: "unchanged"; warnings: Warning[] }
  | { kind: "skipped"; reason: string; warnings: Warning[] }
  | { kind: "error"; diagnostic: Diagnostic; warnings: Warning[] };

/**
 * Carries out a plan on one file: the transforms' edits (with what services inherit through
 * anchors settled), applied to the original text, parsed again and checked against the plan.
 * Nothing here decides what the file should become.
 */
export function applyPlan(
  model: ComposeModel,
  plan: Plan,
  path: string,
  transforms: readonly Transform[] = TRANSFORMS,
): Applied {
  const result = settleInheritance(model, plan, transforms);
  const warnings = result.warnings;
  if (result.skip) return { kind: "skipped", reason: result.skip, warnings };
  const text = model.file.source.text;
  const fail = (message: string, offset: number): Applied => ({
    kind: "error",
    diagnostic: diagnosticAt(model.file.source, path, offset, "verify-failed", message),
    warnings,
  });
  let output: string;
  try {
    output = applyEdits(text, result.edits);
  } catch (error) {
    if (error instanceof OverlappingEditsError) {
      return fail(
        `composemod planned two edits at one place (${error.message})`,
        error.second.start,
      );
    }
    throw error;
  }
  if (output === text) return { kind: "unchanged", warnings };
  const reparsed = parseComposeFile(output, path, {
    servicesOptional: model.file.data.services == null,
  });
  if (reparsed.kind !== "ok") {
    const why = reparsed.kind === "error" ? reparsed.diagnostic.message : reparsed.reason;
    return fail(
      `the rewritten file does not parse (${why}); left unchanged`,
      firstEdit(result.edits),
    );
  }
  const problems = verifyAgainstPlan(model, plan, reparsed.file);
  const anchor = problems.length ? anchorReached(model, result.edits) : undefined;
  if (anchor) {
    // what the edits of an anchor do elsewhere that no key of a service's own can undo
    const reason = `an edit to &${anchor} would change other places of the file that use it: ${problems.join("; ")}`;
    return { kind: "skipped", reason, warnings };
  }
  if (problems.length) {
    return fail(
      `the rewrite did not verify: ${problems.join("; ")}; left unchanged`,
      firstEdit(result.edits),
    );
  }
  return { kind: "changed", output, edits: result.edits, parsed: reparsed.file, warnings };
}

/**
 * An anchor whose node an edit lands inside while an alias elsewhere still refers to it (an
 * alias that an edit replaces whole does not count): where the edit may change that other place too.
 */
function anchorReached(model: ComposeModel, edits: Edit[]): string | undefined {
  if (model.referencedAnchors.size === 0) return undefined;
  const source = model.file.source;
  const inside = (range: number[], e: Edit) => {
    if (e.start === e.end && /^\r?\n/.test(e.text)) {
      // new lines after line L join whatever block they sit in, its first line to one past its last
      const landing = source.lineOf(e.start) + 1;
      const first = source.lineOf(range[0]);
      const last = source.lastLineBefore(range[1]);
      if (landing > first && landing <= last) return true;
      // at either end of the block: inside when indented like the block's own lines
      const indent = /^\r?\n( *)/.exec(e.text)![1].length;
      return (landing === first || landing === last + 1) && indent >= source.columnOf(range[0]);
    }
    return e.start < range[1] && (e.end > range[0] || (e.start === e.end && e.start > range[0]));
  };
  const replaced = (range: number[]) =>
    edits.some((e) => e.end > e.start && e.start <= range[0] && range[1] <= e.end);
  let reason: string | undefined;
  visit(model.file.doc, {
    Node(_key, node) {
      const anchor = (node as { anchor?: string }).anchor;
      const range = node.range;
      if (!anchor || !range || !model.referencedAnchors.has(anchor)) return undefined;
      if (!edits.some((e) => inside(range, e))) return undefined;
      const aliases = model.referencedAnchors.get(anchor)!;
      if (aliases.every((a) => a.range && replaced(a.range))) return undefined;
      reason = anchor;
      return visit.BREAK;
    },
  });
  return reason;
}

export function firstEdit(edits: Edit[]): number {
  return edits.reduce((min, e) => Math.min(min, e.start), Infinity) || 0;
}
