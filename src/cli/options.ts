import { availableParallelism } from "node:os";
import * as nodePath from "node:path";
import type { ExplicitRole, RoleOverride, RoleOverrides } from "../analysis/classify";
import type { ProxyKind } from "../analysis/evidence";
import { DEFAULT_PLAN_OPTIONS, Driver, PortsMode } from "../analysis/plan/options";
import type { BatchOptions } from "../batch/batch-options";
import type { Config } from "./config";
import type { Format } from "./formats";

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

/** The flags commander hands over, as typed values. */
export interface Flags {
  write?: boolean;
  check?: boolean;
  listDifferent?: boolean;
  format?: Format;
  json?: boolean;
  sarif?: boolean;
  explain?: boolean;
  outputFile?: string;
  /** `--config FILE`, or false for `--no-config` */
  config?: string | false;
  stdinFilepath?: string;
  beforeAfter?: boolean;
  /** audit: read the running Docker Engine rather than (or beside) the files. */
  live?: boolean;
  backup?: boolean;
  backupSuffix?: string;
  jobs?: number;
  cache?: boolean;
  cacheLocation?: string;
  quiet?: boolean;
  proxyNetwork?: string;
  internalNetwork?: string;
  driver?: Driver;
  egress?: boolean;
  virtualHost?: string;
  proxyKind?: ProxyKind;
  modernize?: boolean;
  ports?: PortsMode;
  app?: string[];
  database?: string[];
  backend?: string[];
  ignoreService?: string[];
  ignore?: string[];
  color?: boolean;
}

/** The role flags: flag name, the role it gives, the words its help uses, and its configuration key. */
export const ROLE_FLAGS: readonly [
  flag: string,
  role: ExplicitRole,
  what: string,
  key: "app" | "database" | "backend" | "ignoreService",
][] = [
  ["app", "app", "an app", "app"],
  ["database", "database", "a database", "database"],
  ["backend", "backend", "a backend", "backend"],
  ["ignore-service", "ignore", "untouchable", "ignoreService"],
];

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
  const inPackage = file === "package.json";
  for (const [, role, , key] of ROLE_FLAGS) {
    for (const name of config[key] ?? []) {
      out.set(name, {
        role,
        source: { kind: "config", file, key: inPackage ? `composemod.${key}` : key },
      });
    }
  }
  for (const [flag, role, , key] of ROLE_FLAGS) {
    for (const name of flags[key] ?? [])
      out.set(name, { role, source: { kind: "flag", flag: `--${flag}` } });
  }
  return out;
}

/**
 * One worker process a core (at most 8) where there are more than two: the main process only
 * reads, orders and prints while they work, so a core of its own would idle. On one or two
 * cores the rewrite runs in the main process: one process already keeps about one and a half
 * cores busy (its garbage collector and compiler run beside it), and each worker would pay its
 * own start-up and warm-up (measured: `--jobs 2` 10-20% slower than `--jobs 1` on 2 cores).
 */
export function defaultJobs(cores: number = availableParallelism()): number {
  return cores <= 2 ? 1 : Math.min(8, cores);
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
 * from both. Each value records where it came from.
 */
export function resolveOptions(
  flags: Flags,
  config: Config,
  configPath: string | undefined,
  paths: string[],
  output: OutputChoice,
): RunOptions {
  const sources: Record<string, OptionSource> = {};
  const pick = <T>(
    name: string,
    flag: T | undefined,
    fromConfig: T | undefined,
    fallback: T,
  ): T => {
    if (flag !== undefined) {
      sources[name] = "flag";
      return flag;
    }
    if (fromConfig !== undefined) {
      sources[name] = "config";
      return fromConfig;
    }
    sources[name] = "default";
    return fallback;
  };
  const defaults = DEFAULT_PLAN_OPTIONS;
  return {
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
    backup: flags.backupSuffix ?? (flags.backup ? ".bak" : undefined),
    proxyNetwork: pick<string | undefined>(
      "proxyNetwork",
      flags.proxyNetwork,
      config.proxyNetwork,
      undefined,
    ),
    internalNetwork: pick(
      "internalNetwork",
      flags.internalNetwork,
      config.internalNetwork,
      defaults.internalNetwork,
    ),
    driver: pick("driver", flags.driver, config.driver, defaults.driver),
    noEgress: pick(
      "noEgress",
      flags.egress === false ? true : undefined,
      undefined,
      defaults.noEgress,
    ),
    virtualHost: flags.virtualHost,
    proxyKind: flags.proxyKind,
    modernize: pick("modernize", flags.modernize, undefined, defaults.modernize),
    ports: pick("ports", flags.ports, config.ports, defaults.ports),
    overrides: roleOverrides(flags, config, configPath),
    ignore: [...(config.ignore ?? []), ...(flags.ignore ?? [])],
    jobs: pick("jobs", flags.jobs, undefined, defaultJobs()),
    cacheLocation: output.cacheLocation,
    color: output.color,
    quiet: flags.quiet === true,
    sources,
  };
}
