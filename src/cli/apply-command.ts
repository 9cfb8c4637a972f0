import { Command, CommanderError, Option } from "commander";
import { existsSync, readFileSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import type { RoleOverride } from "../analysis/classify";
import { DEFAULT_PLAN_OPTIONS } from "../analysis/plan/options";
import { carryOutPlan, restoreProject } from "../apply/apply";
import type { ComposeChoice } from "../apply/compose-cli";
import { writeOwnFile } from "../apply/durable";
import { ApplyEngine, EngineError } from "../apply/engine";
import { Journal, stateDirectory } from "../apply/journal";
import { takeLock } from "../apply/lock";
import { makePlan, MadePlan, PlanRequest, renderErrors } from "../apply/make-plan";
import type { ApplyPlan } from "../apply/plan-types";
import { renderPlan } from "../apply/render-plan";
import { EngineUnreachable } from "../live/read-engine";
import { VERSION } from "../version";
import { ApplyFlags, ApplySeams, ApplySelected, processSeams } from "./apply-seams";
import { applyProgress, applySummary } from "./apply-terminal";
import { configForPaths } from "./config-for-paths";
import type { RunIO } from "./io";
import { resolveOptions } from "./options";
import { runRollbackCommand } from "./rollback-command";
import { addPlanOptions } from "./shared-options";

/** An option of `apply` or `rollback`, as plain data, so that a registry of options can take it in. */
export interface ApplyOptionSpec {
  flag: string;
  description: string;
  default?: string | number | boolean;
  group: "apply" | "output";
  /** The commands that take it. */
  commands: readonly ("apply" | "rollback")[];
  choices?: readonly string[];
}

export const COMPOSE_CHOICES: readonly ComposeChoice[] = ["auto", "v1", "v2"];

/** The options of `composemod apply` and `composemod rollback`. */
export const APPLY_OPTIONS: readonly ApplyOptionSpec[] = [
  {
    flag: "-w, --write",
    description:
      "rewrite each project's files first, as `composemod --write` does, just before its containers change",
    group: "apply",
    commands: ["apply"],
  },
  {
    flag: "-y, --yes",
    description:
      "go ahead without asking (without it, a terminal is asked; elsewhere nothing is changed)",
    group: "apply",
    commands: ["apply", "rollback"],
  },
  {
    flag: "--dry-run",
    description: "print the plan and change nothing",
    group: "apply",
    commands: ["apply", "rollback"],
  },
  {
    flag: "--plan-file <file>",
    description:
      "with --dry-run, save the plan in FILE; without, apply the plan saved in FILE if the files and the engine are still as it saw them",
    group: "apply",
    commands: ["apply"],
  },
  {
    flag: "--compose <version>",
    description:
      "the Docker Compose that recreates a container where reconnecting it cannot do: v1 (docker-compose), v2 (docker compose), auto (the one that made the project, else the one there is)",
    default: "auto",
    group: "apply",
    commands: ["apply"],
    choices: COMPOSE_CHOICES,
  },
  {
    flag: "--wait <seconds>",
    description:
      "how long a project's checks may take to pass before it is put back, and a container put back to be healthy again",
    default: 120,
    group: "apply",
    commands: ["apply", "rollback"],
  },
  {
    flag: "--json",
    description: "print the plan (and the outcome) as JSON",
    group: "output",
    commands: ["apply", "rollback"],
  },
  {
    flag: "--config <file>",
    description:
      "read settings from FILE (default: composemod.config.json or package.json's composemod key, found upward from the first path)",
    group: "output",
    commands: ["apply"],
  },
  {
    flag: "--no-config",
    description: "read no configuration file",
    group: "output",
    commands: ["apply"],
  },
  {
    flag: "-q, --quiet",
    description: "print errors only on standard error",
    group: "output",
    commands: ["apply", "rollback"],
  },
  {
    flag: "--no-color",
    description: "no colour",
    group: "output",
    commands: ["apply", "rollback"],
  },
];

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3600) {
    throw new CommanderError(
      2,
      "composemod.invalidArgument",
      "error: --wait takes a whole number of seconds from 1 to 3600",
    );
  }
  return n;
}

function addOptions(command: Command, name: "apply" | "rollback"): Command {
  for (const spec of APPLY_OPTIONS.filter((o) => o.commands.includes(name))) {
    const option = new Option(spec.flag, spec.description);
    if (spec.choices) option.choices(spec.choices as string[]);
    if (spec.flag.startsWith("--wait")) option.argParser(seconds);
    if (spec.default !== undefined) option.default(spec.default);
    command.addOption(option);
  }
  return command;
}

