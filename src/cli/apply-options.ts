import { Command, CommanderError, Option } from "commander";
import type { ComposeChoice } from "../apply/compose-cli";
import type { ApplyFlags, ApplySelected } from "./apply-seams";
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
