import {
  Composer,
  CST,
  Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  Node,
  Parser,
  Scalar,
  YAMLMap,
  YAMLSeq,
} from "yaml";
import { Diagnostic, DiagnosticCode, diagnosticAt } from "../base/diagnostic";
import { SourceText } from "../base/source-text";

/** Deeper than any compose file goes; the parser's recursion is kept well away from its limits. */
export const MAX_DEPTH = 64;

/**
 * How many nodes the aliases of a document may add when they are expanded, beyond ten times the
 * document's own nodes: a file that reuses its anchors (Sentry's has 145 aliases and 131 merge
 * keys) stays far below it, an alias bomb far above.
 */
export const MAX_ALIAS_GROWTH = 100_000;

/** A YAML document read through every guard: nesting, alias expansion, duplicate keys, one document. */
export interface ParsedYaml {
  source: SourceText;
  doc: Document.Parsed;
  /** The document as plain data, merge keys applied. */
  data: unknown;
}

export type YamlOutcome =
  | { kind: "ok"; yaml: ParsedYaml }
  | { kind: "empty"; source: SourceText }
  | { kind: "error"; diagnostic: Diagnostic };

/**
 * A line that git (or diff3) leaves where a merge conflicted: `<<<<<<< ours`, `||||||| base`,
 * `>>>>>>> theirs`. At the start of a line no compose file has one, and the parser would only
 * say that an implicit key spans lines.
 */
const CONFLICT_MARKER = /^\ufeff?(<{7}|\|{7}|>{7})(?=[ \t]|\r?$)/m;

const YAML_CODES: Record<string, DiagnosticCode> = {
  DUPLICATE_KEY: "duplicate-key",
  TAB_AS_INDENT: "tab-indent",
  MULTIPLE_DOCS: "multiple-documents",
};

/**
 * Parses one YAML document the way every file composemod reads is parsed (compose files, the
 * files they include, the files their services extend): nesting deeper than {@link MAX_DEPTH}
 * is refused before the parser's recursion meets it, aliases are expanded only up to a size
 * bound, keys are unique, and the parser's own exceptions become diagnostics. Never throws for
 * bad input.
 */
export function parseYaml(text: string, path: string): YamlOutcome {
  const source = new SourceText(text);
  const fail = (offset: number, code: DiagnosticCode, message: string): YamlOutcome => ({
    kind: "error",
    diagnostic: diagnosticAt(source, path, offset, code, message),
  });
  const conflict = CONFLICT_MARKER.exec(text);
  if (conflict) {
    const marker = conflict[1];
    const offset = conflict.index + conflict[0].indexOf(marker);
    const message = `an unresolved merge conflict (a \`${marker}\` line); resolve it, then run composemod again`;
    return fail(offset, "merge-conflict", message);
  }
  let doc: Document.Parsed | undefined;
  try {
    const tokens = [...new Parser().parse(text)];
    const deep = tooDeep(tokens);
    if (deep !== undefined) {
      return fail(
        deep,
        "too-deep",
        `nested more than ${MAX_DEPTH} levels deep; no compose file is`,
      );
    }
    const composer = new Composer({
      merge: true,
      // checked below with a set per mapping: the parser's own check compares every pair
      uniqueKeys: false,
      prettyErrors: false,
      logLevel: "error",
    });
    for (const next of composer.compose(tokens, true, text.length)) {
      if (!doc) doc = next as Document.Parsed;
      else {
        const message = "several YAML documents in one file; a compose file is one document";
        return fail(next.range[0], "multiple-documents", message);
      }
    }
  } catch (cause) {
    // the parser's own limits (its stack, its memory) are bad input too
    const message = cause instanceof Error ? cause.message : String(cause);
    return fail(0, "yaml-syntax", `cannot be read as YAML (${message})`);
  }
  if (!doc) return { kind: "empty", source };
  const problem = firstProblem(doc);
  if (problem) return fail(problem.offset, problem.code, problem.message);
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value == null)) {
    return { kind: "empty", source };
  }
  if (text.includes("*")) {
    const alias = aliasProblem(doc);
    if (alias) return fail(alias.offset, alias.code, alias.message);
  }
  let data: unknown = plainData(doc.contents);
  try {
    if (data === NOT_PLAIN) data = doc.toJS({ maxAliasCount: -1 });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return fail(doc.contents.range?.[0] ?? 0, "yaml-syntax", message);
  }
  return { kind: "ok", yaml: { source, doc, data } };
}

