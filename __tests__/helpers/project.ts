import * as path from "node:path";
import type { ExplicitRole, RoleOverrides } from "../../src/analysis/classify";
import { DEFAULT_PLAN_OPTIONS } from "../../src/analysis/plan/options";
import { loadProject } from "../../src/compose/load-project";
import { FileResult, RewriteOptions, rewriteProject } from "../../src/rewrite/rewrite-project";

/** Role overrides as the command line gives them: `{name: role}`, each from its flag. */
export function flagRoles(roles: Record<string, ExplicitRole>): RoleOverrides {
  const flag = (role: ExplicitRole) => (role === "ignore" ? "--ignore-service" : `--${role}`);
  return new Map(
    Object.entries(roles).map(([name, role]) => [
      name,
      { role, source: { kind: "flag" as const, flag: flag(role) } },
    ]),
  );
}

/**
 * Rewrites the files of one project held in memory (the first is the base file, the others
 * its overrides); `others` are files it may include or extend, by path. Paths are relative to
 * a made-up root.
 */
export function rewriteFiles(
  files: { path: string; text: string }[],
  options: Partial<RewriteOptions> = {},
  others: Record<string, string> = {},
): FileResult[] {
  const root = "/project-root";
  const absolute = (p: string) => path.join(root, p);
  const texts = new Map(
    [...files, ...Object.entries(others).map(([p, text]) => ({ path: p, text }))].map((f) => [
      absolute(f.path),
      f.text,
    ]),
  );
  const load = loadProject({
    dir: path.dirname(absolute(files[0].path)),
    files: files.map((f) => ({ path: f.path, absolute: absolute(f.path), text: f.text })),
    readText: (p) => texts.get(p) ?? { code: "ENOENT" },
    show: (p) => path.relative(root, p),
  });
  return rewriteProject(load, { ...DEFAULT_PLAN_OPTIONS, ...options }).files;
}
