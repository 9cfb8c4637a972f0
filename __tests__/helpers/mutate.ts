/**
 * A seeded mutator for compose files. Mutations work on bytes, not strings, so that they can
 * produce what a disk can hold and a string cannot: invalid UTF-8, split multi-byte characters.
 * Every input is reproducible from `(seed, index)` alone, so a failure names the one input to
 * rebuild.
 */

/** mulberry32: a tiny 32-bit PRNG, good enough to spread mutations, and identical on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Random {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** A number in [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** The seed of input `index` of a run with `seed`; inputs do not depend on each other. */
export function inputSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

export const MUTATION_KINDS = [
  "truncate",
  "insert-tab",
  "random-bytes",
  "duplicate-line",
  "deep-nesting",
  "alias-bomb",
  "long-string",
  "swap-lines",
  "delete-lines",
  "reindent",
  "document-marker",
  "crlf",
  "bom",
  "random-unicode",
  "self-anchor",
  "escape-name",
  "include-link",
] as const;

export type MutationKind = (typeof MUTATION_KINDS)[number];

type Mutation = (input: Buffer, rnd: Random) => Buffer;

const NL = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const MEGABYTE = 1 << 20;

/** Lines without their `\n` (a `\r` stays on its line); the last is what follows the final `\n`. */
function splitLines(input: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = input.indexOf(NL); i !== -1; i = input.indexOf(NL, start)) {
    lines.push(input.subarray(start, i));
    start = i + 1;
  }
  lines.push(input.subarray(start));
  return lines;
}

function joinLines(lines: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  lines.forEach((line, i) => {
    if (i > 0) parts.push(Buffer.from([NL]));
    parts.push(line);
  });
  return Buffer.concat(parts);
}

function insertAt(input: Buffer, offset: number, text: Buffer | string): Buffer {
  const bytes = typeof text === "string" ? Buffer.from(text) : text;
  return Buffer.concat([input.subarray(0, offset), bytes, input.subarray(offset)]);
}

function indentOf(line: Buffer): number {
  let n = 0;
  while (n < line.length && line[n] === 0x20) n++;
  return n;
}

/** Steps back to the start of a UTF-8 sequence, so an insertion does not split a character. */
function charBoundary(input: Buffer, offset: number): number {
  let i = offset;
  while (i > 0 && i < input.length && (input[i] & 0xc0) === 0x80) i--;
  return i;
}

/**
 * Inserts a block of YAML lines where it is likely to be read as part of the document: at the top
 * level (start or end), or before a random line with that line's indentation.
 */
function insertBlock(input: Buffer, rnd: Random, block: (indent: string) => string): Buffer {
  const where = rnd.int(3);
  if (where === 0) {
    const sep = input.length === 0 || input[input.length - 1] === NL ? "" : "\n";
    return Buffer.concat([input, Buffer.from(sep + block("") + "\n")]);
  }
  if (where === 1) {
    const at = input.subarray(0, 3).equals(BOM) ? 3 : 0;
    return insertAt(input, at, block("") + "\n");
  }
  const lines = splitLines(input);
  const i = rnd.int(lines.length);
  const indent = " ".repeat(indentOf(lines[i]));
  return joinLines([...lines.slice(0, i), Buffer.from(block(indent)), ...lines.slice(i)]);
}

function truncate(input: Buffer, rnd: Random): Buffer {
  return input.subarray(0, rnd.int(input.length));
}

function insertTab(input: Buffer, rnd: Random): Buffer {
  const lines = splitLines(input);
  const i = rnd.int(lines.length);
  const line = lines[i];
  const indent = indentOf(line);
  const variant = rnd.int(3);
  if (variant === 0 && indent > 0) {
    // the indentation itself becomes a tab
    lines[i] = Buffer.concat([Buffer.from("\t"), line.subarray(indent)]);
  } else if (variant === 1 || line.length === 0) {
    lines[i] = Buffer.concat([Buffer.from("\t"), line]);
  } else {
    const at = charBoundary(line, rnd.int(line.length + 1));
    lines[i] = insertAt(line, at, "\t");
  }
  return joinLines(lines);
}

/** Bytes that matter to a YAML or UTF-8 reader, besides plain random ones. */
const NASTY_BYTES: readonly number[][] = [
  [0xff],
  [0xfe],
  [0x80],
  [0xc0, 0x80], // overlong NUL
  [0xed, 0xa0, 0x80], // an encoded UTF-16 surrogate
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xe2, 0x82], // a truncated sequence
  [0x00],
  [0x0d],
  ...[..."&*!|>{}[],:#'\"%@`-?"].map((c) => [c.charCodeAt(0)]),
];

