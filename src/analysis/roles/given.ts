import type { ServiceModel } from "../../compose/model";
import { normalizeProjectName } from "../../compose/project-name";
import {
  EXPLICIT_ROLES,
  ExplicitRole,
  ProjectEvidence,
  RoleOverride,
  RoleRule,
  RoleSource,
} from "./types";

/**
 * The role the user gave the service: `project/service` or `service`; a flag wins over the
 * configuration, and a name with its project over one without.
 */
function override(service: ServiceModel, project: ProjectEvidence): RoleOverride | undefined {
  const own = normalizeProjectName(project.project);
  let best: { given: RoleOverride; rank: number } | undefined;
  for (const [name, given] of project.overrides) {
    const slash = name.lastIndexOf("/");
    const qualified = slash !== -1;
    const matches = qualified
      ? name.slice(slash + 1) === service.name && normalizeProjectName(name.slice(0, slash)) === own
      : name === service.name;
    if (!matches) continue;
    const rank = (given.source.kind === "flag" ? 2 : 0) + (qualified ? 1 : 0);
    if (!best || rank > best.rank) best = { given, rank };
  }
  return best?.given;
}

function sourceText(source: RoleSource): string {
  return source.kind === "flag"
    ? `set on the command line (${source.flag})`
    : `set in ${source.file} (${source.key})`;
}

/** The rows that give a service the role its user says: they come first, and decide any role. */
export const GIVEN_ROWS: readonly RoleRule[] = [
  {
    code: "flag",
    role: "given",
    summary: "a role flag (--app, --database, --backend, --ignore-service) names the service",
    match(service, project) {
      const given = override(service, project);
      if (given?.source.kind !== "flag") return undefined;
      return { role: given.role, reason: sourceText(given.source) };
    },
  },
  {
    code: "config",
    role: "given",
    summary: "the configuration file gives the service a role",
    match(service, project) {
      const given = override(service, project);
      if (given?.source.kind !== "config") return undefined;
      return { role: given.role, reason: sourceText(given.source) };
    },
  },
  {
    code: "x-composemod",
    role: "given",
    summary: "the service says `x-composemod: {role: ...}`",
    match(service) {
      const ext = service.data["x-composemod"];
      const role =
        ext && typeof ext === "object" ? (ext as Record<string, unknown>).role : undefined;
      if (typeof role !== "string" || !(EXPLICIT_ROLES as readonly string[]).includes(role)) {
        return undefined;
      }
      return { role: role as ExplicitRole, reason: "set in the file (x-composemod.role)" };
    },
  },
];
