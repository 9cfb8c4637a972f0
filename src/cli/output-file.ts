import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as nodePath from "node:path";

/** What a run prints on standard output, kept to be written to a file at the end (`-o FILE`). */
export function bufferedOutput() {
  const chunks: string[] = [];
  return {
    write: (text: string) => {
      chunks.push(text);
    },
    text: () => chunks.join(""),
  };
}

/**
 * Writes the output file whole or not at all: a temporary file beside it, renamed over it, its
 * directory made when missing. Returns why it could not be written, or undefined.
 */
export function writeOutputFile(file: string, text: string): string | undefined {
  const temp = nodePath.join(
    nodePath.dirname(file),
    `.${nodePath.basename(file)}.composemod-${process.pid}.tmp`,
  );
  try {
    mkdirSync(nodePath.dirname(file), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, file);
    return undefined;
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // no temporary file was made where its directory cannot be
    }
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}
