import { structuredPatch } from "diff";

/**
 * A unified diff of one file with `a/` and `b/` headers, which `git apply` and `patch -p1`
 * accept. Lines keep their own line endings, so a CRLF file gives a CRLF-exact patch.
 */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return "";
  const patch = structuredPatch(`a/${path}`, `b/${path}`, before, after, "", "", { context });
  const out = [`--- a/${path}`, `+++ b/${path}`];
  for (const hunk of patch.hunks) {
    out.push(
      `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`,
      ...hunk.lines,
    );
  }
  return out.join("\n") + "\n";
}

const RED = "\u001b[31m";
const GREEN = "\u001b[32m";
const CYAN = "\u001b[36m";
const BOLD = "\u001b[1m";
const RESET = "\u001b[0m";

/** Colours a unified diff for a terminal. */
export function colorDiff(diff: string): string {
  return diff
    .split("\n")
    .map((line) => {
      if (line.startsWith("--- ") || line.startsWith("+++ ")) return BOLD + line + RESET;
      if (line.startsWith("@@")) return CYAN + line + RESET;
      if (line.startsWith("-")) return RED + line + RESET;
      if (line.startsWith("+")) return GREEN + line + RESET;
      return line;
    })
    .join("\n");
}
