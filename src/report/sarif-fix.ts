import { Edit, sortedEdits } from "../yaml/apply-edits";
import type { SourceText } from "../base/source-text";

/** A SARIF region by 1-based lines and columns; the end column is the one just after the region. */
export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** A SARIF `replacement`: the original text in `deletedRegion` becomes `insertedContent`. */
export interface SarifReplacement {
  deletedRegion: SarifRegion;
  insertedContent?: { text: string };
}

/** The change `composemod --write` makes to one file, as SARIF `artifactChanges` want it. */
export interface FileFix {
  /** The file, as paths are shown. */
  path: string;
  replacements: SarifReplacement[];
}

/** Every change `composemod --write` makes to a project: all its files change, or none. */
export interface ProjectFix {
  /** What the rewrite does, in words: the plan's reason. */
  description: string;
  files: FileFix[];
}

function point(source: SourceText, offset: number): { line: number; column: number } {
  return { line: source.lineOf(offset) + 1, column: source.columnOf(offset) + 1 };
}

/**
 * A file's edits as SARIF replacements, each region in the original text (a BOM takes no
 * column, as everywhere in composemod's positions); an insertion is an empty region. In the
 * order the edits are spliced in, so that insertions at one place come out as in the file.
 */
export function sarifReplacements(source: SourceText, edits: readonly Edit[]): SarifReplacement[] {
  return sortedEdits(edits).map((edit) => {
    const start = point(source, edit.start);
    const end = edit.end === edit.start ? start : point(source, edit.end);
    const replacement: SarifReplacement = {
      deletedRegion: {
        startLine: start.line,
        startColumn: start.column,
        endLine: end.line,
        endColumn: end.column,
      },
    };
    if (edit.text) replacement.insertedContent = { text: edit.text };
    return replacement;
  });
}

/** A path as a URI reference: each segment escaped, an absolute path as a file: URI. */
export function fileUri(path: string): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return path.startsWith("/") ? `file://${encoded}` : encoded;
}

/**
 * A project's rewrite as the JSON text of a SARIF result's `fixes`: made once a project, in the
 * worker that rewrote it, and written as it is into each result the rewrite ends.
 */
export function sarifFixes(fix: ProjectFix): string {
  return JSON.stringify([
    {
      description: { text: `composemod --write: ${fix.description}` },
      artifactChanges: fix.files.map((file) => ({
        artifactLocation: { uri: fileUri(file.path) },
        replacements: file.replacements,
      })),
    },
  ]);
}
