import { reachesDatabase } from "../analysis/audit";
import { namesOn } from "../analysis/audit-model";
import type { Role } from "../analysis/classify";
import type { AuditLevel, Finding } from "../analysis/findings";
import type { NetworkGroup } from "../analysis/reachability";
import { Diagnostic, formatDiagnostic } from "../base/diagnostic";
import { escapeControl } from "../base/escape";
import { inChunks, jsonPieces, LazyArray } from "./json-stream";
import type { Warning } from "../base/warning";

/** A network that services of several projects are on, with each of them once. */
export interface NetworkReport {
  name: string;
  external: boolean;
  /** How many projects have a service on it. */
  projects: number;
  members: {
    project: string;
    service: string;
    role: Role;
    /** The names it answers there besides its own service name: aliases, its container's name. */
    names?: string[];
  }[];
}

/** What `composemod audit --json` prints; the table and SARIF are renderings of it. */
export interface AuditReport {
  /** What was audited: compose files, or a running engine (`--live`). */
  source: "files" | "engine";
  /** The networks that several projects share; findings name them by `network`. */
  networks: NetworkReport[];
  /** The findings, project by project; made afresh each time they are read, never all held at once. */
  findings: Iterable<Finding>;
  /** What a person should know that is not a finding: two directories that are one Compose project. */
  warnings: Warning[];
  /** Files (or, live, the engine) that could not be read. */
  errors: Omit<Diagnostic, "frame">[];
  summary: AuditSummary;
}

export interface AuditSummary {
  projects: number;
  findings: number;
  /** Findings by level: the counts are the rows'. */
  levels: Record<AuditLevel, number>;
  databasesReachable: number;
  /** Files that could not be read: the exit status is 2 then. */
  fileErrors: number;
  /** The same figures for the host as `composemod --write` would leave it. */
  after?: { findings: number; databasesReachable: number };
}

/** The report's list of shared networks, each member once. */
function networkReports(groups: readonly NetworkGroup[]): NetworkReport[] {
  return groups.map((group) => ({
    name: group.name,
    external: group.external,
    projects: group.projects,
    members: group.members.map((m) => {
      const names = namesOn(m.service, m.entry).filter((n) => n !== m.service.name);
      return {
        project: m.project.name,
        service: m.service.name,
        role: m.service.role,
        ...(names.length ? { names } : {}),
      };
    }),
  }));
}

/** The figures of a list of findings, read once. */
function tally(findings: Iterable<Finding>): {
  findings: number;
  levels: Record<AuditLevel, number>;
  databasesReachable: number;
} {
  const levels: Record<AuditLevel, number> = { error: 0, warning: 0 };
  const reachable = new Set<string>();
  let count = 0;
  for (const f of findings) {
    count++;
    levels[f.level]++;
    if (reachesDatabase(f)) reachable.add(`${f.project}/${f.service}`);
  }
  return { findings: count, levels, databasesReachable: reachable.size };
}

/** Findings that a function makes afresh each time they are read. */
function reiterable<T>(make: () => Iterable<T>): Iterable<T> {
  return { [Symbol.iterator]: () => make()[Symbol.iterator]() };
}

/**
 * Builds the report once: the shared networks, the figures from one reading of the findings
 * (and of the findings after `composemod --write`, when there are any), and the findings
 * themselves as a list that is made again each time a rendering reads it.
 */
export function auditReport(input: {
  source: AuditReport["source"];
  projects: number;
  /** The networks that several projects share. */
  networks: readonly NetworkGroup[];
  findings: () => Iterable<Finding>;
  /** The same findings, when they can be had for less to be counted (without what the rendering adds). */
  counted?: () => Iterable<Finding>;
  after?: () => Iterable<Finding>;
  errors: Diagnostic[];
  warnings: Warning[];
}): AuditReport {
  const findings = reiterable(input.findings);
  const now = tally(input.counted ? input.counted() : findings);
  const after = input.after ? tally(input.after()) : undefined;
  return {
    source: input.source,
    networks: networkReports(input.networks),
    findings,
    warnings: input.warnings,
    errors: input.errors.map(({ frame: _frame, ...d }) => d),
    summary: {
      projects: input.projects,
      ...now,
      fileErrors: input.errors.length,
      ...(after
        ? { after: { findings: after.findings, databasesReachable: after.databasesReachable } }
        : {}),
    },
  };
}

/** The report as JSON, in chunks: byte for byte `JSON.stringify(report, null, 2)` and a newline. */
export function auditJsonChunks(report: AuditReport): Iterable<string> {
  return inChunks(
    (function* () {
      yield* jsonPieces({ ...report, findings: new LazyArray(report.findings) }, 4);
      yield "\n";
    })(),
  );
}

export function writeAuditJson(report: AuditReport, write: (text: string) => void): void {
  for (const chunk of auditJsonChunks(report)) write(chunk);
}

