import { Alias, Document, isAlias, isMap, isScalar, parseDocument, visit, YAMLMap } from "yaml";
import { Diagnostic, DiagnosticCode, diagnosticAt } from "./diagnostic";
import { SourceText } from "./source";

/** Most aliases a document may expand; an alias bomb stops here instead of eating memory. */
export const MAX_ALIAS_COUNT = 1000;

export interface ParsedFile {
  source: SourceText;
  doc: Document.Parsed;
  root: YAMLMap;
  /** The document as plain data, merge keys applied. */
  data: Record<string, unknown>;
}

export type ParseOutcome =
  | { kind: "ok"; file: ParsedFile }
  | { kind: "error"; diagnostic: Diagnostic }
  | { kind: "skipped"; reason: string };

const YAML_CODES: Record<string, DiagnosticCode> = {
  DUPLICATE_KEY: "duplicate-key",
  TAB_AS_INDENT: "tab-indent",
  MULTIPLE_DOCS: "multiple-documents",
};

/**
 * Parses a compose file and checks that it has the shape composemod edits: one YAML document
 * whose top level is a mapping with a `services` mapping of mappings.
 */
export function parseCompose(text: string, path: string): ParseOutcome {
  const source = new SourceText(text);
  const fail = (offset: number, code: DiagnosticCode, message: string): ParseOutcome => ({
    kind: "error",
    diagnostic: diagnosticAt(source, path, offset, code, message),
  });
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: false });
  const [error] = doc.errors;
  if (error) {
    const message =
      error.code === "MULTIPLE_DOCS"
        ? "several YAML documents in one file; a compose file is one document"
        : error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "");
    return fail(error.pos[0], YAML_CODES[error.code] ?? "yaml-syntax", message);
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value == null)) {
    return { kind: "skipped", reason: "empty file" };
  }
  if (!isMap(doc.contents)) {
    return fail(doc.contents.range?.[0] ?? 0, "not-a-mapping", "top level is not a mapping");
  }
  const unresolved = text.includes("*") ? findUnresolvedAlias(doc) : undefined;
  if (unresolved) {
    return fail(
      unresolved.range?.[0] ?? 0,
      "yaml-syntax",
      `unresolved alias *${unresolved.source}`,
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return fail(doc.contents.range[0], "yaml-syntax", message);
  }
  const root = doc.contents;
  const services = root.get("services", true);
  if (services === undefined) {
    return { kind: "skipped", reason: "not a compose file: no top-level `services`" };
  }
  const record = data as Record<string, unknown>;
  if (record.services == null) return { kind: "skipped", reason: "`services` is empty" };
  if (!isMap(services) && !isAlias(services)) {
    return fail(rangeStart(services), "invalid-services", "`services` is not a mapping");
  }
  if (typeof record.services !== "object" || Array.isArray(record.services)) {
    return fail(rangeStart(services), "invalid-services", "`services` is not a mapping");
  }
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
  return { kind: "ok", file: { source, doc, root, data: record } };
}

function rangeStart(node: unknown): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[0] : 0;
}

function findUnresolvedAlias(doc: Document.Parsed): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) === undefined) {
        found = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
