import { Document, isAlias, isMap, isScalar, visit, YAMLMap } from "yaml";
import { Diagnostic, DiagnosticCode, diagnosticAt } from "../base/diagnostic";
import { parseYaml } from "../yaml/parse-yaml";
import type { SourceText } from "../base/source-text";
import { MAX_INTERPOLATION_DEPTH, tooDeepInterpolation } from "./values";

/** A compose file as composemod edits it: its text, its syntax tree and its data. */
export interface ComposeFile {
  source: SourceText;
  doc: Document.Parsed;
  root: YAMLMap;
  /** The document as plain data, merge keys applied. */
  data: Record<string, unknown>;
}

export type ComposeFileOutcome =
  | { kind: "ok"; file: ComposeFile }
  | { kind: "error"; diagnostic: Diagnostic }
  | { kind: "skipped"; reason: string };

export interface ComposeFileOptions {
  /** An override or an included file may hold networks alone, with no `services`. */
  servicesOptional?: boolean;
}

/**
 * Parses a compose file and checks that it has the shape composemod edits: one YAML document
 * whose top level is a mapping with a `services` mapping of mappings.
 */
export function parseComposeFile(
  text: string,
  path: string,
  options: ComposeFileOptions = {},
): ComposeFileOutcome {
  if (!options.servicesOptional && !text.includes("services")) {
    // not a compose file, whatever else it is: no need to parse it to say so
    return { kind: "skipped", reason: "not a compose file: no top-level `services`" };
  }
  const parsed = parseYaml(text, path);
  if (parsed.kind === "error") return parsed;
  if (parsed.kind === "empty") return { kind: "skipped", reason: "empty file" };
  const { source, doc, data } = parsed.yaml;
  const fail = (offset: number, code: DiagnosticCode, message: string): ComposeFileOutcome => ({
    kind: "error",
    diagnostic: diagnosticAt(source, path, offset, code, message),
  });
  if (!isMap(doc.contents)) {
    return fail(doc.contents?.range?.[0] ?? 0, "not-a-mapping", "top level is not a mapping");
  }
  const deep = deepValue(doc, text);
  if (deep !== undefined) {
    return fail(
      deep,
      "interpolation-too-deep",
      `a value nests \`\${...}\` more than ${MAX_INTERPOLATION_DEPTH} levels deep, which no compose file needs`,
    );
  }
  const root = doc.contents;
  const services = root.get("services", true);
  const record = data as Record<string, unknown>;
  const file: ComposeFile = { source, doc, root, data: record };
  if (options.servicesOptional && record.services == null) return { kind: "ok", file };
  if (services === undefined) {
    return { kind: "skipped", reason: "not a compose file: no top-level `services`" };
  }
  if (record.services == null) return { kind: "skipped", reason: "`services` is empty" };
  if (!isMap(services) && !isAlias(services)) {
    return fail(rangeStart(services), "invalid-services", "`services` is not a mapping");
  }
  if (typeof record.services !== "object" || Array.isArray(record.services)) {
    return fail(rangeStart(services), "invalid-services", "`services` is not a mapping");
  }
  const keyProblem = nonStringKey(root, services);
  if (keyProblem) return fail(keyProblem.offset, "invalid-service", keyProblem.message);
  if (isMap(services)) {
    for (const pair of services.items) {
      if (isScalar(pair.key) && typeof pair.key.value === "symbol") {
        return {
          kind: "skipped",
          reason: "services come in through a merge key (<<), which composemod does not edit",
        };
      }
      const value = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
      const empty = value == null || (isScalar(value) && value.value == null);
      if (!empty && !isMap(value)) {
        const name = isScalar(pair.key) ? String(pair.key.source ?? pair.key.value) : "?";
        return fail(
          rangeStart(pair.value ?? pair.key),
          "invalid-service",
          `service \`${name}\` is not a mapping`,
        );
      }
    }
  }
  return { kind: "ok", file };
}

/**
 * Where the first value that nests `${...}` deeper than Compose values go begins; only looked
 * for when the text has that many `${` at all.
 */
function deepValue(doc: Document.Parsed, text: string): number | undefined {
  let count = 0;
  for (let i = text.indexOf("${"); i !== -1; i = text.indexOf("${", i + 2)) {
    if (++count > MAX_INTERPOLATION_DEPTH) break;
  }
  if (count <= MAX_INTERPOLATION_DEPTH) return undefined;
  let found: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && tooDeepInterpolation(node.value) !== undefined) {
        found = node.range?.[0] ?? 0;
        return visit.BREAK;
      }
    },
  });
  return found;
}

/** A key of the top level, of `services` or of a service that is not a plain string or number. */
function nonStringKey(
  root: YAMLMap,
  services: unknown,
): { offset: number; message: string } | undefined {
  const maps: unknown[] = [root, services];
  if (isMap(services)) maps.push(...services.items.map((p) => p.value));
  for (const map of maps) {
    if (!isMap(map)) continue;
    for (const pair of map.items) {
      if (!isScalar(pair.key)) {
        const offset = (pair.key as { range?: number[] } | null)?.range?.[0] ?? 0;
        return { offset, message: "a key that is a list or mapping; compose keys are names" };
      }
    }
  }
  return undefined;
}

function rangeStart(node: unknown): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[0] : 0;
}
