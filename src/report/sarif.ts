import { AuditRule, Finding, findingKey, RULES } from "../analysis/findings";
import { VERSION } from "../version";
import type { AuditReport } from "./audit-report";
import { inChunks, jsonPieces, LazyArray, RawJson } from "./json-stream";
import { fileUri } from "./sarif-fix";

const INFORMATION_URI = "https://www.npmjs.com/package/composemod";

/** Where a rule is explained: its heading under "What the audit reports" (docs/audit.md), on the package's page. */
export function helpUri(rule: AuditRule): string {
  return `${INFORMATION_URI}#${rule}`;
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

function* results(
  report: AuditReport,
  fixesOf: (f: Finding) => string | undefined,
): Generator<RawJson> {
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
    const result = {
      ruleId: f.rule,
      ruleIndex: ruleIds.indexOf(f.rule),
      level: f.level,
      message: { text: f.message },
      locations: [location],
      partialFingerprints: { "composemodFinding/v1": findingKey(f).split("\u0000").join("|") },
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
    const text = JSON.stringify(result);
    // the project's rewrite, when it ends the finding: its text as the worker made it
    const fixes = f.fixedByWrite === true ? fixesOf(f) : undefined;
    yield new RawJson(fixes ? `${text.slice(0, -1)},"fixes":${fixes}}` : text);
  }
}

/**
 * SARIF 2.1.0, in chunks: one result per finding, located at the key it is about in the
 * file where that key lives, with the rewrite's edits as a fix when `composemod --write` ends it;
 * the shared networks once, as the run's logical locations (results refer to them by index) and,
 * with their members, in the run's properties. Rules carry their title, description, default
 * level and the README section that explains them.
 */
export function sarifChunks(
  report: AuditReport,
  fixesOf: (f: Finding) => string | undefined,
): Iterable<string> {
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
        results: new LazyArray(results(report, fixesOf), true),
        properties: { source: report.source, networks: report.networks, summary: report.summary },
      },
    ],
  };
  return inChunks(
    (function* () {
      yield* jsonPieces(sarif, 7);
      yield "\n";
    })(),
  );
}

export function writeSarif(
  report: AuditReport,
  fixesOf: (f: Finding) => string | undefined,
  write: (text: string) => void,
): void {
  for (const chunk of sarifChunks(report, fixesOf)) write(chunk);
}
