import * as path from "node:path";
import { Ran, run } from "./exec";

export type Role = "app" | "database" | "backend" | "proxy" | "skipped" | "ignore";

/** What the audit says another project can reach, by `<project>/<service>`. */
export interface AuditReach {
  /** Each database another project can reach, with the services of other projects that can. */
  databases: Map<string, Set<string>>;
  /** The same for backends. */
  backends: Map<string, Set<string>>;
  /** Names that services of other projects answer too: `<project>/<service> <name> on <network>`. */
  names: Set<string>;
  /** Containers whose networks differ from their files (`audit --live` with paths). */
  drift: Set<string>;
  /** Every finding, as `<rule> <project>/<service>`. */
  findings: string[];
  databasesReachable: number;
  /** Databases the audit says `--write` would leave reachable. */
  databasesReachableAfterWrite?: number;
}

/** The built CLI, run as a user runs it: `node dist/cli.js ARGS`. */
export function composemod(
  repoRoot: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Ran> {
  return run(process.execPath, [path.join(repoRoot, "dist", "cli.js"), "--no-color", ...args], {
    cwd: repoRoot,
    env,
    timeoutMs: 120_000,
  });
}

/** Each service's role as `composemod --json` reports it, by `<project>/<service>`. */
export async function readRoles(repoRoot: string, paths: string[]): Promise<Map<string, Role>> {
  const ran = await composemod(repoRoot, ["--json", ...paths]);
  if (ran.code !== 0) throw new Error(`composemod --json exited ${ran.code}: ${ran.stderr}`);
  const report = JSON.parse(ran.stdout) as {
    files: { project: string; services?: Record<string, { role: Role }> }[];
  };
  const roles = new Map<string, Role>();
  for (const file of report.files) {
    for (const [service, { role }] of Object.entries(file.services ?? {})) {
      roles.set(`${file.project}/${service}`, role);
    }
  }
  return roles;
}

/** Runs `composemod audit --json` over the paths and reads what it says can be reached. */
export async function runAudit(repoRoot: string, paths: string[]): Promise<AuditReach> {
  const ran = await composemod(repoRoot, ["audit", "--json", ...paths]);
  if (ran.code !== 0 && ran.code !== 1)
    throw new Error(`composemod audit exited ${ran.code}: ${ran.stderr}`);
  return auditReach(JSON.parse(ran.stdout));
}

/**
 * Reads the audit's JSON: a database (or backend) another project can reach is a
 * `database-shared-with-other-project` finding of level error (`backend-shared-...`, any
 * level), and the services of other projects that reach it are the members of the network it
 * names (listed once, in the report's `networks`) that belong to other projects. The one place
 * that knows the report's shape.
 */
export function auditReach(report: unknown): AuditReach {
  const r = report as {
    networks: { name: string; members: { project: string; service: string }[] }[];
    findings: {
      rule: string;
      level: string;
      project: string;
      service: string;
      network?: string;
      name?: string;
    }[];
    summary: { databasesReachable: number; after?: { databasesReachable?: number } };
  };
  const members = new Map(r.networks.map((n) => [n.name, n.members]));
  const databases = new Map<string, Set<string>>();
  const backends = new Map<string, Set<string>>();
  const names = new Set<string>();
  const drift = new Set<string>();
  for (const f of r.findings) {
    const key = `${f.project}/${f.service}`;
    if (f.rule === "name-shared-with-other-project") names.add(`${key} ${f.name} on ${f.network}`);
    if (f.rule === "network-drift") drift.add(key);
    const into =
      f.rule === "database-shared-with-other-project" && f.level === "error"
        ? databases
        : f.rule === "backend-shared-with-other-project"
          ? backends
          : undefined;
    if (!into) continue;
    const others = (members.get(f.network!) ?? [])
      .filter((m) => m.project !== f.project)
      .map((m) => `${m.project}/${m.service}`);
    into.set(key, new Set([...(into.get(key) ?? []), ...others]));
  }
  return {
    databases,
    backends,
    names,
    drift,
    findings: r.findings.map((f) => `${f.rule} ${f.project}/${f.service}`),
    databasesReachable: r.summary.databasesReachable,
    databasesReachableAfterWrite: r.summary.after?.databasesReachable,
  };
}

/** What `composemod audit --live` printed, as JSON and as SARIF, and how it ended. */
export interface LiveAudit {
  code: number;
  stderr: string;
  json: unknown;
  sarif?: unknown;
  reach: AuditReach;
}

/**
 * Runs `composemod audit --live --json` (and `--sarif`) against the engine whose client
 * environment is `env` (its DOCKER_HOST, never the default socket), with paths when given.
 */
export async function runLiveAudit(
  repoRoot: string,
  env: NodeJS.ProcessEnv,
  paths: string[],
  sarif: boolean,
): Promise<LiveAudit> {
  if (!env.DOCKER_HOST) throw new Error("audit --live in the suite needs the engine's DOCKER_HOST");
  const json = await composemod(repoRoot, ["audit", "--live", "--json", ...paths], env);
  if (json.code !== 0 && json.code !== 1)
    throw new Error(`composemod audit --live exited ${json.code}: ${json.stderr}`);
  const out: LiveAudit = {
    code: json.code,
    stderr: json.stderr,
    json: JSON.parse(json.stdout),
    reach: auditReach(JSON.parse(json.stdout)),
  };
  if (sarif) {
    const ran = await composemod(repoRoot, ["audit", "--live", "--sarif", ...paths], env);
    out.sarif = JSON.parse(ran.stdout);
  }
  return out;
}
