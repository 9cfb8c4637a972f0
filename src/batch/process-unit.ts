import * as nodePath from "node:path";
import { diagnosticAt } from "../base/diagnostic";
import { renderExplain } from "../report/explain";
import { errorOutcome, FileOutcome } from "../rewrite/file-outcome";
import { rewriteProject } from "../rewrite/rewrite-project";
import { unifiedDiff } from "../yaml/diff";
import type { BatchOptions } from "./batch-options";
import { recordedReads } from "./cache";
import { FileTexts } from "./file-texts";
import { displayPath, ReadRecord } from "./read-files";
import { readProject } from "./read-project";
import { writeFilesAtomic } from "./write-files";

/**
 * What of an outcome leaves its unit: not its texts nor its plan, which neither a worker's
 * answer nor the cache carries; its rewritten text only when asked for (standard input's).
 */
function settled(outcome: FileOutcome, withOutput: boolean | undefined): FileOutcome {
  const { input: _i, output, edits: _e, plan: _p, ...kept } = outcome;
  return withOutput && outcome.status !== "error" && output !== undefined
    ? { ...kept, output }
    : kept;
}

/**
 * Reads, rewrites and (with --write) writes the files Compose reads together: a base file with
 * its overrides (and the files they include), or one file. Every failure is an `error`
 * outcome (with a position where it has one); nothing is thrown for a file's sake, and the files
 * of a project are written all or none. Outcomes come in the order of `paths`, then the included
 * files. The files are read through `texts` (standard input stands in for one there); with
 * `reads`, every file read for the outcome is recorded there with the digest of what it held.
 */
export function processUnit(
  paths: string[],
  options: BatchOptions,
  cwd: string,
  texts: FileTexts = new FileTexts(),
  reads?: ReadRecord[],
): FileOutcome[] {
  const absolute = paths.map((p) => nodePath.resolve(cwd, p));
  const show = (p: string) => displayPath(p, cwd);
  let results: FileOutcome[];
  try {
    const read =
      texts.takeLoad(absolute) ??
      readProject(absolute, reads ? recordedReads(texts, reads) : texts, show, options.within);
    results = read.kind === "unread" ? read.files : rewriteProject(read, options).files;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const project = nodePath.basename(nodePath.dirname(absolute[0]));
    return absolute.map((file) =>
      errorOutcome(
        diagnosticAt(
          undefined,
          show(file),
          0,
          "internal-error",
          `composemod could not process the file: ${message}`,
        ),
        project,
      ),
    );
  }
  const shownDiff = options.json || (!options.write && !options.check && !options.explain);
  for (const result of results) {
    // the diff is only worked out when it is shown
    if (result.status === "changed" && shownDiff) {
      result.diff = unifiedDiff(result.path, result.input!, result.output!, result.edits);
    }
  }
  // the project once, with its first file: its files share one table of services
  if (options.explain && results.length) {
    const plan = results.find((r) => r.plan)?.plan;
    results.forEach((r) => (r.explain = ""));
    results[0].explain = renderExplain(results, plan, options.explainWidth);
  }
  const outcomes = results.map((result) => settled(result, options.withOutput));
  const writes = results.flatMap((r, i) => (r.status === "changed" ? [i] : []));
  if (options.write && writes.length) {
    try {
      writeFilesAtomic(
        writes.map((i) => ({
          path: nodePath.resolve(cwd, results[i].path),
          content: results[i].output!,
          expected: results[i].input!,
        })),
        options.backup,
        options.within,
        // the pool flushes the directories once its units are through
        true,
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message = code
        ? `cannot write the file (${code}); left as it is`
        : error instanceof Error
          ? error.message
          : String(error);
      for (const i of writes) {
        const { path, project, services } = outcomes[i];
        const d = diagnosticAt(undefined, path, 0, "write-error", message);
        outcomes[i] = { ...errorOutcome(d, project), services };
      }
    }
  }
  return outcomes;
}
