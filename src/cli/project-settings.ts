import * as nodePath from "node:path";
import type { RewriteOptions } from "../rewrite/rewrite-project";
import type { SettingsFor, UnitSettings } from "../batch/batch-options";
import type { ConfigResult } from "./config";
import { Flags, PLAN_OPTION_NAMES } from "./option-registry";
import { resolveOptions } from "./options";

/** A configuration file's path as a run shows it: from the working directory, where it is below it. */
export function shownConfigPath(path: string | undefined, cwd: string): string | undefined {
  if (path === undefined) return undefined;
  const relative = nodePath.relative(cwd, path);
  return relative.startsWith("..") || nodePath.isAbsolute(relative) ? path : relative;
}

/**
 * Each project's own settings: the flags over the configuration nearest to the project's
 * directory, over the defaults, as {@link resolveOptions} puts them together for a run. The
 * projects of one configuration share its settings, worked out once.
 */
export function projectSettings(
  flags: Flags,
  nearest: (dir: string) => ConfigResult,
  cwd: string,
): SettingsFor {
  const byFile = new Map<string, UnitSettings>();
  return (dir) => {
    const found = nearest(dir);
    if ("errors" in found) return { errors: found.errors };
    const key = found.path ?? "";
    let settings = byFile.get(key);
    if (!settings) {
      const shown = shownConfigPath(found.path, cwd);
      const resolved = resolveOptions(flags, found.config, shown, [], {
        format: "text",
        color: false,
      });
      const options: Partial<RewriteOptions> = { overrides: resolved.overrides };
      for (const name of PLAN_OPTION_NAMES) Object.assign(options, { [name]: resolved[name] });
      if (resolved.skipped !== undefined) options.skipped = resolved.skipped;
      settings = { options, key: JSON.stringify([key, found.config]) };
      byFile.set(key, settings);
    }
    return settings;
  };
}
