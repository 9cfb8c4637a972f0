import { existsSync, readFileSync } from "node:fs";
import * as nodePath from "node:path";
import { Driver, DRIVERS, PortsMode, PORTS_MODES } from "../analysis/plan/options";

/** The options a user sets once for a host, in `composemod.config.json` or package.json's `composemod`. */
export interface Config {
  proxyNetwork?: string;
  internalNetwork?: string;
  driver?: Driver;
  ports?: PortsMode;
  /** Role overrides: `service` or `project/service` names. */
  app?: string[];
  database?: string[];
  backend?: string[];
  ignoreService?: string[];
  /** gitignore-style patterns of paths a directory walk leaves out. */
  ignore?: string[];
}

export const CONFIG_FILE = "composemod.config.json";

/** A network name Docker accepts. */
export const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

const STRINGS = ["proxyNetwork", "internalNetwork"] as const;
const LISTS = ["app", "database", "backend", "ignoreService", "ignore"] as const;
const CHOICES: Record<string, readonly string[]> = {
  driver: DRIVERS,
  ports: PORTS_MODES,
};

export type ConfigResult = { config: Config; path?: string } | { error: string };

/** Checks a config object; every problem is named with its key. */
export function validateConfig(value: unknown, where: string): ConfigResult {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { error: `${where}: the configuration must be a JSON object` };
  }
  const config: Config = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if ((STRINGS as readonly string[]).includes(key)) {
      if (typeof v !== "string" || !NETWORK_NAME.test(v)) {
        return { error: `${where}: \`${key}\` must be a network name (letters, digits, _ . -)` };
      }
      (config as Record<string, unknown>)[key] = v;
    } else if ((LISTS as readonly string[]).includes(key)) {
      if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
        return { error: `${where}: \`${key}\` must be a list of strings` };
      }
      (config as Record<string, unknown>)[key] = v;
    } else if (key in CHOICES) {
      if (typeof v !== "string" || !CHOICES[key].includes(v)) {
        return { error: `${where}: \`${key}\` must be one of ${CHOICES[key].join(", ")}` };
      }
      (config as Record<string, unknown>)[key] = v;
    } else {
      return { error: `${where}: unknown key \`${key}\`` };
    }
  }
  return { config };
}

/**
 * Finds the configuration upward from `cwd`: the first directory with `composemod.config.json`,
 * or with a package.json that has a `composemod` key, wins. No file: an empty configuration.
 */
export function loadConfig(cwd: string): ConfigResult {
  for (let dir = nodePath.resolve(cwd); ; dir = nodePath.dirname(dir)) {
    const file = nodePath.join(dir, CONFIG_FILE);
    if (existsSync(file)) return readJson(file, (data) => data);
    const pkg = nodePath.join(dir, "package.json");
    if (existsSync(pkg)) {
      const result = readJson(pkg, (data) => (data as Record<string, unknown> | null)?.composemod);
      if ("error" in result || result.found) return result;
    }
    if (nodePath.dirname(dir) === dir) return { config: {} };
  }
}

/**
 * Reads the configuration file a user named (`--config FILE`): a `composemod.config.json`-style
 * object, or, for a package.json, its `composemod` key.
 */
export function loadConfigFile(file: string, shown = file): ConfigResult {
  const absolute = nodePath.resolve(file);
  if (!existsSync(absolute)) return { error: `${shown}: no such configuration file` };
  const inPackage = nodePath.basename(absolute) === "package.json";
  const result = readJson(absolute, (data) =>
    inPackage ? (data as Record<string, unknown> | null)?.composemod : data,
  );
  if ("error" in result) return result;
  if (!result.found) return { error: `${shown}: no \`composemod\` key` };
  return { config: result.config, path: result.path };
}

function readJson(
  file: string,
  pick: (data: unknown) => unknown,
): { config: Config; path: string; found: boolean } | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return { error: `${file}: not valid JSON (${error instanceof Error ? error.message : error})` };
  }
  const picked = pick(data);
  if (picked === undefined) return { config: {}, path: file, found: false };
  const result = validateConfig(picked, file);
  return "error" in result ? result : { config: result.config, path: file, found: true };
}