function randomBytes(input: Buffer, rnd: Random): Buffer {
  if (input.length === 0) return Buffer.from(rnd.pick(NASTY_BYTES));
  const out = Buffer.from(input);
  const times = rnd.between(1, 4);
  for (let t = 0; t < times; t++) {
    const bytes = rnd.chance(0.5) ? rnd.pick(NASTY_BYTES) : [rnd.int(256)];
    const at = rnd.int(out.length);
    for (let k = 0; k < bytes.length && at + k < out.length; k++) out[at + k] = bytes[k];
  }
  return out;
}

/** A copy of a line, or of a line and the lines indented under it: a key given twice. */
function duplicateLine(input: Buffer, rnd: Random): Buffer {
  const lines = splitLines(input);
  const i = rnd.int(lines.length);
  let end = i + 1;
  if (rnd.chance(0.5)) {
    const indent = indentOf(lines[i]);
    while (
      end < lines.length &&
      (lines[end].toString().trim() === "" || indentOf(lines[end]) > indent)
    ) {
      end++;
    }
  }
  const copy = lines.slice(i, end);
  return joinLines([...lines.slice(0, end), ...copy, ...lines.slice(end)]);
}

function deepNesting(input: Buffer, rnd: Random): Buffer {
  const depth = rnd.between(1000, 5000);
  const variant = rnd.int(5);
  return insertBlock(input, rnd, (indent) => {
    switch (variant) {
      case 0:
        return `${indent}x-deep: ${"[".repeat(depth)}${"]".repeat(depth)}`;
      case 1:
        // unclosed: the parser must give up, not recurse forever
        return `${indent}x-deep: ${"[".repeat(depth)}`;
      case 2:
        return `${indent}x-deep: ${"{a: ".repeat(depth)}1${"}".repeat(depth)}`;
      case 3:
        // compact nested block sequences, one level per `- `
        return `${indent}x-deep:\n${indent}  ${"- ".repeat(depth)}x`;
      default: {
        // nested block maps, one space deeper per level; kept shallower as the text grows as depth²
        const levels = Math.floor(depth / 5);
        const out = [`${indent}x-deep:`];
        for (let l = 1; l <= levels; l++) out.push(`${indent}${" ".repeat(l)}k${l}:`);
        return out.join("\n");
      }
    }
  });
}

const BOMB_LEVELS = 9;

/**
 * Billion laughs: nine levels of nine aliases each, 9^9 strings once expanded; `use` names a key
 * that refers to the top level.
 */
export function aliasBombLines(indent: string, use?: string): string {
  const lines = [`${indent}x-lol0: &lol0 "lol"`];
  for (let l = 1; l <= BOMB_LEVELS; l++) {
    lines.push(
      `${indent}x-lol${l}: &lol${l} [${Array(9)
        .fill(`*lol${l - 1}`)
        .join(", ")}]`,
    );
  }
  if (use) lines.push(`${indent}${use}: *lol${BOMB_LEVELS}`);
  return lines.join("\n");
}

function aliasBomb(input: Buffer, rnd: Random): Buffer {
  if (rnd.chance(0.25)) {
    // the bomb on a service of its own, so that the file is a compose file that uses it
    const sep = input.length === 0 || input[input.length - 1] === NL ? "" : "\n";
    const bomb = `${aliasBombLines("")}\nservices:\n  bomb:\n    image: busybox\n    labels: *lol${BOMB_LEVELS}\n`;
    return Buffer.concat([input, Buffer.from(sep + bomb)]);
  }
  return insertBlock(input, rnd, (indent) => aliasBombLines(indent, "x-bomb"));
}

function longString(input: Buffer, rnd: Random): Buffer {
  const variant = rnd.int(4);
  const value = (indent: string) =>
    variant === 0
      ? "a".repeat(MEGABYTE)
      : variant === 1
        ? `"${'x\\n\\u00e9\\"'.repeat(MEGABYTE / 10)}"`
        : variant === 2
          ? `'${"it''s ".repeat(MEGABYTE / 7)}'`
          : // a block literal: many lines of one value
            `|\n${`${indent}    ${"z".repeat(76)}\n`.repeat(MEGABYTE / 81)}`;
  const lines = splitLines(input);
  const candidates = lines
    .map((line, i) => ({ i, match: /^(\s*)((?:- )?[\w.-]+:)[ \t]+\S/.exec(line.toString()) }))
    .filter((c) => c.match);
  if (candidates.length && rnd.chance(0.7)) {
    const { i, match } = rnd.pick(candidates);
    lines[i] = Buffer.from(`${match![1]}${match![2]} ${value(match![1])}`);
    return joinLines(lines);
  }
  return insertBlock(input, rnd, (indent) => `${indent}x-long: ${value(indent)}`);
}

