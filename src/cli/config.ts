import { existsSync, readFileSync } from "node:fs";
import * as nodePath from "node:path";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { CONFIG_FILE, PACKAGE_KEY } from "./config-names";
import { Config, CONFIG_KEYS, ConfigKey, OPTIONS } from "./option-registry";

export type { Config } from "./option-registry";

/** A configuration read, with the file it came from; or every problem it has, one a line. */
export type ConfigResult = { config: Config; path?: string } | { errors: string[] };

/** Where a key and its value begin in the file, 1-based. */
type Position = { line: number; col: number };
type Positions = Map<string, { key: Position; value?: Position }>;

/** A key the user may have meant: the same but for case, `-` and `_`, or one or two letters off. */
function meant(key: string): ConfigKey | undefined {
  const plain = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  return (
    CONFIG_KEYS.find((k) => plain(k) === plain(key)) ??
    CONFIG_KEYS.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2)
  );
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/**
 * Checks a configuration object against the options' registry: each key must be one of its
 * settings, each value of that setting's kind. Every problem is named with its key, at
 * `file:line:col` when the positions are known.
 */
export function validateConfig(value: unknown, where: string, positions?: Positions): ConfigResult {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { errors: [`${where}: the configuration must be a JSON object`] };
  }
  const at = (pos: Position | undefined) => (pos ? `${where}:${pos.line}:${pos.col}` : where);
  const config: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [key, json] of Object.entries(value as Record<string, unknown>)) {
    const position = positions?.get(key);
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      const guess = meant(key);
      const hint = guess
        ? ` (did you mean \`${guess}\`?)`
        : ` (the keys are ${CONFIG_KEYS.join(", ")})`;
      errors.push(`${at(position?.key)}: unknown key \`${key}\`${hint}`);
      continue;
    }
    const read = OPTIONS[key as ConfigKey].value.read(json);
    if ("expected" in read) {
      errors.push(`${at(position?.value ?? position?.key)}: \`${key}\` must be ${read.expected}`);
    } else config[key] = read.value;
  }
  return errors.length ? { errors } : { config: config as Config };
}

/** Where each key of the object at `path` (and its value) begins in a JSON text. */
function keyPositions(text: string, path: string[]): Positions {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  let node: unknown = doc.contents;
  for (const key of path) node = isMap(node) ? node.get(key, true) : undefined;
  const positions: Positions = new Map();
  if (!isMap(node)) return positions;
  const start = (n: unknown) => {
    const range = (n as { range?: [number] } | null)?.range;
    return range ? lineCounter.linePos(range[0]) : undefined;
  };
  for (const pair of node.items) {
    const key = start(pair.key);
    if (isScalar(pair.key) && key) {
      positions.set(String(pair.key.value), { key, value: start(pair.value) });
    }
  }
  return positions;
}

/**
 * Finds the configuration upward from `cwd`: the first directory with `composemod.config.json`,
 * or with a package.json that has a `composemod` key, wins. No file: an empty configuration.
 */
export function loadConfig(cwd: string): ConfigResult {
  return configFinder()(cwd);
}

/**
 * {@link loadConfig} for many directories (each project's own, nearest to it): every directory
 * is looked at once, and every file read once.
 */
export function configFinder(): (dir: string) => ConfigResult {
  const known = new Map<string, ConfigResult>();
  const find = (dir: string): ConfigResult => {
    const seen = known.get(dir);
    if (seen) return seen;
    let result: ConfigResult | undefined;
    const file = nodePath.join(dir, CONFIG_FILE);
    const pkg = nodePath.join(dir, "package.json");
    if (existsSync(file)) result = configOf(readJson(file, false));
    else if (existsSync(pkg)) {
      const read = readJson(pkg, true);
      if ("errors" in read || read.found) result = configOf(read);
    }
    result ??= nodePath.dirname(dir) === dir ? { config: {} } : find(nodePath.dirname(dir));
    known.set(dir, result);
    return result;
  };
  return (dir) => find(nodePath.resolve(dir));
}

const configOf = (read: ReturnType<typeof readJson>): ConfigResult =>
  "errors" in read ? read : { config: read.config, path: read.path };

/**
 * Reads the configuration file a user named (`--config FILE`): a `composemod.config.json`-style
 * object, or, for a package.json, its `composemod` key.
 */
export function loadConfigFile(file: string, shown = file): ConfigResult {
  const absolute = nodePath.resolve(file);
  if (!existsSync(absolute)) return { errors: [`${shown}: no such configuration file`] };
  const result = readJson(absolute, nodePath.basename(absolute) === "package.json");
  if ("errors" in result) return result;
  if (!result.found) return { errors: [`${shown}: no \`${PACKAGE_KEY}\` key`] };
  return { config: result.config, path: result.path };
}

/** What JSON.parse says is wrong, at `file:line:col` when it says where. */
function syntaxError(file: string, text: string, message: string): string {
  const offset = /at position (\d+)/.exec(message);
  if (!offset) return `${file}: not valid JSON (${message})`;
  const lines = text.slice(0, Number(offset[1])).split("\n");
  const where = `${file}:${lines.length}:${lines[lines.length - 1].length + 1}`;
  return `${where}: not valid JSON (${message})`;
}

function readJson(
  file: string,
  inPackage: boolean,
): { config: Config; path: string; found: boolean } | { errors: string[] } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { errors: [`${file}: cannot be read (${(error as Error).message})`] };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { errors: [syntaxError(file, text, (error as Error).message)] };
  }
  const picked = inPackage ? (data as Record<string, unknown> | null)?.[PACKAGE_KEY] : data;
  if (picked === undefined) return { config: {}, path: file, found: false };
  const result = validateConfig(picked, file, keyPositions(text, inPackage ? [PACKAGE_KEY] : []));
  return "errors" in result ? result : { config: result.config, path: file, found: true };
}
