import { stringify } from "yaml";
import type { FileStyle } from "./style";

/** A scalar as YAML writes it: plain when that reads back the same, quoted otherwise. */
export function scalarText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** A value in flow style on one line: `[a, b]`, `{aliases: [db]}`; JSON when `json` is set. */
export function flowText(value: unknown, json = false): string {
  if (json) return jsonInline(value);
  return stringify(value, {
    collectionStyle: "flow",
    flowCollectionPadding: false,
    lineWidth: 0,
  }).trimEnd();
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