function swapLines(input: Buffer, rnd: Random): Buffer {
  const lines = splitLines(input);
  const i = rnd.int(lines.length);
  const j = rnd.chance(0.5) ? Math.min(lines.length - 1, i + 1) : rnd.int(lines.length);
  [lines[i], lines[j]] = [lines[j], lines[i]];
  return joinLines(lines);
}

function deleteLines(input: Buffer, rnd: Random): Buffer {
  const lines = splitLines(input);
  const i = rnd.int(lines.length);
  lines.splice(i, rnd.between(1, 3));
  return joinLines(lines);
}

function reindent(input: Buffer, rnd: Random): Buffer {
  const lines = splitLines(input);
  if (rnd.chance(0.3)) {
    // the whole file twice as deep, or half as deep (which can merge levels)
    const twice = rnd.chance(0.5);
    return joinLines(
      lines.map((line) => {
        const n = indentOf(line);
        const next = twice ? n * 2 : Math.floor(n / 2);
        return Buffer.concat([Buffer.from(" ".repeat(next)), line.subarray(n)]);
      }),
    );
  }
  const i = rnd.int(lines.length);
  const n = indentOf(lines[i]);
  const next = Math.max(0, n + rnd.pick([-4, -2, -1, 1, 2, 3, 4]));
  lines[i] = Buffer.concat([Buffer.from(" ".repeat(next)), lines[i].subarray(n)]);
  return joinLines(lines);
}

function documentMarker(input: Buffer, rnd: Random): Buffer {
  const lines = splitLines(input);
  const i = rnd.int(lines.length + 1);
  const marker = Buffer.from(rnd.pick(["---", "---", "...", "--- # next", "%YAML 1.2\n---"]));
  return joinLines([...lines.slice(0, i), marker, ...lines.slice(i)]);
}

function crlf(input: Buffer, rnd: Random): Buffer {
  const variant = rnd.int(3);
  if (variant === 2) {
    // old Mac line endings: lone CRs (latin1 maps bytes one to one, so nothing else changes)
    return Buffer.from(input.toString("latin1").replace(/\r?\n/g, "\r"), "latin1");
  }
  // every line, or some of them (mixed endings)
  const lines = splitLines(input);
  return joinLines(
    lines.map((line, i) => {
      const last = i === lines.length - 1;
      const wanted = variant === 0 || rnd.chance(0.5);
      if (last || !wanted || line[line.length - 1] === 0x0d) return line;
      return Buffer.concat([line, Buffer.from("\r")]);
    }),
  );
}

function bom(input: Buffer, rnd: Random): Buffer {
  if (rnd.chance(0.7)) return Buffer.concat([BOM, input]);
  return insertAt(input, charBoundary(input, rnd.int(input.length + 1)), BOM);
}

/** Characters that are easy to get wrong: line and paragraph separators, NEL, bidi, astral, combining. */
const UNICODE = [
  "é",
  "\u0301",
  "\u0085",
  "\u2028",
  "\u2029",
  "\u200b",
  "\u202e",
  "\u00a0",
  "\u3000",
  "\ufffd",
  "😀",
  "𝕏",
  "\u0000",
  "\u0007",
  "\u007f",
  "\uffff",
];

function randomUnicode(input: Buffer, rnd: Random): Buffer {
  let out = input;
  const times = rnd.between(1, 3);
  for (let t = 0; t < times; t++) {
    out = insertAt(out, charBoundary(out, rnd.int(out.length + 1)), rnd.pick(UNICODE));
  }
  return out;
}

/** An anchor whose value holds an alias of itself: a list, a merge key, a value deeper inside. */
const SELF_ANCHORS = [
  (indent: string) => `${indent}x-self: &self [*self]`,
  (indent: string) => `${indent}x-self: &self {<<: *self}`,
  (indent: string) => `${indent}x-self: &self\n${indent}  a: 1\n${indent}  <<: *self`,
  (indent: string) => `${indent}x-self: &self\n${indent}  - [1, *self]`,
];

function selfAnchor(input: Buffer, rnd: Random): Buffer {
  const lines = splitLines(input);
  // on a service now and then, so that the anchor is in what composemod reads of it
  const services = lines
    .map((line, i) => ({ i, match: /^(\s+)[\w.-]+:\s*$/.exec(line.toString()) }))
    .filter((c) => c.match && c.i + 1 < lines.length);
  const make = rnd.pick(SELF_ANCHORS);
  if (services.length && rnd.chance(0.5)) {
    const { i } = rnd.pick(services);
    const indent = " ".repeat(indentOf(lines[i + 1]));
    return joinLines([...lines.slice(0, i + 1), Buffer.from(make(indent)), ...lines.slice(i + 1)]);
  }
  return insertBlock(input, rnd, make);
}

