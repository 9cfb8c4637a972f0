import * as nodePath from "node:path";
import { classifyServices } from "./classify";
import { diagnosticAt } from "./diagnostic";
import {
  addIncludedNetworks,
  applyPlan,
  errorResult,
  Applied,
  MigrateOptions,
  MigrateResult,
  migrateText,
  projectOf,
  servicesReport,
} from "./migrate";
import { mergedModel } from "./merge";
import { buildModel, ComposeModel, Membership, sameMembership } from "./model";
import { parseCompose, ParsedFile } from "./parse";
import { FilePlan, planFile, ServicePlan } from "./plan";

/** The file names Compose reads by itself, in its order of preference. */
export const BASE_FILE_NAMES = [
  "compose.yaml",
  "compose.yml",
  "docker-compose.yaml",
  "docker-compose.yml",
];
const OVERRIDE_FILE_NAME = /^(compose|docker-compose)\.override\.ya?ml$/;

/**
 * Groups files into what Compose reads together: a directory's base file with the override files
 * beside it. Every other file is a unit of its own. Units keep the order of their first file.
 */
export function groupProjects(files: string[]): string[][] {
  const byDir = new Map<string, string[]>();
  for (const file of files) {
    const dir = nodePath.dirname(file);
    byDir.set(dir, [...(byDir.get(dir) ?? []), file]);
  }
  const unitOf = new Map<string, string[]>();
  for (const inDir of byDir.values()) {
    const names = inDir.map((f) => nodePath.basename(f));
    const baseName = BASE_FILE_NAMES.find((n) => names.includes(n));
    // Compose reads the override of the base file's own family: compose.* or docker-compose.*
    const family = baseName?.startsWith("docker-") ? "docker-compose" : "compose";
    const overrides = inDir.filter((f) => {
      const m = OVERRIDE_FILE_NAME.exec(nodePath.basename(f));
      return m !== null && m[1] === family;
    });
    if (baseName && overrides.length) {
      const unit = [inDir[names.indexOf(baseName)], ...overrides];
      for (const f of unit) unitOf.set(f, unit);
    }
  }
  const units: string[][] = [];
  const placed = new Set<string[]>();
  for (const file of files) {
    const unit = unitOf.get(file);
    if (!unit) units.push([file]);
    else if (!placed.has(unit)) {
      placed.add(unit);
      units.push(unit);
    }
  }
  return units;
}

/** The part of a project's plan that falls to one of its files. */
function planForFile(plan: FilePlan, models: ComposeModel[], index: number): FilePlan {
  const model = models[index];
  const services = plan.services.flatMap((sp) => {
    const own = model.services.find((s) => s.name === sp.name);
    return own ? [serviceForFile(sp, models, index)] : [];
  });
  return {
    ...plan,
    services,
    internal: { ...plan.internal, declare: plan.internal.declare && index === 0 },
    proxy: { ...plan.proxy, declare: plan.proxy.declare && index === 0 },
  };
}

function serviceForFile(sp: ServicePlan, models: ComposeModel[], index: number): ServicePlan {
  const inFile = (i: number) => models[i].services.find((s) => s.name === sp.name);
  const own = inFile(index)!;
  const listing = (i: number) => {
    const s = inFile(i);
    return s && !s.implicitNetworks ? s.membership : null;
  };
  // where new entries go: the first file that lists the service's networks, else its first file
  const listed = models.findIndex((_m, i) => listing(i) !== null);
  const home = listed !== -1 ? listed : models.findIndex((_m, i) => inFile(i)?.node);
  const mine = listing(index);
  let after: Membership[] | null = own.membership;
  if (sp.networksChanged && sp.after && sp.before) {
    const target = new Map(sp.after.map((m) => [m.key, m]));
    const beforeKeys = new Set(sp.before.map((m) => m.key));
    const added = sp.after.filter((m) => !beforeKeys.has(m.key));
    if (mine !== null) {
      const kept = mine.filter((m) => target.has(m.key)).map((m) => target.get(m.key)!);
      const extra = index === home || kept.length === 0 ? added : [];
      after = [...kept, ...extra];
      if (after.length === 0) after = [sp.after[0]];
    } else if (index === home) after = sp.after;
  }
  const offset = models
    .slice(0, index)
    .reduce((n, m) => n + (m.services.find((s) => s.name === sp.name)?.ports.length ?? 0), 0);
  const commentPorts = sp.commentPorts
    .filter((i) => i >= offset && i < offset + own.ports.length)
    .map((i) => i - offset);
  const labelHome = models.findIndex((_m, i) => inFile(i)?.pair);
  return {
    ...sp,
    before: own.membership,
    after,
    networksChanged: !sameMembership(after, own.membership),
    ports: own.ports.map((p) => p.text),
    commentPorts,
    addLabels: index === labelHome ? sp.addLabels : [],
  };
}

