import * as nodePath from "node:path";
import type { RoleOverride, RoleOverrides } from "../analysis/classify";
import { DEFAULT_PLAN_OPTIONS, PlanOptions } from "../analysis/plan/options";
import type { BatchOptions } from "../batch/batch-options";
import { PACKAGE_KEY } from "./config-names";
import { defaultJobs } from "./default-jobs";
import type { Format } from "./formats";
import {
  BACKUP_SUFFIX,
  Config,
  Flags,
  PLAN_OPTION_NAMES,
  PlanSettings,
  ROLE_OPTIONS,
} from "./option-registry";

/** Everything a run is given, checked, with the configuration merged in. */
export interface RunOptions extends BatchOptions {
  overrides: RoleOverrides;
  paths: string[];
  /** What standard output carries; `--json` and `--sarif` are `json` and `sarif`. */
  format: Format;
  /** Print the names of the files that (would) change, one a line. */
  listDifferent: boolean;
  /** The path that standard input (`-`) stands for, as given. */
  stdinFilepath?: string;
  /** With --cache: the cache file the outcomes of earlier runs are kept in. */
  cacheLocation?: string;
  /** graph: the topology now and after `--write`. */
  beforeAfter: boolean;
  /** audit: the running Docker Engine. */
  live: boolean;
  color: boolean;
  quiet: boolean;
  /** Where each setting came from: a flag, the configuration file, or the default. */
  sources: Record<string, OptionSource>;
}

export type OptionSource = "flag" | "config" | "default";

const inPackage = (configPath: string | undefined) =>
  configPath !== undefined && nodePath.basename(configPath) === "package.json";

/** Why a project a configuration says to skip is left as it is, and how to undo it. */
function skippedReason(configPath: string | undefined, packaged: boolean): string {
  const key = packaged ? `${PACKAGE_KEY}.skip` : "skip";
  return `skipped by review, in ${configPath ?? "the configuration"}; remove \`${key}\` there to have composemod rewrite it`;
}

/**
 * Role overrides from the configuration and then the flags, so that a flag wins over the
 * configuration for the same name; each keeps where it was given.
 */
export function roleOverrides(
  flags: Flags,
  config: Config,
  configPath: string | undefined,
): RoleOverrides {
  const out = new Map<string, RoleOverride>();
  const file = configPath ? nodePath.basename(configPath) : "the configuration";
  const packaged = inPackage(configPath);
  for (const [key, role] of ROLE_OPTIONS) {
    for (const name of config[key] ?? []) {
      out.set(name, {
        role,
        source: { kind: "config", file, key: packaged ? `${PACKAGE_KEY}.${key}` : key },
      });
    }
  }
  for (const [key, role, flag] of ROLE_OPTIONS) {
    for (const name of flags[key] ?? []) out.set(name, { role, source: { kind: "flag", flag } });
  }
  return out;
}

/** What the run decided about its output before the options are put together. */
export interface OutputChoice {
  /** The cache file, when --cache asks for one. */
  cacheLocation?: string;
  format: Format;
  color: boolean;
  /** Columns the --explain tables fit in; none: as wide as they are. */
  explainWidth?: number;
}

/**
 * Flags over configuration over the defaults, once, for every command; lists (ignore patterns)
 * from both. Each setting records where it came from.
 */
export function resolveOptions(
  flags: Flags,
  config: Config,
  configPath: string | undefined,
  paths: string[],
  output: OutputChoice,
): RunOptions {
  const sources: Record<string, OptionSource> = {};
  const pick = <T>(name: string, flag: T | undefined, fromConfig: T | undefined, fallback: T) => {
    sources[name] = flag !== undefined ? "flag" : fromConfig !== undefined ? "config" : "default";
    return flag ?? fromConfig ?? fallback;
  };
  const plan: Record<string, unknown> = {};
  for (const name of PLAN_OPTION_NAMES) {
    const fallback = (DEFAULT_PLAN_OPTIONS as Partial<PlanSettings>)[name];
    plan[name] = pick<unknown>(name, flags[name], config[name], fallback);
  }
  return {
    // the registry's plan options are PlanOptions' own, checked by its test
    ...(plan as Omit<PlanOptions, "host">),
    paths,
    format: output.format,
    listDifferent: flags.listDifferent === true,
    stdinFilepath: flags.stdinFilepath,
    beforeAfter: flags.beforeAfter === true,
    live: flags.live === true,
    write: flags.write === true,
    check: flags.check === true,
    json: output.format === "json",
    explain: flags.explain === true,
    explainWidth: output.explainWidth,
    backup: flags.backupSuffix ?? (flags.backup ? BACKUP_SUFFIX : undefined),
    overrides: roleOverrides(flags, config, configPath),
    skipped: config.skip ? skippedReason(configPath, inPackage(configPath)) : undefined,
    ignore: [...(config.ignore ?? []), ...(flags.ignore ?? [])],
    followSymlinks: flags.followSymlinks === true,
    jobs: pick("jobs", flags.jobs, undefined, defaultJobs()),
    cacheLocation: output.cacheLocation,
    color: output.color,
    quiet: flags.quiet === true,
    sources,
  };
}