/** Names that retitle a terminal, ring its bell, clear it, or forge a line of output. */
const HOSTILE_NAMES = [
  '"db\\e]0;PWNED\\a"',
  '"web\\nFAKE: line"',
  '"app\\e[2J\\e[H"',
  '"x\\r\\e[1Aok"',
  '"c1\\u009b31m"',
  "raw\u001b]0;RAW\u0007",
];

/** A service or network key (or a value) renamed to one with escape sequences or a newline in it. */
function escapeName(input: Buffer, rnd: Random): Buffer {
  const lines = splitLines(input);
  const keys = lines
    .map((line, i) => ({ i, match: /^(\s+)([\w.-]+)(:.*)$/.exec(line.toString()) }))
    .filter((c) => c.match);
  if (!keys.length)
    return insertBlock(input, rnd, (indent) => `${indent}${rnd.pick(HOSTILE_NAMES)}: x`);
  const times = rnd.between(1, 3);
  for (let t = 0; t < times; t++) {
    const { i, match } = rnd.pick(keys);
    const [, indent, , rest] = match!;
    lines[i] = Buffer.from(`${indent}${rnd.pick(HOSTILE_NAMES)}${rest}`);
  }
  return joinLines(lines);
}

/**
 * The directory that `include-link` includes a file from: the fuzz test makes it, in each input's
 * directory, a symbolic link to a directory outside the tree, whose file must never be written.
 */
export const LINKED_DIR = "linked";

function includeLink(input: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`include:\n  - ${LINKED_DIR}/compose.yaml\n`), input]);
}

export const MUTATIONS: Record<MutationKind, Mutation> = {
  truncate,
  "insert-tab": insertTab,
  "random-bytes": randomBytes,
  "duplicate-line": duplicateLine,
  "deep-nesting": deepNesting,
  "alias-bomb": aliasBomb,
  "long-string": longString,
  "swap-lines": swapLines,
  "delete-lines": deleteLines,
  reindent,
  "document-marker": documentMarker,
  crlf,
  bom,
  "random-unicode": randomUnicode,
  "self-anchor": selfAnchor,
  "escape-name": escapeName,
  "include-link": includeLink,
};

/**
 * The big inputs (megabytes, thousands of levels) cost far more time than the rest; a lower
 * weight keeps hundreds of them in a run without making it slow.
 */
const WEIGHTS: Record<MutationKind, number> = {
  truncate: 3,
  "insert-tab": 2,
  "random-bytes": 3,
  "duplicate-line": 3,
  "deep-nesting": 1,
  "alias-bomb": 1,
  "long-string": 1,
  "swap-lines": 2,
  "delete-lines": 2,
  reindent: 2,
  "document-marker": 1,
  crlf: 1.5,
  bom: 1,
  "random-unicode": 2,
  "self-anchor": 1,
  "escape-name": 2,
  "include-link": 1,
};

function pickKind(rnd: Random): MutationKind {
  const total = MUTATION_KINDS.reduce((sum, k) => sum + WEIGHTS[k], 0);
  let r = rnd.float() * total;
  for (const kind of MUTATION_KINDS) {
    r -= WEIGHTS[kind];
    if (r < 0) return kind;
  }
  return MUTATION_KINDS[MUTATION_KINDS.length - 1];
}

export interface MutatedInput {
  index: number;
  /** Name of the seed file it was made from. */
  seedName: string;
  bytes: Buffer;
  /** The mutations applied, in order, and whether each changed the bytes. */
  steps: { kind: MutationKind; effective: boolean }[];
}

export interface Seed {
  name: string;
  bytes: Buffer;
}

/**
 * Input `index` of a run: one to three mutations of a seed picked by the input's own PRNG. Half
 * the seeds come from `preferred` (when given): files that composemod rewrites, so that the
 * mutated inputs reach the editing code and not only the parser.
 */
export function mutatedInput(
  seed: number,
  index: number,
  seeds: readonly Seed[],
  preferred: readonly Seed[] = [],
): MutatedInput {
  const rnd = new Random(inputSeed(seed, index));
  const origin = preferred.length && rnd.chance(0.5) ? rnd.pick(preferred) : rnd.pick(seeds);
  let bytes = origin.bytes;
  const steps: MutatedInput["steps"] = [];
  const count = rnd.between(1, 3);
  for (let m = 0; m < count; m++) {
    const kind = pickKind(rnd);
    const next = MUTATIONS[kind](bytes, rnd);
    steps.push({ kind, effective: !next.equals(bytes) });
    bytes = next;
  }
  return { index, seedName: origin.name, bytes, steps };
}
