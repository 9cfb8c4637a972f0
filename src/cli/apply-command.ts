import { existsSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import type { RoleOverride } from "../analysis/classify";
import { DEFAULT_PLAN_OPTIONS } from "../analysis/plan/options";
import type { ComposeChoice } from "../apply/compose-cli";
import { writeOwnFile } from "../apply/durable";
import { EngineError } from "../apply/engine";
import { Journal, stateDirectory } from "../apply/journal";
import { makePlan, PlanRequest, renderErrors } from "../apply/make-plan";
import type { ApplyPlan } from "../apply/plan-types";
import { renderPlan } from "../apply/render-plan";
import { planDrift, readSavedPlan } from "../apply/saved-plan";
import { ApplySeams, ApplySelected, processSeams, reachEngine } from "./apply-seams";
import { carryOut } from "./apply-session";
import { helpHint } from "./commands";
import { configForPaths } from "./config-for-paths";
import type { RunIO } from "./io";
import { resolveOptions } from "./options";
import { runRollbackCommand } from "./rollback-command";

/** What is wrong with the command line, before anything is read. */
function flagProblem(s: ApplySelected): string | undefined {
  const { flags, args } = s;
  if (args.includes("-"))
    return `${s.command} reads projects in files and directories; standard input (-) is for the rewrite`;
  if (flags.yes && flags.dryRun) return "--yes and --dry-run cannot be used together";
  if (s.command === "rollback") {
    return args.length
      ? undefined
      : "missing path: the path the apply was run on (its .composemod/ holds the journal)";
  }
  if (flags.planFile !== undefined && !flags.dryRun && args.length) {
    return "--plan-file FILE applies the plan saved in FILE, for the paths it was made for: give no paths with it (or --dry-run to save a new plan)";
  }
  if (flags.planFile !== undefined && !flags.dryRun && flags.write) {
    return "--plan-file FILE applies the plan as it was saved (with --write or not): give no --write with it";
  }
  if (!args.length && flags.planFile === undefined)
    return "missing paths: the compose files or directories of the projects to apply";
  return undefined;
}

/** composemod's directory for these paths (the journal, the lock). */
export function stateDirOf(paths: string[], cwd: string): string {
  const first = nodePath.resolve(cwd, paths[0]);
  return stateDirectory(first, existsSync(first) && statSync(first).isDirectory());
}

/** The request a command line makes, or the one a saved plan was made with. */
function requestOf(
  s: ApplySelected,
  io: RunIO,
  saved: ApplyPlan | undefined,
): PlanRequest | { error: string } {
  if (saved) {
    const o = saved.options as Record<string, unknown>;
    const overrides = new Map<string, RoleOverride>(
      ((o.overrides as [string, RoleOverride["role"]][] | undefined) ?? []).map(([name, role]) => [
        name,
        { role, source: { kind: "flag", flag: "--plan-file" } },
      ]),
    );
    return {
      paths: saved.paths,
      cwd: saved.cwd,
      write: saved.write,
      compose: (s.flags.compose as ComposeChoice) ?? "auto",
      options: {
        ...DEFAULT_PLAN_OPTIONS,
        ...(o as object),
        overrides,
        ignore: (o.ignore as string[]) ?? [],
      },
    };
  }
  const loaded = configForPaths(s.args, io.cwd, s.flags.noConfig ? false : s.flags.config);
  if ("errors" in loaded) return { error: loaded.errors.join("\nerror: ") };
  const options = resolveOptions(s.flags, loaded.config, loaded.path, s.args, {
    format: "text",
    color: false,
  });
  return {
    paths: s.args,
    cwd: io.cwd,
    write: s.flags.write === true,
    compose: s.flags.compose ?? "auto",
    options,
  };
}

/**
 * `composemod apply`: plans, asks (or takes `--yes`), then carries the plan out project by
 * project with its journal, and proves each. Returns the exit status.
 */
export async function runApplyCommand(
  s: ApplySelected,
  io: RunIO,
  env: Readonly<Record<string, string | undefined>>,
  seams: ApplySeams = processSeams(),
): Promise<number> {
  const problem = flagProblem(s);
  if (problem) {
    io.stderr(`error: ${problem}\n`);
    // no path at all: most likely a first run, that help would have told more
    if (problem.startsWith("missing path")) io.stderr(helpHint(s.command) + "\n");
    return 2;
  }
  try {
    return s.command === "rollback"
      ? await runRollbackCommand(s, io, env, seams)
      : await runApply(s, io, env, seams);
  } catch (error) {
    // the engine failing under a run, or a file of composemod's own that cannot be written
    if (!(error instanceof EngineError) && !(error as NodeJS.ErrnoException).code) throw error;
    io.stderr(`error: ${(error as Error).message}\n`);
    return 2;
  }
}

async function runApply(
  s: ApplySelected,
  io: RunIO,
  env: Readonly<Record<string, string | undefined>>,
  seams: ApplySeams,
): Promise<number> {
  const { flags } = s;
  const planFile =
    flags.planFile !== undefined ? nodePath.resolve(io.cwd, flags.planFile) : undefined;
  const saved = planFile && !flags.dryRun ? readSavedPlan(planFile) : undefined;
  if (saved && "error" in saved) {
    io.stderr(`error: ${saved.error}\n`);
    return 2;
  }
  const request = requestOf(s, io, saved);
  if ("error" in request) {
    io.stderr(`error: ${request.error}\n`);
    return 2;
  }
  const engine = await reachEngine(seams, env.DOCKER_HOST, (text) => io.stderr(text));
  if (!engine) return 2;
  const stateDir = stateDirOf(request.paths, request.cwd);
  const journal = Journal.open(stateDir);
  if (journal.state === "rolling-back") {
    io.stderr(
      `error: a rollback was stopped half way: \`composemod rollback\` finishes it (its journal is ${journal.path})\n`,
    );
    return 2;
  }
  if (journal.state === "applying" && journal.begin?.write && !request.write) {
    // the apply that stopped half way rewrote each project's files before its containers
    request.write = true;
    if (!flags.quiet) {
      io.stderr(
        "composemod apply: the apply that stopped half way rewrote the files (--write): going on as it did\n",
      );
    }
  }
  const processEnv = { ...process.env, ...env } as NodeJS.ProcessEnv;
  const made = await makePlan(request, engine, (major) =>
    seams.findCompose(request.compose, major, processEnv),
  );
  if (made.errors.length && !flags.quiet) io.stderr(renderErrors(made.errors));
  if (saved) {
    const drift = planDrift(saved, made.plan);
    if (drift.length) {
      io.stderr(
        `error: the plan in ${flags.planFile} no longer holds: ${drift.join("; ")}. Nothing was changed; make a new plan.\n`,
      );
      return 2;
    }
  }
  const json = flags.json === true;
  if (!json && !flags.quiet) io.stdout(renderPlan(made.plan));
  const badProjects =
    made.plan.summary.refused + made.plan.summary.errors > 0 || made.errors.length > 0;
  if (flags.dryRun) {
    if (planFile) {
      writeOwnFile(planFile, JSON.stringify(made.plan, null, 2) + "\n");
      io.stderr(
        `plan saved in ${flags.planFile}: \`composemod apply --plan-file ${flags.planFile}\` applies it while the files and the engine are as it saw them\n`,
      );
    }
    if (json) io.stdout(JSON.stringify({ plan: made.plan }, null, 2) + "\n");
    return badProjects ? 2 : 0;
  }
  const resumable = journal.state === "applying";
  if (!made.plan.projects.some((p) => p.steps.length) && !resumable) {
    if (json) io.stdout(JSON.stringify({ plan: made.plan }, null, 2) + "\n");
    if (!flags.quiet) io.stderr("composemod apply: nothing to apply\n");
    return badProjects ? 2 : 0;
  }
  if (!flags.yes) {
    const question = `Apply this plan to ${made.plan.summary.change + made.plan.projects.filter((p) => p.status !== "change" && p.steps.length).length} project(s) on ${engine.endpoint}? [y/N] `;
    if (!seams.confirm) {
      io.stderr(
        "not applied: there is no terminal to ask on; `--yes` applies the plan, `--dry-run` prints it\n",
      );
      if (json) io.stdout(JSON.stringify({ plan: made.plan }, null, 2) + "\n");
      return 1;
    }
    if (!(await seams.confirm(question))) {
      io.stderr("not applied\n");
      return 1;
    }
  }
  return carryOut(made, engine, journal, stateDir, s, io, seams);
}
