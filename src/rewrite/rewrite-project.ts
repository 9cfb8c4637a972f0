import * as nodePath from "node:path";
import { classifyProject, Classification, RoleOverrides } from "../analysis/classify";
import { DEFAULT_PLAN_OPTIONS, PlanOptions } from "../analysis/plan/options";
import { planProject } from "../analysis/plan/plan-project";
import { editsService, Plan } from "../analysis/plan/types";
import { LoadedFile, LoadedProject, loadProject, ProjectLoad } from "../compose/load-project";
import { mergedModel } from "../compose/merge";
import { buildModel, ComposeModel } from "../compose/model";
import { diagnosticAt } from "../base/diagnostic";
import { failOutcome, FileResult, ServiceReport, unloadedOutcomes } from "./file-outcome";
import { Applied, applyPlan, firstEdit } from "./apply-plan";
import { splitPlan } from "./split-plan";

export interface RewriteOptions extends PlanOptions {
  overrides?: RoleOverrides;
}

export type { FileResult } from "./file-outcome";

/** What a rewrite of a project found: an outcome for each of its files, included files too. */
export interface ProjectRewrite {
  project: string;
  files: FileResult[];
  /** The loaded project, when its files could be read. */
  loaded?: LoadedProject;
  plan?: Plan;
  roles?: Map<string, Classification>;
}

export function servicesReport(roles: Map<string, Classification>): Record<string, ServiceReport> {
  const out: Record<string, ServiceReport> = {};
  for (const [name, c] of roles) out[name] = { role: c.role, rule: c.rule, reason: c.reason };
  return out;
}

/** Classifies and plans a loaded project: the same decisions for rewrite, audit and graph. */
export function analyseProject(
  project: LoadedProject,
  options: RewriteOptions,
): { roles: Map<string, Classification>; plan: Plan } {
  const { roles, warnings } = classifyProject(project.view, project.name, options.overrides);
  const plan = planProject(
    {
      model: project.merged,
      roles,
      project: project.name,
      warnings: [...project.warnings, ...warnings],
    },
    options,
  );
  return { roles, plan };
}

/**
 * Rewrites a project: its files as Compose reads them together (a base file, its overrides, the
 * files they include), classified and planned on their merged view, each edit in the file where
 * its key lives, every result parsed again and verified, and a second run planned on the result
 * to be sure it changes nothing. All the files change, or none. Never throws for bad input.
 */
export function rewriteProject(load: ProjectLoad, options: RewriteOptions): ProjectRewrite {
  if (load.kind === "failed") {
    return { project: load.name, files: unloadedOutcomes(load.name, load.files, load.failure) };
  }
  const project = load.project;
  const { roles, plan } = analyseProject(project, options);
  const report = servicesReport(roles);
  const results = project.files.map((f, i): FileResult => ({
    path: f.path,
    project: project.name,
    status: plan.action === "skip" ? "skipped" : "unchanged",
    reasonCode: plan.reasonCode,
    reason: plan.reason,
    services: Object.fromEntries(f.model.services.map((s) => [s.name, report[s.name]])),
    warnings: i === 0 ? [...plan.warnings] : [],
    diff: "",
    input: f.text,
    output: f.text,
    plan,
  }));
  const done = { project: project.name, files: results, loaded: project, plan, roles };
  if (plan.action !== "change") return done;
  const models = project.files.map((f) => f.model);
  const plans = splitPlan(plan, models);
  const applied: Applied[] = project.files.map((f, i) =>
    f.editable || !touches(plans[i])
      ? applyPlan(f.model, plans[i], f.path)
      : {
          kind: "skipped",
          reason:
            f.kind === "include"
              ? `a change falls to ${f.path}, which is included from outside the project or the paths given (by its real path); composemod edits only the project's own files`
              : `a change falls to ${f.path}, whose real path lies outside the paths given; composemod writes only below them`,
          warnings: [],
        },
  );
  applied.forEach((a, i) => results[i].warnings.push(...a.warnings));
  const failed = applied.findIndex((a) => a.kind === "error" || a.kind === "skipped");
  if (failed !== -1) {
    const a = applied[failed];
    const why = a.kind === "skipped" ? a.reason : a.kind === "error" ? a.diagnostic.message : "";
    const single = project.files.length === 1;
    results.forEach((r, i) => {
      if (i === failed && a.kind === "error") return failOutcome(r, a.diagnostic);
      r.status = "skipped";
      r.reasonCode = "cannot-edit";
      r.reason = single
        ? why
        : `${project.files[failed].path} of this project cannot be rewritten: ${why}`;
    });
    return done;
  }
  const again = rerun(project, applied, plan, options);
  results.forEach((r, i) => {
    const a = applied[i];
    if (a.kind !== "changed") return;
    if (again.action === "change") {
      const what = project.files.length === 1 ? "the file" : "the project";
      const d = diagnosticAt(
        project.files[i].file.source,
        r.path,
        firstEdit(a.edits),
        "verify-failed",
        `the rewrite did not verify: a second run would change ${what} again; left unchanged`,
      );
      return failOutcome(r, d);
    }
    r.status = "changed";
    r.output = a.output;
    r.edits = a.edits;
  });
  return done;
}

/** True when a file's share of the plan would change it. */
function touches(plan: Plan): boolean {
  return (
    plan.internal.declare ||
    plan.proxy.declare ||
    plan.modernize.length > 0 ||
    plan.services.some(editsService)
  );
}

/** The plan for the rewritten project, classified afresh: a role that held only before would undo the rewrite on the next run. */
function rerun(
  project: LoadedProject,
  applied: Applied[],
  plan: Plan,
  options: RewriteOptions,
): Plan {
  const models: ComposeModel[] = project.files.map((f: LoadedFile, i) => {
    const a = applied[i];
    return a.kind === "changed" ? buildModel(a.parsed, project.variables, f.absolute) : f.model;
  });
  const view = mergedModel(models, true, project.readExtended);
  const { roles } = classifyProject(view, project.name, options.overrides);
  return planProject(
    { model: mergedModel(models, false), roles, project: project.name },
    // the proxy network the rewrite settled on, so that a second run reads it the same way
    {
      ...options,
      proxyNetwork: options.proxyNetwork ?? (plan.proxy.used ? plan.proxy.realName : undefined),
    },
  );
}

/**
 * Rewrites one compose file's text as a project of its own, reading nothing from disk: no
 * `.env`, no included or extended files. What the command line does for one file, for a
 * library user who holds the text.
 */
export function rewriteText(
  text: string,
  path: string,
  options: Partial<RewriteOptions> = {},
): FileResult {
  const absolute = nodePath.resolve(path);
  const load = loadProject({
    dir: nodePath.dirname(absolute),
    files: [{ path, absolute, text }],
    readText: () => ({ code: "ENOENT" }),
    show: (p) => p,
  });
  const result = rewriteProject(load, { ...DEFAULT_PLAN_OPTIONS, ...options });
  return result.files[0];
}
