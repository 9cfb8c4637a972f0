import type { Role } from "./classify";
import type { Host, HostProject } from "./host";
import { membershipOf, reachability, reachRole, realNetworkName } from "./reachability";

export type AuditRule =
  | "database-shared-with-other-project"
  | "backend-shared-with-other-project"
  | "database-published"
  | "app-database-on-proxy";

/** `error` counts toward the exit status; `note` is a finding in a project composemod leaves alone. */
export type AuditLevel = "error" | "warning" | "note";

export interface Finding {
  rule: AuditRule;
  level: AuditLevel;
  project: string;
  service: string;
  role: Role;
  /** Where the service is defined: file and 1-based line and column. */
  file: string;
  line: number;
  col: number;
  message: string;
  /** The real Docker network, for findings about a network. */
  network?: string;
  /** Services of other projects on that network, as `project/service`. */
  others?: string[];
}

export const RULES: Record<AuditRule, { level: AuditLevel; description: string }> = {
  "database-shared-with-other-project": {
    level: "error",
    description:
      "A database shares a Docker network with a service of another project, which can reach it.",
  },
  "backend-shared-with-other-project": {
    level: "warning",
    description: "A backend service shares a Docker network with a service of another project.",
  },
  "database-published": {
    level: "error",
    description: "A database publishes a port beyond the host (not on loopback).",
  },
  "app-database-on-proxy": {
    level: "warning",
    description: "An app is on the proxy network and so is its own database.",
  },
};

function locate(
  project: HostProject,
  service: string,
): { file: string; line: number; col: number } {
  const files = project.loaded.files;
  for (const file of files) {
    const pair = file.model.services.find((s) => s.name === service)?.pair;
    const range = (pair?.key as { range?: number[] } | undefined)?.range;
    if (range) {
      const source = file.file.source;
      return {
        file: file.path,
        line: source.lineOf(range[0]) + 1,
        col: source.columnOf(range[0]) + 1,
      };
    }
  }
  return { file: files[0].path, line: 1, col: 1 };
}

/** Projects the rewrite leaves alone on purpose: their findings are notes. */
function leftAlone(project: HostProject): string | undefined {
  if (project.plan.action === "skip") return project.plan.reason;
  if (project.plan.reasonCode === "shared-database-service") return "a shared database service";
  return undefined;
}

/**
 * Finds what lets one project reach another's databases: a database or backend on a network that
 * a service of another project is on, a database port published beyond the host, and an app
 * whose own database is on the proxy network with it.
 */
export function auditHost(host: Host): Finding[] {
  const findings: Finding[] = [];
  const { members } = reachability(host);
  const add = (
    project: HostProject,
    service: string,
    role: Role,
    rule: AuditRule,
    message: string,
    extra = {},
  ) => {
    const alone = leftAlone(project);
    findings.push({
      rule,
      level: alone ? "note" : RULES[rule].level,
      project: project.name,
      service,
      role,
      ...locate(project, service),
      message: alone ? `${message} (composemod leaves this project alone: ${alone})` : message,
      ...extra,
    });
  };
  for (const [network, onIt] of [...members].sort(([a], [b]) => a.localeCompare(b))) {
    for (const member of onIt) {
      if (member.role !== "database" && member.role !== "backend") continue;
      // a project is its name to Docker: two files of one directory are one project
      const others = onIt.filter((o) => o.project.name !== member.project.name);
      if (others.length === 0) continue;
      const names = [...new Set(others.map((o) => `${o.project.name}/${o.service.name}`))].sort();
      const rule =
        member.role === "database"
          ? "database-shared-with-other-project"
          : "backend-shared-with-other-project";
      add(
        member.project,
        member.service.name,
        member.role,
        rule,
        `${member.role} \`${member.service.name}\` is on network \`${network}\` with ${names.join(", ")}`,
        { network, others: names },
      );
    }
  }
  for (const project of host.projects) {
    const proxy = project.plan.proxy.realName;
    const networks = project.loaded.merged.networks;
    const onProxy = (name: string) =>
      membershipOf(project, name).some(
        (key) => realNetworkName(project, key) === proxy && networks.get(key)?.external,
      );
    const services = project.loaded.merged.services;
    const databases = services.filter((s) => reachRole(project, s) === "database");
    for (const db of databases) {
      if (db.data.network_mode === "host") {
        add(
          project,
          db.name,
          "database",
          "database-published",
          `database \`${db.name}\` uses the host's network: every port it listens on is open beyond the host`,
        );
        continue;
      }
      const published = db.ports.filter((p) => !p.loopback);
      if (published.length) {
        add(
          project,
          db.name,
          "database",
          "database-published",
          `database \`${db.name}\` publishes ${published.map((p) => p.text).join(", ")} beyond the host (not on loopback)`,
        );
      }
    }
    const exposed = databases.filter((db) => onProxy(db.name)).map((db) => db.name);
    for (const service of services) {
      if (
        project.roles.get(service.name)?.role !== "app" ||
        !exposed.length ||
        !onProxy(service.name)
      )
        continue;
      add(
        project,
        service.name,
        "app",
        "app-database-on-proxy",
        `app \`${service.name}\` is on the proxy network \`${proxy}\` with its database ${exposed.map((d) => `\`${d}\``).join(", ")}`,
      );
    }
  }
  return findings.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule),
  );
}

/**
 * Databases that another project can reach, counted once each: on a network it shares, or
 * published beyond the host (another project reaches it through the host's address).
 */
export function reachableDatabases(findings: Finding[]): number {
  return new Set(
    findings
      .filter((f) => f.level === "error" && f.role === "database")
      .map((f) => `${f.project}/${f.service}`),
  ).size;
}
