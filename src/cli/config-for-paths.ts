import { statSync } from "node:fs";
import * as nodePath from "node:path";
import { Config, ConfigResult, configFinder, loadConfigFile } from "./config";

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
 * The configuration of a run: `config` for the run as a whole (the directory walk's `ignore`,
 * standard input's file), and with `nearest`, each project's own, found upward from its
 * directory. Every problem, one a line, instead.
 */
export type RunConfig =
  { config: Config; path?: string; nearest?: (dir: string) => ConfigResult } | { errors: string[] };

/**
 * The configuration of a run: the file `--config` names, for every project; none with
 * `--no-config`; else, as prettier does, the one nearest to each project, found upward from its
 * directory. The configurations found upward from the paths given are read before any compose
 * file is: a mistake in one of them stops the run. Their `ignore` patterns are the walk's; where
 * every path finds the same one, it is the run's.
 */
export function configForPaths(
  paths: string[],
  cwd: string,
  flag: string | false | undefined,
  stdinFilepath?: string,
): RunConfig {
  if (flag === false) return { config: {} };
  if (flag !== undefined) return loadConfigFile(nodePath.resolve(cwd, flag), flag);
  const nearest = configFinder();
  const starts = new Set(
    paths.map((p) =>
      p === "-"
        ? nodePath.dirname(nodePath.resolve(cwd, stdinFilepath ?? "-"))
        : startOf(nodePath.resolve(cwd, p)),
    ),
  );
  const found = new Map<string, { config: Config; path?: string }>();
  for (const start of starts.size ? starts : [cwd]) {
    const result = nearest(start);
    if ("errors" in result) return result;
    found.set(result.path ?? "", result);
  }
  if (found.size === 1) return { ...[...found.values()][0], nearest };
  const ignore = [...found.values()].flatMap((r) => r.config.ignore ?? []);
  return { config: ignore.length ? { ignore: [...new Set(ignore)] } : {}, nearest };
}
