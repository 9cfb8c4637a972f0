import { statSync } from "node:fs";
import * as nodePath from "node:path";
import { ConfigResult, loadConfig, loadConfigFile } from "./config";

/** The directory a path's configuration is looked for from: a directory itself, a file's own. */
function startOf(path: string): string {
  try {
    if (statSync(path).isDirectory()) return path;
  } catch {
    // a path that does not exist is reported with the files; its configuration is its parent's
  }
  return nodePath.dirname(path);
}

/**
 * The configuration of a run: the file `--config` names, none with `--no-config`, else the one
 * found upward from each path given (from the directory standard input stands for, for `-`).
 * Paths whose configurations differ are an error, before any compose file is read: each file
 * gets its own settings or the run does not start.
 */
export function configForPaths(
  paths: string[],
  cwd: string,
  flag: string | false | undefined,
  stdinFilepath?: string,
): ConfigResult {
  if (flag === false) return { config: {} };
  if (flag !== undefined) return loadConfigFile(nodePath.resolve(cwd, flag), flag);
  const starts = new Set(
    paths.map((p) =>
      p === "-"
        ? nodePath.dirname(nodePath.resolve(cwd, stdinFilepath ?? "-"))
        : startOf(nodePath.resolve(cwd, p)),
    ),
  );
  const found = new Map<string, { result: ConfigResult; from: string }>();
  for (const start of starts) {
    const result = loadConfig(start);
    if ("errors" in result) return result;
    const key = result.path ?? "";
    if (!found.has(key)) found.set(key, { result, from: start });
  }
  if (found.size > 1) {
    const which = [...found]
      .map(([file, { from }]) => `${nodePath.relative(cwd, from) || "."}: ${file || "none"}`)
      .join("; ");
    return {
      errors: [
        `the paths have different configurations (${which}); run composemod once for each, or name one with --config`,
      ],
    };
  }
  return [...found.values()][0]?.result ?? loadConfig(cwd);
}