const COLOUR: Record<AuditLevel, string> = { error: "\u001b[31m", warning: "\u001b[33m" };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function where(f: Finding): string {
  if (f.file !== undefined) return `${f.file}:${f.line}:${f.col}`;
  return f.containers?.join(", ") ?? "";
}

/** The summary lines under the table, from the same figures as the JSON. */
export function summaryLines(report: AuditReport): string[] {
  const s = report.summary;
  const found = `${plural(s.findings, "finding")} (${plural(s.levels.error, "error")}, ${plural(s.levels.warning, "warning")})`;
  const unread = s.fileErrors ? `; ${plural(s.fileErrors, "file")} could not be read` : "";
  const lines = [
    `${plural(s.projects, "project")}: ${plural(s.databasesReachable, "database")} reachable from another project, ${found}${unread}`,
  ];
  if (s.after) {
    lines.push(
      `after \`composemod --write\`: ${s.after.databasesReachable} reachable, ${plural(s.after.findings, "finding")}`,
    );
  }
  return lines;
}

/**
 * A table a person reads (level, project/service, finding, where; control characters escaped), in chunks, row by row:
 * column widths come from one pass over the findings, and no row is kept once written.
 */
export function auditTableChunks(report: AuditReport, color: boolean): Iterable<string> {
  const head = ["LEVEL", "SERVICE", "FINDING", "WHERE"];
  const cells = (f: Finding) =>
    [f.level, `${f.project}/${f.service}`, f.message, where(f)].map(escapeControl);
  return inChunks(
    (function* () {
      const widths = head.map((h) => h.length);
      for (const f of report.findings) {
        cells(f).forEach((c, i) => (widths[i] = Math.max(widths[i], c.length)));
      }
      const line = (row: string[]) =>
        row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
      if (report.summary.findings) {
        yield line(head) + "\n";
        for (const f of report.findings) {
          const text = line(cells(f));
          yield color ? `${COLOUR[f.level]}${text}\u001b[0m\n` : `${text}\n`;
        }
      }
      for (const text of summaryLines(report)) yield text + "\n";
    })(),
  );
}

/**
 * Where a finding is, as an editor jumps to it: `path:line:col` in a file; on a live engine,
 * where there is no file, its project and service with the containers that run it.
 */
function place(f: Finding): string {
  if (f.file !== undefined) return escapeControl(`${f.file}:${f.line}:${f.col}`);
  const containers = f.containers?.length ? ` (${f.containers.join(", ")})` : "";
  return escapeControl(`${f.project}/${f.service}${containers}`);
}

/**
 * Lines of at most `width` characters: `first` whole (the place, level and rule an editor reads),
 * then the words of `rest`, continuation lines indented; a word is never cut.
 */
function fitted(first: string, rest: string, width: number): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of rest.split(" ")) {
    if (line.length + 1 + word.length <= width || line.trim() === "") line += ` ${word}`;
    else {
      lines.push(line);
      line = `  ${word}`;
    }
  }
  return [...lines, line];
}

/**
 * The findings one a line, as compilers and eslint's compact format print them:
 * `path:line:col: level rule message`, then the summary lines. Given a width (a terminal's), a
 * longer message goes on below, indented, so that each line fits it where the words allow; the
 * first line keeps the place, level and rule whole. Elsewhere every finding is one line, for
 * editors and grep.
 */
export function auditLineChunks(
  report: AuditReport,
  color: boolean,
  width?: number,
): Iterable<string> {
  return inChunks(
    (function* () {
      for (const f of report.findings) {
        const level = color ? `${COLOUR[f.level]}${f.level}\u001b[0m` : f.level;
        const plainHead = `${place(f)}: ${f.level} ${f.rule}`;
        const message = escapeControl(f.message);
        const lines =
          width === undefined ? [`${plainHead} ${message}`] : fitted(plainHead, message, width);
        // the level coloured where it stands, on the first line
        lines[0] = `${place(f)}: ${level}${lines[0].slice(place(f).length + 2 + f.level.length)}`;
        yield lines.join("\n") + "\n";
      }
      for (const text of summaryLines(report)) yield text + "\n";
    })(),
  );
}

export function writeAuditTable(
  report: AuditReport,
  color: boolean,
  write: (text: string) => void,
): void {
  for (const chunk of auditTableChunks(report, color)) write(chunk);
}

/** Errors for standard error, each with its code frame. */
export function renderAuditErrors(errors: Diagnostic[]): string {
  return errors.map((d) => formatDiagnostic(d) + "\n").join("");
}

/** Warnings for standard error, one a line. */
export function renderAuditWarnings(warnings: Warning[]): string {
  return warnings.map((w) => `warning: ${escapeControl(w.message)}\n`).join("");
}
