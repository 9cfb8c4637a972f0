import { AuditLevel, AuditRule, Finding, reachableDatabases, RULES } from "../analysis/audit";
import { VERSION } from "../version";
import { Diagnostic, formatDiagnostic } from "./diagnostic";
import { table } from "./table";
const INFORMATION_URI = "https://www.npmjs.com/package/composemod";

/** What `composemod audit --json` prints. */
export interface AuditReport {
  findings: Finding[];
  errors: Omit<Diagnostic, "frame">[];
  summary: {
    projects: number;
    findings: number;
    errors: number;
    databasesReachable: number;
    /** The same figures for the host as `composemod --write` would leave it. */
    after: { findings: number; databasesReachable: number };
  };
}

export function auditReport(
  projects: number,
  findings: Finding[],
  errors: Diagnostic[],
  after: Finding[],
): AuditReport {
  const counted = (list: Finding[]) => list.filter((f) => f.level !== "note").length;
  return {
    findings,
    errors: errors.map(({ frame: _frame, ...d }) => d),
    summary: {
      projects,
      findings: counted(findings),
      errors: errors.length,
      databasesReachable: reachableDatabases(findings),
      after: { findings: counted(after), databasesReachable: reachableDatabases(after) },
    },
  };
}

const COLOUR: Record<AuditLevel, string> = {
  error: "\u001b[31m",
  warning: "\u001b[33m",
  note: "\u001b[2m",
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A table a person reads: level, project/service, finding, where. */
export function renderAuditTable(report: AuditReport, color: boolean): string {
  const rows = report.findings.map((f) => [
    f.level,
    `${f.project}/${f.service}`,
    f.message,
    `${f.file}:${f.line}:${f.col}`,
  ]);
  const out: string[] = [];
  if (rows.length) {
    const [head, ...lines] = table(["LEVEL", "SERVICE", "FINDING", "WHERE"], rows);
    out.push(head);
    lines.forEach((text, i) => {
      const level = report.findings[i].level;
      out.push(color ? `${COLOUR[level]}${text}\u001b[0m` : text);
    });
  }
  const s = report.summary;
  out.push(
    `${plural(s.projects, "project")}: ${plural(s.databasesReachable, "database")} reachable from another project, ${plural(s.findings, "finding")}, ${plural(s.errors, "error")}`,
    `after \`composemod --write\`: ${s.after.databasesReachable} reachable, ${s.after.findings} findings`,
  );
  return out.join("\n") + "\n";
}

/** Errors for standard error, each with its code frame. */
export function renderAuditErrors(errors: Diagnostic[]): string {
  return errors.map((d) => formatDiagnostic(d) + "\n").join("");
}

const SARIF_LEVEL: Record<AuditLevel, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  note: "note",
};

/** A path as a URI reference: each segment escaped, an absolute path as a file: URI. */
function fileUri(path: string): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return path.startsWith("/") ? `file://${encoded}` : encoded;
}

/** SARIF 2.1.0: one result per finding, located at the service's key in its file. */
export function renderSarif(report: AuditReport): string {
  const ruleIds = Object.keys(RULES) as AuditRule[];
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "composemod",
            version: VERSION,
            informationUri: INFORMATION_URI,
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: RULES[id].description },
              defaultConfiguration: { level: SARIF_LEVEL[RULES[id].level] },
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ruleIds.indexOf(f.rule),
          level: SARIF_LEVEL[f.level],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: fileUri(f.file) },
                region: { startLine: f.line, startColumn: f.col },
              },
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
