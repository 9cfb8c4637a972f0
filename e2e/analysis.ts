import type { Role } from "./composemod";
import type { Matrix, Probe } from "./probe";

const projectOf = (identity: string) => identity.split("/")[0];

/** A probe that reached a database or backend of another project than its source's. */
export interface CrossReach {
  probe: Probe;
  role: Role;
}

/** Probes that got an answer from a database or backend of a project other than the source's. */
export function crossProjectReaches(matrix: Matrix, roles: Map<string, Role>): CrossReach[] {
  const out: CrossReach[] = [];
  for (const probe of matrix.probes) {
    if (!probe.answered || projectOf(probe.answered) === projectOf(probe.source)) continue;
    const role = roles.get(probe.answered);
    if (role === "database" || role === "backend") out.push({ probe, role });
  }
  return out;
}

/**
 * Who reaches each database or backend by IP from another project: target -> sources.
 * Sources that are no Compose container (the suite's proxy) are left out: no audit knows them.
 */
export function reachedByOtherProjects(
  matrix: Matrix,
  roles: Map<string, Role>,
  role: "database" | "backend",
): Map<string, Set<string>> {
  const projects = new Set(matrix.containers.filter((c) => c.project).map((c) => c.identity));
  const out = new Map<string, Set<string>>();
  for (const { probe } of crossProjectReaches(matrix, roles)) {
    if (probe.kind !== "ip" || roles.get(probe.answered!) !== role || !projects.has(probe.source))
      continue;
    out.set(probe.answered!, (out.get(probe.answered!) ?? new Set()).add(probe.source));
  }
  return out;
}

/** `source -> name:port` for name probes that reached a service of the source's own project. */
export function inProjectLinks(matrix: Matrix): Map<string, string> {
  const links = new Map<string, string>();
  for (const p of matrix.probes) {
    if (p.kind !== "name" || !p.answered || p.answered === p.source) continue;
    if (projectOf(p.answered) === projectOf(p.source))
      links.set(`${p.source} -> ${p.address}:${p.port}`, p.answered);
  }
  return links;
}

/** The links of `before` that `after` no longer has, or that now reach another service. */
export function lostLinks(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before]
    .filter(([link, answered]) => after.get(link) !== answered)
    .map(([link, answered]) => `${link} (was ${answered}, now ${after.get(link) ?? "nothing"})`);
}

/** What one source reaches by any probe, by role. */
export function reachedFrom(
  matrix: Matrix,
  source: string,
  roles: Map<string, Role>,
): Map<Role | "other", Set<string>> {
  const out = new Map<Role | "other", Set<string>>();
  for (const p of matrix.probes) {
    if (p.source !== source || !p.answered) continue;
    const role = roles.get(p.answered) ?? "other";
    out.set(role, (out.get(role) ?? new Set()).add(p.answered));
  }
  return out;
}

/** Differences between two `target -> sources` maps, one line each; empty when they agree. */
export function compareReach(
  engine: Map<string, Set<string>>,
  audit: Map<string, Set<string>>,
): string[] {
  const out: string[] = [];
  for (const target of [...new Set([...engine.keys(), ...audit.keys()])].sort()) {
    const e = engine.get(target) ?? new Set<string>();
    const a = audit.get(target) ?? new Set<string>();
    const onlyEngine = [...e].filter((s) => !a.has(s)).sort();
    const onlyAudit = [...a].filter((s) => !e.has(s)).sort();
    if (onlyEngine.length)
      out.push(
        `${target}: reached on the engine by ${onlyEngine.join(", ")}, which the audit does not name`,
      );
    if (onlyAudit.length)
      out.push(
        `${target}: the audit names ${onlyAudit.join(", ")}, which did not reach it on the engine`,
      );
  }
  return out;
}
