import { Argument, Command, Option } from "commander";
import { VERSION } from "../version";
import { addApplyCommands } from "./apply-options";
import type { ApplySelected } from "./apply-seams";
import { COMPLETION_SHELLS, CompletionShell } from "./completion";
import type { CommandName } from "./formats";
import type { RunIO } from "./io";
import type { Flags } from "./options";
import { addPlanOptions, addRunOptions, jobCount } from "./shared-options";

/** The command a parse chose, with its paths and flags. */
export type Selected =
  | { command: CommandName; args: string[]; flags: Flags }
  | { command: "completion"; shell: CompletionShell }
  | ApplySelected;

/** The command line of composemod; `select` is given the command a parse chose. */
export function buildProgram(io: RunIO, select: (s: Selected) => void): Command {
  const program = new Command("composemod")
    .description(
      "Rewrite Docker Compose files so that each project's databases are reachable only by its own app.\nDry run by default: prints a unified diff and changes nothing.",
    )
    .version(VERSION)
    // a subcommand's options are its own, even where the main command has one of the same name
    .enablePositionalOptions()
    .argument(
      "[paths...]",
      "compose files or directories (walked for compose file names); - reads standard input",
    )
    .option("-w, --write", "apply the changes in place (atomic write, file mode kept)")
    .option("--check", "change nothing; exit 1 when any file would change")
    .option(
      "-l, --list-different",
      "print the names of the files that would change (with --write: that changed), one a line",
    )
    .option("--explain", "print a table of each service's role, reason and changes")
    .option(
      "--backup",
      "with --write, keep each original beside it as FILE.bak (--backup=SUFFIX for another suffix)",
    )
    .addOption(new Option("--backup-suffix <suffix>").hideHelp())
    .option(
      "--stdin-filepath <path>",
      "the path standard input stands for: its project, its configuration, the name shown",
    )
    .option(
      "-j, --jobs <n>",
      "worker processes for large runs (default: one per core, at most 8, on more than two cores; else none)",
      jobCount,
    )
    .option(
      "--cache",
      "reuse the outcome of an earlier run for a project none of whose files (nor composemod, nor the options) changed",
    )
    .option(
      "--cache-location <file>",
      "the cache file (default: $XDG_CACHE_HOME/composemod/cache.json, else ~/.cache/composemod/cache.json)",
    );
  addPlanOptions(addRunOptions(program, "rewrite"))
    .addHelpText(
      "after",
      [
        "",
        "Settings used on every run can live in composemod.config.json or in package.json's",
        '"composemod" key, found upward from each path given; flags win over them.',
        "",
        "Exit status: 0 done (or nothing to do), 1 --check or --list-different found changes,",
        "2 an error (a file that could not be processed, no compose file found, a bad flag).",
      ].join("\n"),
    )
    .action((paths: string[], flags) => select({ command: "rewrite", args: paths, flags }));
  addPlanOptions(
    addRunOptions(
      program
        .command("audit")
        .description(
          "Report what lets one project reach another's databases, across every project under the paths.",
        )
        .argument("[paths...]", "compose files or directories (with --live: to compare with)")
        .option(
          "--live",
          "audit what the Docker Engine runs (DOCKER_HOST, else /var/run/docker.sock); with paths, also containers whose networks differ from their files",
        ),
      "audit",
    ),
  )
    .addHelpText(
      "after",
      "\nExit status: 0 no database reachable from another project, 1 some are, 2 an error.",
    )
    .action((paths: string[], flags) => select({ command: "audit", args: paths, flags }));
  addPlanOptions(
    addRunOptions(
      program
        .command("graph")
        .description("Draw the network topology of the projects under a path.")
        .argument("<paths...>", "compose files or directories")
        .option(
          "--before-after",
          "draw the topology now and as `composemod --write` would leave it",
        ),
      "graph",
    ),
  ).action((paths: string[], flags) => select({ command: "graph", args: paths, flags }));
  addApplyCommands(program, select);
  program
    .command("completion")
    .description('Print a shell completion script: eval "$(composemod completion bash)"')
    .addArgument(new Argument("<shell>", "bash or zsh").choices(COMPLETION_SHELLS))
    .action((shell: CompletionShell) => select({ command: "completion", shell }));
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    });
  }
  return program;
}
