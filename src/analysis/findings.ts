import type { AuditProject, AuditService, Others, Where } from "./audit-model";
import type { Role } from "./roles/types";

export type AuditRule =
  | "database-shared-with-other-project"
  | "backend-shared-with-other-project"
  | "database-published"
  | "app-database-on-proxy"
  | "name-shared-with-other-project"
  | "reached-by-other-project"
  | "network-drift";

/** `error` counts toward the exit status of a run when a database is involved. */
export type AuditLevel = "error" | "warning";

export interface Finding {
  rule: AuditRule;
  level: AuditLevel;
  project: string;
  service: string;
  role: Role;
  /** Where the key the finding is about is written: file, 1-based line and column. None on a live engine. */
  file?: string;
  line?: number;
  col?: number;
  /** On a live engine: the containers of the service. */
  containers?: string[];
  message: string;
  /** The real Docker network, for findings about a network; its members are listed once, in the report's `networks`. */
  network?: string;
  /** The name that services of several projects answer on the network (`name-shared-with-other-project`). */
  name?: string;
  /** The services of other projects on the network (or answering the name there). */
  others?: Others;
  /** Whether `composemod --write` ends it: false when the rewrite leaves it, with the reason in the message. */
  fixedByWrite?: boolean;
}

export interface RuleInfo {
  level: AuditLevel;
  /** A few words: the rule's title in code-scanning viewers. */
  title: string;
  description: string;
}

export const RULES: Record<AuditRule, RuleInfo> = {
  "database-shared-with-other-project": {
    level: "error",
    title: "Database on a network another project is on",
    description:
      "A database shares a Docker network with a service of another project, which can reach it.",
  },
  "backend-shared-with-other-project": {
    level: "warning",
    title: "Backend on a network another project is on",
    description: "A backend service shares a Docker network with a service of another project.",
  },
  "database-published": {
    level: "error",
    title: "Database port published beyond the host",
    description: "A database publishes a port beyond the host (not on loopback).",
  },
  "app-database-on-proxy": {
    level: "warning",
    title: "App and its own database on the proxy network",
    description: "An app is on the proxy network and so is its own database.",
  },
  "name-shared-with-other-project": {
    level: "error",
    title: "Service name answered by another project on a shared network",
    description:
      "A service of another project answers the same name on a network this project's services are on: Docker's DNS answers with either, so a lookup may reach the other project's service.",
  },
  "reached-by-other-project": {
    level: "warning",
    title: "Service another project reaches by name over a shared network",
    description:
      "A service of another project reaches this database or backend by name over a shared network: the rewrite keeps it there, so as not to cut that connection, until the other project reaches it another way.",
  },
  "network-drift": {
    level: "warning",
    title: "Running container on other networks than its files say",
    description:
      "A running container is on other networks than its compose files now say: the stack was changed but not recreated.",
  },
};

/** Others on a network, as a finding names them: `2 services of 2 other projects (a/db, b/db)`. */
export function describeOthers(others: Others): string {
  const services = `${others.services} service${others.services === 1 ? "" : "s"}`;
  const projects = `${others.projects} other project${others.projects === 1 ? "" : "s"}`;
  const more = others.services - others.first.length;
  return `${services} of ${projects} (${others.first.join(", ")}${more > 0 ? ` and ${more} more` : ""})`;
}

/** Builds findings for one project: each at the key it is about, or at the service's key. */
export class FindingSink {
  readonly findings: Finding[] = [];

  add(
    project: AuditProject,
    service: AuditService,
    rule: AuditRule,
    message: string,
    at: Where | undefined,
    extra: Partial<Finding> = {},
    level: AuditLevel = RULES[rule].level,
  ): void {
    const where = at ?? service.at;
    const finding: Finding = {
      rule,
      level,
      project: project.name,
      service: service.name,
      role: service.role,
      ...(where
        ? { file: project.files[where.file], line: where.line, col: where.col }
        : project.files.length
          ? { file: project.files[0], line: 1, col: 1 }
          : {}),
      ...(service.containers ? { containers: service.containers } : {}),
      message: project.leftAlone
        ? `${message} (\`composemod --write\` leaves this project as it is: ${project.leftAlone})`
        : message,
      ...extra,
    };
    this.findings.push(finding);
  }
}

/** What identifies a finding across two audits of the same host: before and after a rewrite. */
export function findingKey(f: Finding): string {
  return [f.rule, f.project, f.service, f.network ?? "", f.name ?? ""].join("\u0000");
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file ?? "").localeCompare(b.file ?? "") ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.col ?? 0) - (b.col ?? 0) ||
    a.rule.localeCompare(b.rule) ||
    a.project.localeCompare(b.project) ||
    a.service.localeCompare(b.service) ||
    (a.network ?? "").localeCompare(b.network ?? "") ||
    (a.name ?? "").localeCompare(b.name ?? "")
  );
}