const NOT_PLAIN: unique symbol = Symbol("not plain");

/**
 * The document as plain data, as `toJS` gives it, in one walk and without its context objects,
 * when the document is plain: maps, sequences and scalars of yaml's own classes, scalar keys,
 * no alias, no merge key and no pair inside a sequence. Anything else is `NOT_PLAIN`, and left
 * to `toJS`.
 */
export function plainData(root: unknown): unknown {
  if (root === null || root === undefined) return null;
  if (root instanceof Scalar && root.constructor === Scalar) return root.value;
  if (root instanceof YAMLMap && root.constructor === YAMLMap) {
    const out: Record<string, unknown> = {};
    for (const pair of root.items) {
      const key = pair.key;
      if (!(key instanceof Scalar) || key.constructor !== Scalar) return NOT_PLAIN;
      const k = key.value;
      // a merge key is `<<` or, where the composer merges, a symbol: both left to toJS
      if (k === "<<" || typeof k === "symbol" || (k !== null && typeof k === "object")) {
        return NOT_PLAIN;
      }
      const name = k === null ? "" : String(k);
      const value = plainData(pair.value);
      if (value === NOT_PLAIN) return NOT_PLAIN;
      // as toJS: an inherited name (__proto__, constructor) or a repeat becomes an own property
      if (name in out) {
        Object.defineProperty(out, name, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else out[name] = value;
    }
    return out;
  }
  if (root instanceof YAMLSeq && root.constructor === YAMLSeq) {
    const out: unknown[] = new Array(root.items.length);
    for (let i = 0; i < root.items.length; i++) {
      const item = root.items[i];
      if (isPair(item)) return NOT_PLAIN;
      const value = plainData(item);
      if (value === NOT_PLAIN) return NOT_PLAIN;
      out[i] = value;
    }
    return out;
  }
  return NOT_PLAIN;
}

/** The parser's first error, or the first duplicate key, whichever comes first in the text. */
function firstProblem(
  doc: Document.Parsed,
): { offset: number; code: DiagnosticCode; message: string } | undefined {
  const [error] = doc.errors;
  const parsed = error && {
    offset: error.pos[0],
    code: YAML_CODES[error.code] ?? "yaml-syntax",
    message: error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, ""),
  };
  const duplicate = firstDuplicateKey(doc.contents);
  const dup = duplicate !== undefined && {
    offset: duplicate,
    code: "duplicate-key" as const,
    message: "Map keys must be unique",
  };
  if (parsed && dup) return dup.offset < parsed.offset ? dup : parsed;
  return parsed || dup || undefined;
}

/** Offset of the first key that repeats an earlier key of its mapping, as scalars compare. */
function firstDuplicateKey(root: unknown): number | undefined {
  let first: number | undefined;
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop() as Node | null | undefined;
    if (!node || isAlias(node) || isScalar(node)) continue;
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of (node as YAMLMap).items) {
        const key = pair.key;
        if (isScalar(key)) {
          if (seen.has(key.value)) {
            const at = key.range?.[0] ?? 0;
            if (first === undefined || at < first) first = at;
          } else seen.add(key.value);
        }
        stack.push(pair.key, pair.value);
      }
    } else if ("items" in node) stack.push(...(node as { items: unknown[] }).items);
  }
  return first;
}

/** The children of a collection node: keys and values of pairs, items of sequences. */
function childrenOf(node: Node): Node[] {
  if (!("items" in node)) return [];
  const out: Node[] = [];
  for (const item of (node as { items: unknown[] }).items) {
    if (isPair(item)) {
      if (isNode(item.key)) out.push(item.key);
      if (isNode(item.value)) out.push(item.value);
    } else if (isNode(item)) out.push(item);
  }
  return out;
}

/**
 * The node each alias refers to: the last node before it with that anchor, as YAML reads it.
 * One walk of the document, where the parser's own lookup walks it again for every alias.
 */
