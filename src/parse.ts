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
export function parseCompose(
  text: string,
  path: string,
  /** An override file may hold networks alone, with no `services`. */
  options: { servicesOptional?: boolean } = {},
): ParseOutcome {
  const source = new SourceText(text);
  const fail = (offset: number, code: DiagnosticCode, message: string): ParseOutcome => ({
    kind: "error",
    diagnostic: diagnosticAt(source, path, offset, code, message),
  });
  if (!options.servicesOptional && !text.includes("services")) {
    // not a compose file, whatever else it is: no need to parse it to say so
    return { kind: "skipped", reason: "not a compose file: no top-level `services`" };
  }
  const deep = tooDeep(text);
  if (deep !== undefined) {
    return fail(deep, "too-deep", `nested more than ${MAX_DEPTH} levels deep; no compose file is`);
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      merge: true,
      uniqueKeys: true,
      prettyErrors: false,
      logLevel: "error",
    });
  } catch (cause) {
    // the parser's own limits (its stack, its memory) are bad input too
    const message = cause instanceof Error ? cause.message : String(cause);
    return fail(0, "yaml-syntax", `cannot be read as YAML (${message})`);
  }
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
  const record = data as Record<string, unknown>;
  if (options.servicesOptional && record.services == null) {
    return { kind: "ok", file: { source, doc, root, data: record } };
  }
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
  return { kind: "ok", file: { source, doc, root, data: record } };
}

/** Deeper than any compose file goes; the parser's recursion is kept well away from its limits. */
export const MAX_DEPTH = 64;

/**
 * The offset where the text first nests deeper than {@link MAX_DEPTH}: flow brackets, compact
 * sequences (`- - - x`) or indentation. A cheap scan ahead of the parser, which deep input can
 * crash outright.
 */
function tooDeep(text: string): number | undefined {
  let flow = 0;
  let quote = "";
  // the last character that was not white space: a `[`, `{` or quote only opens after one of
  // these (or at a line's start); elsewhere it is part of a plain scalar
  let last = "\n";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) {
        quote = "";
        last = ch;
      }
      continue;
    }
    if (last === "\n" && (ch === " " || ch === "-")) {
      // a line's indentation and compact sequence dashes
      let j = i;
      let dashes = 0;
      while (
        j < text.length &&
        (text[j] === " " || (text[j] === "-" && " \n".includes(text[j + 1] ?? "\n")))
      ) {
        if (text[j] === "-") dashes++;
        j++;
      }
      if (dashes > MAX_DEPTH || j - i > MAX_DEPTH * 8) return i;
      if (j > i) {
        last = dashes ? "-" : "\n";
        i = j - 1;
        continue;
      }
    }
    const opens = "\n:-[{,?".includes(last);
    if (ch === "#" && (last === "\n" || /\s/.test(text[i - 1] ?? "\n"))) {
      const end = text.indexOf("\n", i);
      i = (end === -1 ? text.length : end) - 1;
      continue;
    }
    const next = text[i + 1] ?? "\n";
    if (opens && (ch === '"' || ch === "'")) quote = ch;
    else if (opens && (ch === "[" || ch === "{")) {
      if (++flow > MAX_DEPTH) return i;
      last = ch;
    } else if ((ch === "]" || ch === "}" || ch === ",") && flow > 0) {
      if (ch !== ",") flow--;
      last = ch;
    } else if (ch === "\n") last = "\n";
    else if ((ch === ":" || ch === "-" || ch === "?") && " \t\r\n".includes(next)) last = ch;
    else if (ch !== " " && ch !== "\t" && ch !== "\r") last = "a";
  }
  return undefined;
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
