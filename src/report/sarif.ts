import { AuditRule, Finding, findingKey, RULES } from "../analysis/findings";
import { VERSION } from "../version";
import type { AuditReport } from "./audit-report";
import { chunked, LazyArray, writeJson } from "./json-stream";
import type { ProjectFix } from "./sarif-fix";

const INFORMATION_URI = "https://www.npmjs.com/package/composemod";

/** Where the README explains a rule: its heading under "What the audit reports". */
export function helpUri(rule: AuditRule): string {
  return `${INFORMATION_URI}#${rule}`;
}

/** A path as a URI reference: each segment escaped, an absolute path as a file: URI. */
export function fileUri(path: string): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return path.startsWith("/") ? `file://${encoded}` : encoded;
}

const pascal = (id: string) =>
  id.replace(/(^|-)([a-z])/g, (_m, _dash, letter: string) => letter.toUpperCase());

function rules() {
  return (Object.keys(RULES) as AuditRule[]).map((id) => ({
    id,
    name: pascal(id),
    shortDescription: { text: RULES[id].title },
    fullDescription: { text: RULES[id].description },
    helpUri: helpUri(id),
    help: { text: `${RULES[id].description} See ${helpUri(id)}` },
    defaultConfiguration: { level: RULES[id].level },
  }));
}

function notifications(report: AuditReport) {
  return [
    ...report.warnings.map((w) => ({ level: "warning", message: { text: w.message } })),
    ...report.errors.map((d) => ({
      level: "error",
      message: { text: `${d.message} [${d.code}]` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: fileUri(d.path) },
            region: { startLine: d.line, startColumn: d.col },
          },
        },
      ],
    })),
  ];
}

/** The fixes a finding is offered: the project's whole rewrite, when the rewrite ends the finding. */
function fixesOf(f: Finding, fix: ProjectFix | undefined) {
  if (!fix || f.fixedByWrite !== true || fix.files.length === 0) return undefined;
  return [
    {
      description: { text: `composemod --write: ${fix.description}` },
      artifactChanges: fix.files.map((file) => ({
        artifactLocation: { uri: fileUri(file.path) },
        replacements: file.replacements,
      })),
    },
  ];
}

function* results(
  report: AuditReport,
  fixOf: (f: Finding) => ProjectFix | undefined,
): Generator<unknown> {
  const ruleIds = Object.keys(RULES) as AuditRule[];
  const networkIndex = new Map(report.networks.map((n, i) => [n.name, i]));
  for (const f of report.findings) {
    const network = f.network !== undefined ? networkIndex.get(f.network) : undefined;
    const logical = [
      ...(network !== undefined
        ? [{ index: network, name: f.network, fullyQualifiedName: f.network, kind: "network" }]
        : []),
      ...(f.containers ?? []).map((name) => ({ name, kind: "container" })),
    ];
    const location: Record<string, unknown> = {};
    if (f.file !== undefined) {
      location.physicalLocation = {
        artifactLocation: { uri: fileUri(f.file) },
        region: { startLine: f.line, startColumn: f.col },
      };
    }
    if (logical.length) location.logicalLocations = logical;
    const fixes = fixesOf(f, fixOf(f));
    yield {
      ruleId: f.rule,
      ruleIndex: ruleIds.indexOf(f.rule),
      level: f.level,
      message: { text: f.message },
      locations: [location],
      partialFingerprints: { "composemodFinding/v1": findingKey(f).split("\u0000").join("|") },
      ...(fixes ? { fixes } : {}),
      properties: {
        project: f.project,
        service: f.service,
        role: f.role,
        ...(f.network !== undefined ? { network: f.network } : {}),
        ...(f.name !== undefined ? { name: f.name } : {}),
        ...(f.others ? { others: f.others } : {}),
        ...(f.fixedByWrite !== undefined ? { fixedByWrite: f.fixedByWrite } : {}),
      },
    };
  }
}

/**
 * SARIF 2.1.0, written in pieces: one result per finding, located at the key it is about in the
 * file where that key lives, with the rewrite's edits as a fix when `composemod --write` ends it;
 * the shared networks once, as the run's logical locations (results refer to them by index) and,
 * with their members, in the run's properties. Rules carry their title, description, default
 * level and the README section that explains them.
 */
export function writeSarif(
  report: AuditReport,
  fixOf: (f: Finding) => ProjectFix | undefined,
  write: (text: string) => void,
): void {
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
            rules: rules(),
          },
        },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            toolExecutionNotifications: notifications(report),
          },
        ],
        columnKind: "utf16CodeUnits",
        logicalLocations: report.networks.map((n) => ({
          name: n.name,
          fullyQualifiedName: n.name,
          kind: "network",
        })),
        // one result a line: a large host's results with their fixes are most of the file
        results: new LazyArray(results(report, fixOf), true),
        properties: { source: report.source, networks: report.networks, summary: report.summary },
      },
    ],
  };
  const out = chunked(write);
  writeJson(sarif, out.write, 7);
  out.write("\n");
  out.flush();
}
