import * as nodePath from "node:path";
import type { AuditProject } from "../analysis/audit-model";
import { hostIndex, hostSlice, ProjectFacts } from "../analysis/host-index";
import type { Diagnostic } from "../base/diagnostic";
import { diagnosticAt } from "../base/diagnostic";
import type { Warning } from "../base/warning";
import { PackedUnitAudit, UnitAudit, UnitAuditOptions, unpackUnitAudit } from "./audit-unit";
import { describeMissing, discover } from "./discover";
import type { SettingsFor } from "./batch-options";
import { auditUnits } from "./pool";
import { displayPath } from "./read-files";
import { projectUnits } from "./units";

/** A host as the audit reads it from its files: every project now and after `composemod --write`. */
export interface AuditedHost {
  projects: AuditProject[];
  /** The same projects as the rewrite would leave them, in the same order. */
  after: AuditProject[];
  /** The rewrite's edits of each project that has some, as SARIF `fixes` text, by project (index into `projects`). */
  fixes: Map<number, string>;
  errors: Diagnostic[];
  warnings: Warning[];
  /** How many compose files the paths led to. */
  discovered: number;
}

/** What an audit of files is asked: the rewrite's options, the walk's, the pool's. */
export interface AuditHostOptions extends UnitAuditOptions {
  ignore: string[];
  /** A directory walk follows links outside the paths given too. */
  followSymlinks?: boolean;
  jobs: number;
  /** Each project's own settings over these. */
  settingsFor?: SettingsFor;
}

/**
 * Directories that Compose would take for one project: their project names are the same once
 * normalised (`My App` and `myapp`). Compose merges them, networks and all, and their owners
 * rarely know. (Files of one directory read apart are one project on purpose: alternatives for
 * `docker compose -f`.)
 */
export function sharedProjectNames(units: { name: string; dir: string }[]): Warning[] {
  const byName = new Map<string, Set<string>>();
  for (const u of units) byName.set(u.name, (byName.get(u.name) ?? new Set()).add(u.dir));
  const out: Warning[] = [];
  for (const [name, dirs] of byName) {
    if (dirs.size < 2) continue;
    out.push({
      code: "project-name-shared",
      message: `the directories ${[...dirs].map((d) => `\`${d}\``).join(", ")} are all the Compose project \`${name}\`: Compose takes them for one project (their containers, networks and volumes are one project's); give each its own \`name:\` or COMPOSE_PROJECT_NAME`,
    });
  }
  return out;
}

/**
 * Audits every unit, in two rounds: every project first, as if it were alone on the host (those
 * that declare a network with a fixed `name:` are only read), then again, knowing the others,
 * those whose plans depend on them: a network with a fixed name, a service another project
 * reaches by name over a shared network, a name a service reaches that only another project
 * can answer. Every file is parsed once, or twice for those few.
 */
async function auditAll(
  units: string[][],
  options: UnitAuditOptions,
  jobs: number,
  cwd: string,
  settings: (index: number) => Partial<UnitAuditOptions> | undefined,
): Promise<UnitAudit[]> {
  const packed: PackedUnitAudit[] = new Array(units.length);
  await auditUnits(
    units,
    { ...options, deferFixedNames: true },
    jobs,
    cwd,
    (i, result) => {
      packed[i] = result;
    },
    settings,
  );
  const results = packed.map(unpackUnitAudit);
  const facts = results.map((r) => r.deferred ?? r.facts);
  const host = hostIndex(facts.filter((f): f is ProjectFacts => f !== undefined));
  const deferred = results.flatMap((r, i) =>
    r.deferred || (facts[i] && dependsOnOthers(hostSlice(host, facts[i]!))) ? [i] : [],
  );
  if (deferred.length) {
    const again = deferred.map((i) => units[i]);
    await auditUnits(
      again,
      { ...options, host },
      jobs,
      cwd,
      (k, result) => {
        results[deferred[k]] = unpackUnitAudit(result);
      },
      (k) => settings(deferred[k]),
    );
  }
  return results;
}

/** Whether a project's part of the host index holds anything its plan reads. */
function dependsOnOthers(slice: unknown): boolean {
  const parts = slice as Record<"fixed" | "joined" | "incoming" | "outgoing", unknown[]>;
  return Object.values(parts).some((part) => part.length > 0);
}

/**
 * Audits every project under the paths from its files, one project at a time (in worker
 * threads on a large host), keeping only the small model the audit needs of each: memory grows
 * with the number of services, not with the size of their files.
 */
export async function auditHostFiles(
  paths: string[],
  cwd: string,
  options: AuditHostOptions,
): Promise<AuditedHost> {
  const { files, missing, outside } = await discover(
    paths.map((p) => nodePath.resolve(cwd, p)),
    { ignore: options.ignore, followSymlinks: options.followSymlinks },
  );
  const show = (p: string) => displayPath(p, cwd);
  const errors: Diagnostic[] = missing.map((m) =>
    diagnosticAt(undefined, show(m.path), 0, "read-error", describeMissing(m.message)),
  );
  const { units: found, warnings: apart } = projectUnits(files);
  // a project whose configuration cannot be read is an error, and is not audited
  const units: string[][] = [];
  const own: Partial<UnitAuditOptions>[] = [];
  for (const unit of found) {
    const settings = options.settingsFor?.(nodePath.dirname(unit[0]));
    if (settings && "errors" in settings) {
      const message = `its project's configuration cannot be used: ${settings.errors.join("; ")}`;
      errors.push(diagnosticAt(undefined, show(unit[0]), 0, "config-error", message));
    } else {
      units.push(unit);
      own.push(settings?.options ?? {});
    }
  }
  const results = await auditAll(units, options, options.jobs, cwd, (i) => own[i]);
  const projects: AuditProject[] = [];
  const after: AuditProject[] = [];
  const fixes = new Map<number, string>();
  const named: { name: string; dir: string }[] = [];
  for (const result of results) {
    errors.push(...result.errors);
    if (!result.before) continue;
    if (result.fix) fixes.set(projects.length, result.fix);
    projects.push(result.before);
    after.push(result.after ?? result.before);
    named.push({ name: result.before.name, dir: result.before.dir });
  }
  return {
    projects,
    after,
    fixes,
    errors,
    warnings: [
      ...outside.map((link): Warning => ({
        code: "link-outside",
        message: `${show(link.path)} is a symbolic link to ${link.real}, outside the paths given; left out (name it, or use --follow-symlinks)`,
      })),
      ...[...apart].flatMap(([file, warnings]) =>
        warnings.map((w) => ({ ...w, message: `${show(file)}: ${w.message}` })),
      ),
      ...sharedProjectNames(named),
    ],
    discovered: files.length,
  };
}
