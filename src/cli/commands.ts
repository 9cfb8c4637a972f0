import { CONFIG_FILE, PACKAGE_KEY } from "./config-names";

/**
 * The commands that read compose files; the rewrite is composemod itself, with no command word.
 * `apply` and `rollback` change the running engine (src/apply), the others print.
 */
export const COMMAND_NAMES = ["rewrite", "audit", "graph", "apply", "rollback"] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];
/** The commands that change the running engine, with options and checks of their own. */
export type EngineCommandName = "apply" | "rollback";
export const isEngineCommand = (name: string): name is EngineCommandName =>
  name === "apply" || name === "rollback";

/** What help says of a command, besides its options. */
export interface CommandSpec {
  description: string;
  /** Its paths: whether one must be given, and what they are. */
  paths: { required: boolean; description: string };
  /** What help says after the options. */
  epilogue?: string;
}

export const COMMANDS: Record<CommandName, CommandSpec> = {
  rewrite: {
    description:
      "Rewrite Docker Compose files so that each project's databases are reachable only by its own app.\nDry run by default: prints a unified diff and changes nothing.",
    paths: {
      required: false,
      description:
        "compose files or directories (walked for compose file names); - reads standard input",
    },
    epilogue: [
      `Settings used on every run can live in ${CONFIG_FILE} or in package.json's`,
      `"${PACKAGE_KEY}" key, found upward from each path given; flags win over them.`,
      "",
      "Exit status: 0 done (or nothing to do), 1 --check or --list-different found changes,",
      "2 an error (a file that could not be processed, no compose file found, a bad flag).",
    ].join("\n"),
  },
  audit: {
    description:
      "Report what lets one project reach another's databases, across every project under the paths.",
    paths: {
      required: false,
      description: "compose files or directories (with --live: to compare with)",
    },
    epilogue: "Exit status: 0 no database reachable from another project, 1 some are, 2 an error.",
  },
  graph: {
    description: "Draw the network topology of the projects under a path.",
    paths: { required: true, description: "compose files or directories" },
  },
  apply: {
    description:
      "Carry the migration out on the running Docker Engine, project by project: a plan first; then each project reconnected (or recreated where it must be), proven live, and put back as it was if a check fails.",
    paths: {
      required: false,
      description: "the compose files or directories of the projects (after --write, or with it)",
    },
    epilogue: [
      "A journal in <path>/.composemod/ lets `composemod rollback` undo the apply, and an apply",
      "stopped half way is finished by running it again. See docs/apply.md.",
      "",
      "Exit status: 0 applied and proven (or nothing to do), 1 a project failed its checks and was",
      "put back (or the plan was not confirmed), 2 an error.",
    ].join("\n"),
  },
  rollback: {
    description:
      "Undo the last apply: each project it touched put back as it was (files and containers), last first.",
    paths: {
      required: false,
      description:
        "the paths the apply was run on (its journal is in the first one's .composemod/)",
    },
    epilogue: "Exit status: 0 put back (or nothing to undo), 2 something could not be put back.",
  },
};

/** What a usage error adds: where the options of the command (`rewrite`: composemod itself) are told. */
export function helpHint(command: string): string {
  return `Try 'composemod${command === "rewrite" ? "" : ` ${command}`} --help' for more information.`;
}
