import { TRANSFORMS } from "../transforms";
import { applyEdits, Edit, OverlappingEditsError } from "./apply-edits";
import { classifyServices, Classification, Role, RoleOverrides } from "./classify";
import { Diagnostic, diagnosticAt } from "./diagnostic";
import { parseDocument, visit } from "yaml";
import { mergedModel } from "./merge";
import { buildModel, ComposeModel, readNetworks } from "./model";
import { MAX_ALIAS_COUNT, parseCompose, ParsedFile } from "./parse";
import { FilePlan, PlanOptions, planFile } from "./plan";
import { combineResults } from "./transform";
import { verifyAgainstPlan } from "./verify";

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
  /** Reads a file named by `include:` or `extends: {file}`, relative to the compose file; none: not read. */
  readIncluded?: (path: string) => string | undefined;
}

/**
 * Adds the networks that files named by `include:` declare, so that they are not declared again
 * (and a service's use of them is not taken for a fragment's).
 */
export function addIncludedNetworks(model: ComposeModel, options: MigrateOptions): ComposeModel {
  const include = model.file.data.include;
  if (!Array.isArray(include) || !options.readIncluded) return model;
  const networks = new Map(model.networks);
  for (const entry of include) {
    const paths =
      typeof entry === "string" ? [entry] : [(entry as { path?: unknown })?.path].flat();
    for (const path of paths) {
      if (typeof path !== "string") continue;
      const text = options.readIncluded(path);
      if (text === undefined) continue;
      // an included file need not have services: only its networks are read
      const doc = parseDocument(text, { merge: true, logLevel: "error" });
      if (doc.errors.length) continue;
      const data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown> | null;
      for (const [key, decl] of readNetworks(data?.networks)) {
        if (!networks.has(key)) networks.set(key, decl);
      }
    }
  }
  return { ...model, networks };
}

export function servicesReport(roles: Map<string, Classification>): Record<string, ServiceReport> {
  const out: Record<string, ServiceReport> = {};
  for (const [name, c] of roles) out[name] = { role: c.role, reason: c.reason };
  return out;
}

/** The outcome of carrying out a plan on one parsed file. */
export type Applied =
  | { kind: "changed"; output: string; edits: Edit[]; parsed: ParsedFile; warnings: string[] }
  | { kind: "unchanged"; warnings: string[] }
  | { kind: "skipped"; reason: string; warnings: string[] }
  | { kind: "error"; diagnostic: Diagnostic; warnings: string[] };

/**
 * Carries out a plan on one file: the transforms' edits, applied to the original text, parsed
 * again and checked against the plan. Nothing here decides what the file should become.
 */
export function applyPlan(model: ComposeModel, plan: FilePlan, path: string): Applied {
  const result = combineResults(TRANSFORMS.map((t) => t.apply({ model, plan })));
  const warnings = result.warnings;
  if (result.skip) return { kind: "skipped", reason: result.skip, warnings };
  const shared = editsReachingAliases(model, result.edits);
  if (shared) return { kind: "skipped", reason: shared, warnings };
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
  const reparsed = parseCompose(output, path);
  if (reparsed.kind !== "ok") {
    const why = reparsed.kind === "error" ? reparsed.diagnostic.message : reparsed.reason;
    return fail(
      `the rewritten file does not parse (${why}); left unchanged`,
      firstEdit(result.edits),
    );
  }
  const problems = verifyAgainstPlan(model, plan, reparsed.file);
  if (problems.length) {
    return fail(
      `the rewrite did not verify: ${problems.join("; ")}; left unchanged`,
      firstEdit(result.edits),
    );
  }
  return { kind: "changed", output, edits: result.edits, parsed: reparsed.file, warnings };
}

/** The model classification looks at: services with what they inherit through `extends`. */
function withExtends(model: ComposeModel, options: MigrateOptions): ComposeModel {
  return model.services.some((s) => s.data.extends)
    ? mergedModel([model], true, options.readIncluded)
    : model;
}

/** The project name a file asks for with a top-level `name:`, else the given one. */
export function projectOf(file: ParsedFile, fallback: string | undefined): string | undefined {
  const named = file.data.name;
  return typeof named === "string" && named ? named : fallback;
}

/**
 * Rewrites one compose file's text: parse, classify, plan, transform, apply, verify. Never
 * throws for bad input; a file that cannot be rewritten safely comes back unchanged with a reason.
 */
export function migrateText(text: string, path: string, options: MigrateOptions): MigrateResult {
  const base = { services: {}, warnings: [], output: text, project: options.project };
  const parsed = parseCompose(text, path);
  if (parsed.kind === "error") return errorResult(base, parsed.diagnostic);
  if (parsed.kind === "skipped") return { ...base, status: "skipped", reason: parsed.reason };
  const model = addIncludedNetworks(buildModel(parsed.file), options);
  const project = projectOf(parsed.file, options.project);
  // classified with what services inherit through `extends`
  const roles = classifyServices(withExtends(model, options), project ?? "", options.overrides);
  const plan = planFile(model, roles, { ...options, project });
  const known = { ...base, project, services: servicesReport(roles), plan };
  if (plan.action !== "change") {
    const status = plan.action === "skip" ? "skipped" : "unchanged";
    return { ...known, warnings: plan.warnings, status, reason: plan.reason };
  }
  const applied = applyPlan(model, plan, path);
  const warnings = [...plan.warnings, ...applied.warnings];
  if (applied.kind === "error") return { ...errorResult(known, applied.diagnostic), warnings };
  if (applied.kind !== "changed") {
    const reason = applied.kind === "skipped" ? applied.reason : plan.reason;
    return { ...known, warnings, status: applied.kind, reason };
  }
  // classified afresh: a role that only held before the rewrite would undo it on the next run
  const again = buildModel(applied.parsed);
  const rerun = planFile(
    again,
    classifyServices(withExtends(again, options), project ?? "", options.overrides),
    {
      ...options,
      project,
      proxyNetwork: plan.proxy.realName,
    },
  );
  if (rerun.action === "change") {
    const d = diagnosticAt(
      parsed.file.source,
      path,
      firstEdit(applied.edits),
      "verify-failed",
      "the rewrite did not verify: a second run would change the file again; left unchanged",
    );
    return { ...errorResult(known, d), warnings };
  }
  const { output, edits } = applied;
  return { ...known, warnings, output, edits, status: "changed", reason: plan.reason };
}

/** A result that is the error `d`, keeping what `base` already knows of the file. */
export function errorResult<T extends { output: string }>(
  base: T,
  d: Diagnostic,
): T & MigrateResult {
  return {
    services: {},
    warnings: [],
    ...base,
    status: "error",
    reason: `${d.path}:${d.line}:${d.col}: ${d.message}`,
    diagnostic: d,
  } as T & MigrateResult;
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
