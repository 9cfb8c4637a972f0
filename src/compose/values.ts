/** Variables a project's values are interpolated with: its `.env` file, as Compose reads it. */
export type Variables = ReadonlyMap<string, string>;

export const NO_VARIABLES: Variables = new Map();

/** A value with its `${...}` read. */
export interface Interpolated {
  text: string;
  /** Variables it uses that have no value and no default: the text keeps them as written. */
  unknown: string[];
  /** Variables whose default was used because they have no value here. */
  defaulted: string[];
}

/**
 * How deep `${...}` may nest in a value (`${A:-${B:-x}}` is two): far beyond any compose file or
 * `.env`; a deeper value is refused where it is read (see {@link tooDeepInterpolation}), and
 * never read deeper than this.
 */
export const MAX_INTERPOLATION_DEPTH = 32;

/**
 * The offset of the first `${` in `text` that opens a level deeper than
 * {@link MAX_INTERPOLATION_DEPTH}, counted in one pass (each line apart when `byLine`, as a
 * `.env` holds one value a line); undefined when there is none.
 */
export function tooDeepInterpolation(text: string, byLine = false): number | undefined {
  let depth = 0;
  for (let i = text.indexOf("$"); i !== -1 && i < text.length; i++) {
    const ch = text[i];
    if (ch === "$" && text[i + 1] === "{") {
      if (++depth > MAX_INTERPOLATION_DEPTH) return i;
      i++;
    } else if (ch === "$" && text[i + 1] === "$") i++;
    else if (ch === "}" && depth > 0) depth--;
    else if (ch === "\n" && byLine) depth = 0;
  }
  return undefined;
}

/**
 * Reads `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`,
 * `${VAR:?err}` and `$$` as Compose does, with `variables` as the environment. A variable with
 * no value and no default stays as written, and is named in `unknown`: what it will be is up
 * to the environment of `docker compose up`.
 */
export function interpolate(
  raw: string,
  variables: Variables = NO_VARIABLES,
  /** `empty`: a variable with no value and no default reads as nothing, as Compose substitutes it. */
  unknownAs: "kept" | "empty" = "kept",
  /** How deep in `${...}` the text is; deeper than the bound, it stays as written. */
  depth = 0,
): Interpolated {
  const unknown: string[] = [];
  const defaulted: string[] = [];
  if (!raw.includes("$")) return { text: raw, unknown, defaulted };
  let text = "";
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i];
    if (ch !== "$") {
      text += ch;
      i++;
      continue;
    }
    const next = raw[i + 1];
    if (next === "$") {
      text += "$";
      i += 2;
      continue;
    }
    if (next === "{") {
      const end = closingBrace(raw, i + 2);
      if (end === -1) {
        text += raw.slice(i);
        break;
      }
      text += substitute(
        raw.slice(i, end + 1),
        raw.slice(i + 2, end),
        variables,
        unknown,
        defaulted,
        unknownAs,
        depth,
      );
      i = end + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(raw.slice(i + 1))?.[0];
    if (!name) {
      text += ch;
      i++;
      continue;
    }
    const value = variables.get(name);
    if (value === undefined) {
      unknown.push(name);
      if (unknownAs === "kept") text += `$${name}`;
    } else text += value;
    i += 1 + name.length;
  }
  return { text, unknown, defaulted };
}

/** The index of the `}` that closes a `${` whose body starts at `from`, nesting counted. */
function closingBrace(raw: string, from: number): number {
  let depth = 1;
  for (let i = from; i < raw.length; i++) {
    if (raw[i] === "$" && raw[i + 1] === "{") {
      depth++;
      i++;
    } else if (raw[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function substitute(
  whole: string,
  body: string,
  variables: Variables,
  unknown: string[],
  defaulted: string[],
  unknownAs: "kept" | "empty",
  depth: number,
): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(body);
  if (!match) return whole;
  const [, name, operator, operand = ""] = match;
  const value = variables.get(name);
  const set = value !== undefined;
  const nonEmpty = set && value !== "";
  const inner = () => {
    if (depth >= MAX_INTERPOLATION_DEPTH) return operand;
    const read = interpolate(operand, variables, unknownAs, depth + 1);
    unknown.push(...read.unknown);
    defaulted.push(...read.defaulted);
    return read.text;
  };
  switch (operator) {
    case ":-":
      if (nonEmpty) return value;
      defaulted.push(name);
      return inner();
    case "-":
      if (set) return value;
      defaulted.push(name);
      return inner();
    case ":+":
      return nonEmpty ? inner() : "";
    case "+":
      return set ? inner() : "";
    default:
      // `${VAR}`, `${VAR:?message}` and `${VAR?message}`
      if (set) return value;
      unknown.push(name);
      return unknownAs === "kept" ? whole : "";
  }
}

/** A value with each `${...}` read, variables with no value left as written. */
export function withDefaults(value: string, variables: Variables = NO_VARIABLES): string {
  return interpolate(value, variables).text;
}

/** One assignment of a `.env` file: its value as read, and where the value starts in the text. */
export interface DotEnvEntry {
  value: string;
  /** Offset of the value's first character (inside its quotes) in the file's text. */
  offset: number;
}

/**
 * The assignments of a `.env` file as Compose reads them: `KEY=value` lines, `export` allowed,
 * quotes removed, `#` comments; later values may use earlier ones, and the last of a key wins.
 */
export function readDotEnv(text: string): Map<string, DotEnvEntry> {
  const out = new Map<string, DotEnvEntry>();
  const values = new Map<string, string>();
  let lineStart = 0;
  for (const line of text.split("\n")) {
    const start = lineStart;
    lineStart += line.length + 1;
    const match = /^(\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*)(.*?)\r?$/.exec(line);
    if (!match) continue;
    const [, head, key, rest] = match;
    let value = rest.trim();
    let offset = start + head.length;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.lastIndexOf(quote) > 0) {
      value = value.slice(1, value.lastIndexOf(quote));
      offset++;
      if (quote === '"') value = interpolate(value.replace(/\\n/g, "\n"), values).text;
    } else {
      value = value.replace(/\s+#.*$/, "");
      value = interpolate(value, values).text;
    }
    values.set(key, value);
    out.set(key, { value, offset });
  }
  return out;
}

/** The variables of a `.env` file as Compose reads them (see {@link readDotEnv}). */
export function parseDotEnv(text: string): Map<string, string> {
  return new Map([...readDotEnv(text)].map(([key, entry]) => [key, entry.value]));
}

/** `environment` / `labels` in map or list form, as key -> value (null when only a key). */
export function keyValues(value: unknown): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = String(item);
      const eq = text.indexOf("=");
      if (eq === -1) out.set(text, null);
      else out.set(text.slice(0, eq), text.slice(eq + 1));
    }
  } else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      out.set(key, v == null ? null : String(v));
    }
  }
  return out;
}
