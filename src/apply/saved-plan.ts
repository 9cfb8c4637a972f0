import { readFileSync } from "node:fs";
import * as nodePath from "node:path";
import type { ApplyPlan } from "./plan-types";

/** Reads a saved plan; an error in words when it is not one. */
export function readSavedPlan(file: string): ApplyPlan | { error: string } {
  let plan: ApplyPlan;
  try {
    plan = JSON.parse(readFileSync(file, "utf8")) as ApplyPlan;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      error:
        code === "ENOENT"
          ? `no plan in ${file}: \`composemod apply --dry-run --plan-file ${file} PATHS\` saves one`
          : `${file} is not a plan composemod saved (${code ?? (error as Error).message})`,
    };
  }
  if (plan?.format !== "composemod-apply-plan" || plan.version !== 1) {
    return { error: `${file} is not a plan composemod saved` };
  }
  return plan;
}

/** How the plan made now differs from the one saved: what changed since, in words. */
export function planDrift(saved: ApplyPlan, now: ApplyPlan): string[] {
  const out: string[] = [];
  if (saved.engine !== now.engine)
    out.push(`it was made for the engine at ${saved.engine}, not ${now.engine}`);
  const byName = new Map(now.projects.map((p) => [p.name, p]));
  for (const was of saved.projects) {
    const is = byName.get(was.name);
    if (!is) {
      out.push(`the project \`${was.name}\` is no longer under the paths`);
      continue;
    }
    byName.delete(was.name);
    for (const [file, digest] of Object.entries(was.seen.files)) {
      if (is.seen.files[file] !== digest)
        out.push(`${nodePath.relative(now.cwd, file) || file} changed`);
    }
    if (was.seen.containers !== is.seen.containers) {
      out.push(`the containers of \`${was.name}\` changed (recreated, started, stopped or moved)`);
    }
    if (was.seen.networks !== is.seen.networks)
      out.push(`the networks of \`${was.name}\` changed on the engine`);
    if (JSON.stringify(was.steps) !== JSON.stringify(is.steps) || was.status !== is.status) {
      out.push(`composemod now plans otherwise for \`${was.name}\``);
    }
  }
  for (const name of byName.keys()) out.push(`the project \`${name}\` is new under the paths`);
  return [...new Set(out)];
}
