import { escapeControl } from "../base/escape";

/**
 * The error of a run whose paths lead to no compose file at all, as prettier's "No files
 * matching the pattern were found": a mistyped or empty directory must not pass `--check`.
 */
export function noComposeFiles(paths: string[]): string {
  const shown = paths
    .map((p) => (/[\s,\u0000-\u001f\u007f-\u009f]/.test(p) ? escapeControl(JSON.stringify(p)) : p))
    .join(", ");
  return `error: no compose files found in ${shown} (a directory is walked for compose.y(a)ml, docker-compose.y(a)ml, *.compose.y(a)ml and their overrides)\n`;
}
