import type { ExplicitRole, ProxyKind, RoleOverrides } from "./classify";
import type { PortsMode } from "./plan";

export const PORTS_MODES: readonly PortsMode[] = ["auto", "comment", "keep"];
export const DRIVERS = ["bridge", "overlay"] as const;
export type Driver = (typeof DRIVERS)[number];

/** Everything the command line can set, already checked. */
export interface RunOptions {
  paths: string[];
  write: boolean;
  check: boolean;
  json: boolean;
  explain: boolean;
  proxyNetwork?: string;
  internalNetwork: string;
  driver: Driver;
  noEgress: boolean;
  virtualHost?: string;
  proxyKind?: ProxyKind;
  modernize?: boolean;
  ports: PortsMode;
  overrides: RoleOverrides;
  /** gitignore-style patterns a directory walk leaves out. */
  ignore: string[];
  /** With --write: keep each original as FILE + this suffix. */
  backup?: string;
  /** Files processed in parallel. */
  jobs: number;
  color: boolean;
  quiet: boolean;
}

/** Role overrides from repeated `--app`, `--database` and `--ignore` flags; a later flag wins. */
export function roleOverrides(flags: Partial<Record<ExplicitRole, string[]>>): RoleOverrides {
  const out = new Map<string, ExplicitRole>();
  for (const role of ["app", "database", "backend", "ignore"] as ExplicitRole[]) {
    for (const name of flags[role] ?? []) out.set(name, role);
  }
  return out;
}