export interface ProjectFile {
  path: string;
  text: string;
}

/**
 * Rewrites the files Compose reads together as one project: roles and the plan come from their
 * merged view, and each edit goes to the file where its key lives. All the files change, or none.
 */
export function migrateProject(files: ProjectFile[], options: MigrateOptions): MigrateResult[] {
  if (files.length < 2) return files.map((f) => migrateText(f.text, f.path, options));
  // the overrides may hold networks alone; the base file has the services
  const parsed = files.map((f, i) => parseCompose(f.text, f.path, { servicesOptional: i > 0 }));
  const broken = parsed.findIndex((p) => p.kind !== "ok");
  if (broken !== -1) {
    // all or none: a file of the project that cannot be read stops the others too
    const bad = parsed[broken];
    const why =
      bad.kind === "error" ? bad.diagnostic.message : bad.kind === "skipped" ? bad.reason : "";
    return files.map((f, i) => {
      const own = parsed[i];
      const base = { services: {}, warnings: [], output: f.text, project: options.project };
      if (own.kind === "error") return errorResult(base, own.diagnostic);
      return {
        ...base,
        status: "skipped",
        reason: `${files[broken].path} of this project cannot be read (${why}); the project is left as it is`,
      };
    });
  }
  const parsedFiles = parsed.map((p) => (p as { file: ParsedFile }).file);
  const models = parsedFiles.map((f) => addIncludedNetworks(buildModel(f), options));
  const project = projectOf(parsedFiles[0], options.project) ?? "";
  const roles = classifyServices(
    mergedModel(models, true, options.readIncluded),
    project,
    options.overrides,
  );
  const plan = planFile(mergedModel(models, false), roles, { ...options, project });
  const report = (model: ComposeModel) => {
    const all = servicesReport(roles);
    return Object.fromEntries(model.services.map((s) => [s.name, all[s.name]]));
  };
  const results: MigrateResult[] = files.map((f, i) => ({
    status: plan.action === "skip" ? "skipped" : "unchanged",
    reason: plan.reason,
    services: report(models[i]),
    warnings: i === 0 ? [...plan.warnings] : [],
    output: f.text,
    project,
    plan,
  }));
  if (plan.action !== "change") return results;
  const applied: Applied[] = models.map((m, i) =>
    applyPlan(m, planForFile(plan, models, i), files[i].path),
  );
  applied.forEach((a, i) => results[i].warnings.push(...a.warnings));
  const failed = applied.findIndex((a) => a.kind === "error" || a.kind === "skipped");
  if (failed !== -1) {
    const a = applied[failed];
    const why = a.kind === "skipped" ? a.reason : a.kind === "error" ? a.diagnostic.message : "";
    return results.map((r, i) => {
      if (i === failed && a.kind === "error") return errorResult(r, a.diagnostic);
      return {
        ...r,
        status: "skipped",
        reason: `${files[failed].path} of this project cannot be rewritten: ${why}`,
      };
    });
  }
  const after = models.map((m, i) => {
    const a = applied[i];
    return a.kind === "changed" ? buildModel(a.parsed) : m;
  });
  const again = planFile(
    mergedModel(after, false),
    classifyServices(mergedModel(after, true, options.readIncluded), project, options.overrides),
    {
      ...options,
      project,
      proxyNetwork: plan.proxy.realName,
    },
  );
  return results.map((r, i) => {
    const a = applied[i];
    if (a.kind !== "changed") return r;
    if (again.action === "change") {
      const message =
        "the rewrite did not verify: a second run would change the project again; left unchanged";
      const d = diagnosticAt(
        parsedFiles[i].source,
        files[i].path,
        a.edits[0]?.start ?? 0,
        "verify-failed",
        message,
      );
      return errorResult(r, d);
    }
    return { ...r, status: "changed", reason: plan.reason, output: a.output, edits: a.edits };
  });
}
