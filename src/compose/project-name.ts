import * as nodePath from "node:path";
import { Variables, withDefaults } from "./values";

/** A project name as Compose normalises it: lower case, letters, digits, `-` and `_` only. */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[^a-z0-9]+/, "");
}

/** Where a project's name comes from, in Compose's order of precedence. */
export type ProjectNameSource = "COMPOSE_PROJECT_NAME" | "name" | "directory";

export interface ProjectName {
  name: string;
  source: ProjectNameSource;
}

/**
 * The name Compose gives a project: `COMPOSE_PROJECT_NAME` (from the project's `.env` here,
 * since composemod does not read the shell of a later `docker compose up`), else the last
 * top-level `name:` of its files, else the project directory's name; normalised as Compose
 * normalises it.
 */
export function projectName(dir: string, names: unknown[], variables: Variables): ProjectName {
  const fromEnv = variables.get("COMPOSE_PROJECT_NAME");
  if (fromEnv) return { name: normalizeProjectName(fromEnv), source: "COMPOSE_PROJECT_NAME" };
  const named = names.filter((n): n is string => typeof n === "string" && n !== "").at(-1);
  if (named !== undefined) {
    const read = normalizeProjectName(withDefaults(named, variables));
    if (read) return { name: read, source: "name" };
  }
  return { name: normalizeProjectName(nodePath.basename(dir)), source: "directory" };
}
