import { isScalar, Scalar, stringify } from "yaml";
import type { FileStyle } from "./layout";

/**
 * Plain scalars that YAML 1.1 readers (docker-compose v1, PyYAML) take for something other than
 * a string: booleans, nulls, numbers in any base, and sexagesimals such as `22:22`.
 */
const YAML11_NOT_A_STRING =
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])*|\.[0-9]+|[0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9]+)?|\.(inf|Inf|INF))|\.(nan|NaN|NAN))$/;

/**
 * A string that YAML writes plain, as it is: a letter or `_`, then word characters and `./=@+-`
 * (network names, `key=value` entries). Such a string is its own text; the few others go
 * through `yaml`'s stringify, which builds a whole document for each.
 */
const PLAIN_AS_IS = /^[A-Za-z_][\w./=@+-]*$/;

/** A scalar as YAML writes it: plain when every YAML reader reads it back the same, quoted otherwise. */
export function scalarText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") return stringify(value, { lineWidth: 0 }).trimEnd();
  if (YAML11_NOT_A_STRING.test(value)) return JSON.stringify(value);
  if (PLAIN_AS_IS.test(value)) return value;
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** A scalar inside `[...]` or `{...}`: quoted also where a comma, bracket or brace would end it. */
export function flowScalarText(value: unknown): string {
  const text = scalarText(value);
  return typeof value === "string" && !/^["']/.test(text) && /[,[\]{}]|#|: /.test(text)
    ? JSON.stringify(value)
    : text;
}

/** A value in flow style on one line: `[a, b]`, `{aliases: [db]}`; JSON when `json` is set. */
export function flowText(value: unknown, json = false): string {
  if (json) return jsonInline(value);
  if (Array.isArray(value)) return `[${value.map((v) => flowText(v)).join(", ")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${flowScalarText(k)}: ${v === null ? "null" : flowText(v)}`).join(", ")}}`;
  }
  return flowScalarText(value);
}

/** Lines of a block mapping `value` whose keys sit at column `column`, in the file's style. */
export function blockMappingLines(
  value: Record<string, unknown>,
  column: number,
  style: FileStyle,
): string[] {
  const pad = " ".repeat(column);
  const lines: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) lines.push(`${pad}${scalarText(key)}:`);
    else if (Array.isArray(v)) {
      lines.push(`${pad}${scalarText(key)}:`);
      const dash = " ".repeat(column + style.sequenceOffset);
      for (const item of v) {
        lines.push(
          `${dash}- ${typeof item === "object" && item ? flowText(item) : scalarText(item)}`,
        );
      }
    } else if (typeof v === "object") {
      lines.push(`${pad}${scalarText(key)}:`);
      lines.push(...blockMappingLines(v as Record<string, unknown>, column + style.indent, style));
    } else lines.push(`${pad}${scalarText(key)}: ${scalarText(v)}`);
  }
  return lines;
}

/** JSON on one line with a space after commas and colons, as hand-written JSON compose files have it. */
export function jsonInline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonInline).join(", ")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${jsonInline(v ?? {})}`).join(", ")}}`;
  }
  return JSON.stringify(value);
}

/** A scalar's quoting, so that new items can match their neighbours. */
export function quoteStyleOf(node: unknown): "plain" | "double" | "single" {
  if (!isScalar(node)) return "plain";
  if ((node as Scalar).type === Scalar.QUOTE_DOUBLE) return "double";
  if ((node as Scalar).type === Scalar.QUOTE_SINGLE) return "single";
  return "plain";
}

/** `text` written in a quoting style; `plain` is the text as plain YAML would write it. */
export function quoteAs(style: "plain" | "double" | "single", text: string, plain: string): string {
  if (style === "double") return JSON.stringify(text);
  if (style === "single") return `'${text.replace(/'/g, "''")}'`;
  return plain;
}
