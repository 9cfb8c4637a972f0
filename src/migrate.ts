import { TRANSFORMS } from "../transforms";
import { applyEdits, Edit, OverlappingEditsError } from "./apply-edits";
import { classifyServices, Classification, Role, RoleOverrides } from "./classify";
import { Diagnostic, diagnosticAt } from "./diagnostic";
import { visit } from "yaml";
import { buildModel, ComposeModel } from "./model";
import { parseCompose } from "./parse";
import { FilePlan, PlanOptions, planFile } from "./plan";
import { combineResults } from "./transform";
import { verifyResult } from "./verify";

export type FileStatus = "changed" | "unchanged" | "skipped" | "error";

export interface ServiceReport {
  role: Role;
  reason: string;
}

/** The outcome of rewriting one file's text. */
export interface MigrateResult {
  status: FileStatus;
  reason: string;
  services: Record<string, ServiceReport>;
  warnings: string[];
  /** The rewritten text (equal to the input unless status is `changed`). */
  output: string;
  diagnostic?: Diagnostic;
  plan?: FilePlan;
  /** The file's top-level `name:`, when it sets one. */
  project?: string;
  /** The edits that made `output`, when it changed. */
  edits?: Edit[];
}

export interface MigrateOptions extends PlanOptions {
  overrides?: RoleOverrides;
  /** Project name used by `project/service` overrides. */
  project?: string;
}

function servicesReport(roles: Map<string, Classification>): Record<string, ServiceReport> {
  const out: Record<string, ServiceReport> = {};
  for (const [name, c] of roles) out[name] = { role: c.role, reason: c.reason };
  return out;
}

/**
 * Rewrites one compose file's text: parse, classify, plan, transform, apply, verify. Never
 * throws for bad input; a file that cannot be rewritten safely comes back unchanged with a reason.
 */
export function migrateText(text: string, path: string, options: MigrateOptions): MigrateResult {
  const base = { services: {}, warnings: [], output: text, project: options.project };
  const parsed = parseCompose(text, path);
  if (parsed.kind === "error") {
    const d = parsed.diagnostic;
    return {
      ...base,
      status: "error",
      reason: `${d.path}:${d.line}:${d.col}: ${d.message}`,
      diagnostic: d,
    };
  }
  if (parsed.kind === "skipped") return { ...base, status: "skipped", reason: parsed.reason };
  const model = buildModel(parsed.file);
  const named = parsed.file.data.name;
  const project = typeof named === "string" && named ? named : options.project;
  const roles = classifyServices(model, project ?? "", options.overrides);
  const services = servicesReport(roles);
  base.project = project;
  const plan = planFile(model, roles, options);
  const warnings = [...plan.warnings];
  if (plan.action === "skip")
    return { ...base, services, warnings, status: "skipped", reason: plan.reason, plan };
  if (plan.action === "keep")
    return { ...base, services, warnings, status: "unchanged", reason: plan.reason, plan };

  const result = combineResults(TRANSFORMS.map((t) => t.apply({ model, plan })));
  warnings.push(...result.warnings);
  if (result.skip) {
    return { ...base, services, warnings, status: "skipped", reason: result.skip, plan };
  }
  const shared = editsReachingAliases(model, result.edits);
  if (shared) {
    return { ...base, services, warnings, status: "skipped", reason: shared, plan };
  }
  const fail = (message: string, offset = 0): MigrateResult => {
    const diagnostic = diagnosticAt(parsed.file.source, path, offset, "verify-failed", message);
    return {
      ...base,
      services,
      warnings,
      status: "error",
      reason: `${path}:${diagnostic.line}:${diagnostic.col}: ${message}`,
      diagnostic,
      plan,
    };
  };
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
  const reparsed = parseCompose(output, path);
  if (reparsed.kind !== "ok") {
    const why = reparsed.kind === "error" ? reparsed.diagnostic.message : reparsed.reason;
    return fail(
      `the rewritten file does not parse (${why}); left unchanged`,
      firstEdit(result.edits),
    );
  }
  const problems = verifyResult(model, plan, reparsed.file, { ...options, project });
  if (problems.length) {
    return fail(
      `the rewrite did not verify: ${problems.join("; ")}; left unchanged`,
      firstEdit(result.edits),
    );
  }
  if (output === text)
    return { ...base, services, warnings, status: "unchanged", reason: plan.reason, plan };
  return {
    ...base,
    services,
    warnings,
    output,
    status: "changed",
    reason: plan.reason,
    plan,
    edits: result.edits,
  };
}

/**
 * A reason to leave the file alone when an edit lands inside an anchored node that an alias
 * elsewhere still refers to: the edit would change that other place too. An alias that an edit
 * replaces whole is not a problem.
 */
function editsReachingAliases(model: ComposeModel, edits: Edit[]): string | undefined {
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
      reason = `an edit would change &${anchor}, which other places of the file use too`;
      return visit.BREAK;
    },
  });
  return reason;
}

function firstEdit(edits: Edit[]): number {
  return edits.reduce((min, e) => Math.min(min, e.start), Infinity) || 0;
}