export function aliasTargets(doc: Document.Parsed): Map<Node, Node | undefined> {
  const anchors = new Map<string, { at: number; node: Node }[]>();
  const aliases: Node[] = [];
  const stack: Node[] = doc.contents ? [doc.contents as Node] : [];
  while (stack.length) {
    const node = stack.pop()!;
    if (isAlias(node)) {
      aliases.push(node);
      continue;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) {
      const list = anchors.get(anchor) ?? [];
      list.push({ at: node.range?.[0] ?? 0, node });
      anchors.set(anchor, list);
    }
    stack.push(...childrenOf(node));
  }
  for (const list of anchors.values()) list.sort((a, b) => a.at - b.at);
  const targets = new Map<Node, Node | undefined>();
  for (const alias of aliases) {
    const list = anchors.get((alias as unknown as { source: string }).source) ?? [];
    const at = alias.range?.[0] ?? 0;
    let found: Node | undefined;
    for (let lo = 0, hi = list.length - 1; lo <= hi;) {
      const mid = (lo + hi) >> 1;
      if (list[mid].at < at) {
        found = list[mid].node;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    targets.set(alias, found);
  }
  return targets;
}

/**
 * An alias that refers to no anchor, an alias inside the node it refers to (`&r [*r]`, `&a {<<:
 * *a}`: a value that holds itself, which no expansion ends), or aliases that would expand the
 * document beyond {@link MAX_ALIAS_GROWTH} nodes more than ten times its own: counted without
 * expanding, each node's expanded size once.
 */
function aliasProblem(
  doc: Document.Parsed,
): { offset: number; code: DiagnosticCode; message: string } | undefined {
  const targets = aliasTargets(doc);
  for (const [alias, target] of targets) {
    const source = (alias as unknown as { source: string }).source;
    const offset = alias.range?.[0] ?? 0;
    if (!target) return { offset, code: "yaml-syntax", message: `unresolved alias *${source}` };
    const [start, end] = target.range ?? [0, 0];
    if (offset >= start && offset < end) {
      return {
        offset,
        code: "self-referencing-alias",
        message: `the alias *${source} is inside the value its anchor &${source} names: that value would hold itself without end`,
      };
    }
  }
  const sizes = new Map<Node, number>();
  const entered = new Set<Node>();
  let own = 0;
  const next = (node: Node): Node[] => {
    if (isAlias(node)) return [targets.get(node)!];
    return childrenOf(node);
  };
  // expanded sizes, children before parents, without recursion
  const stack: Node[] = doc.contents ? [doc.contents as Node] : [];
  while (stack.length) {
    const node = stack[stack.length - 1];
    if (sizes.has(node)) {
      stack.pop();
      continue;
    }
    if (!entered.has(node)) {
      entered.add(node);
      for (const child of next(node)) {
        // an alias inside its own anchor is refused above
        if (!sizes.has(child) && !entered.has(child)) stack.push(child);
      }
      continue;
    }
    stack.pop();
    if (!isAlias(node)) own++;
    let size = 1;
    for (const child of next(node)) size += sizes.get(child) ?? 1;
    sizes.set(node, size);
  }
  const total = doc.contents ? (sizes.get(doc.contents as Node) ?? 0) : 0;
  if (total > own * 10 + MAX_ALIAS_GROWTH) {
    return {
      offset: 0,
      code: "yaml-syntax",
      message: `its aliases expand to ${total.toLocaleString("en-US")} nodes from ${own.toLocaleString("en-US")}: an alias bomb, not a compose file`,
    };
  }
  return undefined;
}

type Token = CST.Token | CST.CollectionItem["value"];

/**
 * The offset where the parsed text first nests collections deeper than {@link MAX_DEPTH}, read
 * from the parser's syntax tree before the composer's recursion walks it.
 */
function tooDeep(tokens: CST.Token[]): number | undefined {
  const stack: { token: Token; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    switch (token.type) {
      case "document":
        stack.push({ token: token.value, depth });
        break;
      case "block-map":
      case "block-seq":
      case "flow-collection": {
        if (depth + 1 > MAX_DEPTH) return token.offset;
        for (const item of token.items) {
          if ("key" in item && item.key) stack.push({ token: item.key, depth: depth + 1 });
          if (item.value) stack.push({ token: item.value, depth: depth + 1 });
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}
