import * as nodePath from "node:path";
import type { ReadOutcome } from "../batch/read-files";
import { decodeUtf8 } from "../yaml/decode";
import type { RunIO } from "./io";

/** The name standard input is shown by when no --stdin-filepath names it. */
export const STDIN_NAME = "<stdin>";

/**
 * The absolute path standard input stands for: the one --stdin-filepath names (its directory
 * gives the project's name, `.env` and the files it includes), else `<stdin>` in the working
 * directory.
 */
export function stdinPath(options: { stdinFilepath?: string }, cwd: string): string {
  return nodePath.resolve(cwd, options.stdinFilepath ?? STDIN_NAME);
}

/** Standard input as a compose file's text: strictly UTF-8, as a file is read. */
export async function readStdin(io: RunIO): Promise<ReadOutcome> {
  if (!io.readStdin) return { code: "EBADF" };
  try {
    const decoded = decodeUtf8(await io.readStdin());
    return typeof decoded === "string" ? { text: decoded } : { code: "not-utf8", ...decoded };
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code ?? "EIO" };
  }
}
