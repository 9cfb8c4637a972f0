import * as nodePath from "node:path";
import type { Classification } from "../analysis/classify";
import type { HostIndex } from "../analysis/host-index";
import { diagnosticAt, Diagnostic } from "../base/diagnostic";
import { errorOutcome, FileOutcome } from "../rewrite/file-outcome";
import { RewriteOptions, rewriteProject } from "../rewrite/rewrite-project";
import { unifiedDiff } from "../yaml/diff";
import { describeMissing, discover } from "./discover";
import { FileTexts } from "./file-texts";
import { displayPath } from "./read-files";
import { FROM_DISK, readProject } from "./read-project";
import { scanHost } from "./scan-host";
import { projectUnits } from "./units";
import { writeFilesAtomic } from "./write-files";

/** The projects under the paths, as a review goes through them, with what they share. */
export interface ReviewHost {
  /** Each project's compose files, as Compose reads them together, in discovery order. */
  units: string[][];
  /** What each project's plan needs to know of the others, as a batch run knows it. */
  index: HostIndex;
  /** Paths that are not there. */
  missing: Diagnostic[];
}

/** Finds the projects under the paths, grouped and scanned as the rewrite does. */
export async function reviewHost(
  paths: string[],
  cwd: string,
  ignore: string[],
): Promise<ReviewHost> {
  const found = await discover(
    paths.map((p) => nodePath.resolve(cwd, p)),
    { ignore },
  );
  const texts = new FileTexts(found);
  const { units } = projectUnits(found.files, texts);
  const { index } = scanHost(units, cwd, texts);
  const missing = found.missing.map((m) =>
    diagnosticAt(undefined, displayPath(m.path, cwd), 0, "read-error", describeMissing(m.message)),
  );
  return { units, index, missing };
}

/** A project's rewrite as a review shows it: each file's outcome with its texts and diff. */
export interface ProjectDraft {
  /** The project's name, as Compose computes it. */
  name: string;
  /** Its directory, absolute. */
  dir: string;
  files: (FileOutcome & { input?: string; output?: string })[];
  /** Each service's role, with the rule and the reason; empty when the project could not be read. */
  roles: Map<string, Classification>;
}

/**
 * Reads, classifies, plans and rewrites one project in memory, as `composemod` does with the
 * same options, with the diff of each file that changes; nothing is written. Never throws for
 * a file's sake.
 */
export function draftProject(unit: string[], options: RewriteOptions, cwd: string): ProjectDraft {
  const show = (p: string) => displayPath(p, cwd);
  const dir = nodePath.dirname(unit[0]);
  try {
    const read = readProject(unit, FROM_DISK, show);
    if (read.kind !== "ok") {
      const files = read.kind === "unread" ? read.files : rewriteProject(read, options).files;
      return { name: files[0]?.project ?? nodePath.basename(dir), dir, files, roles: new Map() };
    }
    const rewrite = rewriteProject(read, options);
    for (const file of rewrite.files) {
      if (file.status === "changed") {
        file.diff = unifiedDiff(file.path, file.input, file.output, file.edits);
      }
    }
    return { name: rewrite.project, dir, files: rewrite.files, roles: rewrite.roles ?? new Map() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const d = diagnosticAt(
      undefined,
      show(unit[0]),
      0,
      "internal-error",
      `composemod could not process the file: ${message}`,
    );
    return { name: nodePath.basename(dir), dir, files: [errorOutcome(d, "")], roles: new Map() };
  }
}

/**
 * Writes the files of a project the draft changes, as `--write` does: all of them or none,
 * atomically, each only if it still holds what the draft was made from. Returns why not, if not.
 */
export function writeDraft(draft: ProjectDraft, cwd: string): string | undefined {
  const changed = draft.files.filter((f) => f.status === "changed");
  if (changed.length === 0) return undefined;
  try {
    writeFilesAtomic(
      changed.map((f) => ({
        path: nodePath.resolve(cwd, f.path),
        content: f.output!,
        expected: f.input!,
      })),
    );
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code
      ? `cannot write the file (${code}); left as it is`
      : error instanceof Error
        ? error.message
        : String(error);
  }
}
