import * as path from "node:path";
import { Ran, run } from "./exec";

export type Role = "app" | "database" | "backend" | "proxy" | "skipped" | "ignore";

/** What the audit says another project can reach, by `<project>/<service>`. */
export interface AuditReach {
  /** Each database another project can reach, with the services of other projects that can. */
  databases: Map<string, Set<string>>;
  /** The same for backends. */
  backends: Map<string, Set<string>>;
  /** Databases the audit says `--write` would leave reachable. */
  databasesReachableAfterWrite?: number;
}

/** The built CLI, run as a user runs it: `node dist/cli.js ARGS`. */
export function composemod(repoRoot: string, args: string[]): Promise<Ran> {
  return run(process.execPath, [path.join(repoRoot, "dist", "cli.js"), "--no-color", ...args], {
    cwd: repoRoot,
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
 * `database-shared-with-other-project` finding of level error (`backend-shared-...`, any level
 * but note), with the services of other projects in `others`. The one place that knows the
 * report's shape.
 */
export function auditReach(report: unknown): AuditReach {
  const r = report as {
    findings: {
      rule: string;
      level: string;
      project: string;
      service: string;
      others?: string[];
    }[];
    summary?: { after?: { databasesReachable?: number } };
  };
  const databases = new Map<string, Set<string>>();
  const backends = new Map<string, Set<string>>();
  for (const f of r.findings) {
    const into =
      f.rule === "database-shared-with-other-project" && f.level === "error"
        ? databases
        : f.rule === "backend-shared-with-other-project" && f.level !== "note"
          ? backends
          : undefined;
    if (!into) continue;
    const key = `${f.project}/${f.service}`;
    into.set(key, new Set([...(into.get(key) ?? []), ...(f.others ?? [])]));
  }
  return {
    databases,
    backends,
    databasesReachableAfterWrite: r.summary?.after?.databasesReachable,
  };
}
