import { CONFIG_FILE, PACKAGE_KEY } from "./config-names";

/** The commands that read compose files; the rewrite is composemod itself, with no command word. */
export const COMMAND_NAMES = ["rewrite", "audit", "graph", "review"] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

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
      `"${PACKAGE_KEY}" key: each project reads the one nearest to it, found upward from its`,
      "directory; flags win over them.",
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
  review: {
    description:
      "Go through the projects one at a time: each service's role and why, then the diff; accept, skip, change a role or how ports are treated, with one key.\nThe accepted projects are written at the end, and every decision is kept in the project's configuration file, so that later runs of composemod, --check and audit give the same result.",
    paths: {
      required: false,
      description: "compose files or directories (default: the working directory)",
    },
    epilogue: [
      "Keys: y accept, n or s skip, r change a service's role, p change how ports are treated,",
      "q stop (the projects accepted so far are written), ? the keys. Standard input must be a",
      `terminal. Each project's settings are its own ${CONFIG_FILE}'s (found upward from its`,
      "directory), where its decisions are saved; one is made beside its compose file if it has none.",
      "",
      "Exit status: 0 done, 2 an error (standard input not a terminal, a file not written).",
    ].join("\n"),
  },
};

/** What a usage error adds: where the options of the command (`rewrite`: composemod itself) are told. */
export function helpHint(command: string): string {
  return `Try 'composemod${command === "rewrite" ? "" : ` ${command}`} --help' for more information.`;
}