/** Adds `apply` and `rollback` to the command line; `select` is given what a parse chose. */
export function addApplyCommands(program: Command, select: (s: ApplySelected) => void): void {
  addPlanOptions(
    addOptions(
      program
        .command("apply")
        .description(
          "Carry the migration out on the running Docker Engine, project by project: a plan first; then each project reconnected (or recreated where it must be), proven live, and put back as it was if a check fails.",
        )
        .argument(
          "[paths...]",
          "the compose files or directories of the projects (after --write, or with it)",
        ),
      "apply",
    ),
  )
    .addHelpText(
      "after",
      "\nA journal in <path>/.composemod/ lets `composemod rollback` undo the apply, and an apply stopped half way is finished by running it again.\n\nExit status: 0 applied and proven (or nothing to do), 1 a project failed its checks and was put back (or the plan was not confirmed), 2 an error.",
    )
    .action((paths: string[], flags: ApplyFlags) =>
      select({ command: "apply", args: paths, flags }),
    );
  addOptions(
    program
      .command("rollback")
      .description(
        "Undo the last apply: each project it touched put back as it was (files and containers), last first.",
      )
      .argument(
        "[paths...]",
        "the paths the apply was run on (its journal is in the first one's .composemod/)",
      ),
    "rollback",
  )
    .addHelpText(
      "after",
      "\nExit status: 0 put back (or nothing to undo), 2 something could not be put back.",
    )
    .action((paths: string[], flags: ApplyFlags) =>
      select({ command: "rollback", args: paths, flags }),
    );
}

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

/** Reads a saved plan; an error in words when it is not one. */
function readSavedPlan(file: string): ApplyPlan | { error: string } {
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
  const loaded = configForPaths(s.args, io.cwd, s.flags.config);
  if ("error" in loaded) return loaded;
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
  let engine: ApplyEngine;
  try {
    engine = await seams.connect(env.DOCKER_HOST);
  } catch (error) {
    if (!(error instanceof EngineUnreachable)) throw error;
    io.stderr(`error: ${error.message}\n`);
    return 2;
  }
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

async function carryOut(
  made: MadePlan,
  engine: ApplyEngine,
  journal: Journal,
  stateDir: string,
  s: ApplySelected,
  io: RunIO,
  seams: ApplySeams,
): Promise<number> {
  const lock = takeLock(stateDir);
  if ("heldBy" in lock) {
    io.stderr(
      `error: another apply or rollback (process ${lock.heldBy}) is working on ${stateDir}\n`,
    );
    return 2;
  }
  try {
    const at = () => new Date(seams.clock.epoch()).toISOString();
    if (journal.state === "applying") {
      journal.append({ t: "resume", at: at() });
      if (!s.flags.quiet)
        io.stderr(
          `composemod apply: going on with the apply that stopped half way (journal ${journal.path})\n`,
        );
      const open = journal.unfinishedRollbacks();
      if (open.length) {
        let left = 0;
        for (const { project, why } of open) {
          const snap = journal.snapshots().find((x) => x.name === project);
          const problems = snap
            ? await restoreProject(engine, snap, journal.startedSteps(project), {
                clock: seams.clock,
                waitMs: (s.flags.wait ?? 120) * 1000,
              })
            : [];
          journal.append({ t: "restored", project, problems });
          left += problems.length;
          io.stderr(
            `failed, put back: ${project}: ${why}${problems.length ? `\n  could not put back: ${problems.join("; ")}` : ""}\n`,
          );
        }
        journal.append({ t: "end", at: at(), outcome: "failed" });
        return left ? 2 : 1;
      }
    } else {
      journal.archive();
      journal.append({
        t: "begin",
        session: new Date(seams.clock.epoch()).toISOString().replace(/[:.]/g, "-"),
        at: at(),
        composemod: VERSION,
        engine: engine.endpoint,
        paths: made.plan.paths,
        write: made.plan.write,
      });
    }
    const progress = applyProgress(io, made.plan.projects.length, s.flags.quiet === true);
    const report = await carryOutPlan(made, engine, journal, seams.clock, {
      waitMs: (s.flags.wait ?? 120) * 1000,
      progress,
    });
    progress.end();
    journal.append({ t: "end", at: at(), outcome: report.outcome });
    if (s.flags.json)
      io.stdout(JSON.stringify({ plan: made.plan, result: report }, null, 2) + "\n");
    if (!s.flags.quiet) io.stderr(applySummary(report) + "\n");
    const problems =
      made.errors.length > 0 ||
      report.projects.some(
        (p) => p.problems.length || p.outcome === "error" || p.outcome === "refused",
      );
    return problems ? 2 : report.outcome === "failed" ? 1 : 0;
  } finally {
    lock.release();
  }
}
