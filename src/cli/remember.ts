import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as nodePath from "node:path";
import { applyEdits, FormattingOptions, modify, parse } from "jsonc-parser";
import type { ExplicitRole } from "../analysis/classify";
import type { PortsMode } from "../analysis/plan/options";
import { writeFileAtomic } from "../batch/write-files";
import { normalizeProjectName } from "../compose/project-name";
import { ConfigResult, validateConfig } from "./config";
import { CONFIG_FILE, PACKAGE_KEY } from "./config-names";
import { Config, ROLE_OPTIONS } from "./option-registry";

/** What a review decided of a project, to be kept in its configuration. */
export interface Decisions {
  /** Services given another role than the one they had. */
  roles: ReadonlyMap<string, ExplicitRole>;
  /** How its ports are treated, when the review changed it. */
  ports?: PortsMode;
  /** Left as it is from now on (true), or rewritten again (false: a `skip` is removed). */
  skip: boolean;
}

/**
 * The file a project's decisions are kept in: its own configuration, beside its compose file
 * (`composemod.config.json`, or package.json's `composemod` key, when one is there), or a new
 * `composemod.config.json` there. Later runs read it first, as the nearest to the project.
 */
export function ownConfigFile(dir: string, nearest: ConfigResult): string {
  if ("config" in nearest && nearest.path && nodePath.dirname(nearest.path) === dir) {
    return nearest.path;
  }
  return nodePath.join(dir, CONFIG_FILE);
}

/** The key a role's list has in a configuration file (`composemod.app` in a package.json). */
export function roleKey(role: ExplicitRole, file: string): string {
  const key = ROLE_OPTIONS.find(([, given]) => given === role)![0];
  return nodePath.basename(file) === "package.json" ? `${PACKAGE_KEY}.${key}` : key;
}

/** A role list's entry names this service of this project: `service`, or `project/service`. */
function names(entry: string, service: string, project: string): boolean {
  const slash = entry.lastIndexOf("/");
  if (slash === -1) return entry === service;
  return (
    entry.slice(slash + 1) === service &&
    normalizeProjectName(entry.slice(0, slash)) === normalizeProjectName(project)
  );
}

/** How a JSON text is indented, so that what is added to it is indented the same way. */
function formattingOf(text: string): FormattingOptions {
  const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? "  ";
  return {
    insertSpaces: !indent.startsWith("\t"),
    tabSize: indent.startsWith("\t") ? 1 : indent.length,
    eol: text.includes("\r\n") ? "\r\n" : "\n",
  };
}

/**
 * What saving decisions did: the file, whether it was made, each key set (`app: web`) or
 * removed (`skip removed`); or why not.
 */
export type Remembered =
  { path: string; created: boolean; keys: string[] } | { path: string; error: string };

/**
 * Keeps a review's decisions of a project in its own configuration file (see
 * {@link ownConfigFile}): each service whose role changed in the list of its role (and in no
 * other), the ports' treatment, `skip`. An existing file keeps its layout and every other key;
 * a new one starts with the settings the project had from further up, so that nothing else
 * changes for it. The result is checked as any configuration is, then written atomically.
 */
export function rememberDecisions(
  dir: string,
  project: string,
  nearest: ConfigResult,
  decisions: Decisions,
): Remembered {
  const path = ownConfigFile(dir, nearest);
  const exists = existsSync(path);
  const inherited: Config = "config" in nearest ? nearest.config : {};
  let before: string;
  try {
    before = exists ? readFileSync(path, "utf8") : JSON.stringify(inherited, null, 2) + "\n";
  } catch (error) {
    return { path, error: `cannot be read (${(error as NodeJS.ErrnoException).code ?? "EIO"})` };
  }
  const prefix = nodePath.basename(path) === "package.json" ? [PACKAGE_KEY] : [];
  const data = parse(before) as Record<string, unknown> | undefined;
  const current = ((prefix.length ? data?.[PACKAGE_KEY] : data) ?? {}) as Record<string, unknown>;
  const formatting = formattingOf(before);
  let text = before;
  const keys: string[] = [];
  const set = (key: string, value: unknown) => {
    text = applyEdits(
      text,
      modify(text, [...prefix, key], value, { formattingOptions: formatting }),
    );
    keys.push(
      value === undefined
        ? `${key} removed`
        : `${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`,
    );
  };
  for (const [key, given] of ROLE_OPTIONS) {
    const list = Array.isArray(current[key]) ? (current[key] as string[]) : [];
    let next = list;
    for (const [service, role] of decisions.roles) {
      next = next.filter((entry) => !names(entry, service, project));
      if (role === given) next = [...next, service];
    }
    const same = next.length === list.length && next.every((n, i) => n === list[i]);
    if (!same) set(key, next.length ? next : undefined);
  }
  if (decisions.ports !== undefined && current.ports !== decisions.ports) {
    set("ports", decisions.ports);
  }
  if (decisions.skip && current.skip !== true) set("skip", true);
  if (!decisions.skip && current.skip !== undefined) set("skip", undefined);
  if (keys.length === 0) return { path, created: false, keys };
  const parsed = parse(text) as Record<string, unknown>;
  const checked = validateConfig(prefix.length ? parsed[PACKAGE_KEY] : parsed, path);
  if ("errors" in checked) return { path, error: checked.errors.join("; ") };
  try {
    if (exists) writeFileAtomic(path, text, before);
    else createFile(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { path, error: code ? `cannot be written (${code})` : (error as Error).message };
  }
  return { path, created: !exists, keys };
}

/** Makes a file that is not there: a temporary file renamed to it, never over another's. */
function createFile(path: string, text: string): void {
  const temp = nodePath.join(
    nodePath.dirname(path),
    `.${nodePath.basename(path)}.composemod-${process.pid}.tmp`,
  );
  writeFileSync(temp, text, { flag: "wx" });
  try {
    if (existsSync(path)) throw new Error("was made by someone else meanwhile; left as it is");
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
