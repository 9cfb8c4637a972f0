import { Argument, Command, CommanderError, Option } from "commander";
import { PROXY_KINDS } from "../analysis/evidence";
import { DRIVERS, PORTS_MODES } from "../analysis/plan/options";
import { VERSION } from "../version";
import { COMPLETION_SHELLS, CompletionShell } from "./completion";
import { NETWORK_NAME } from "./config";
import { COMMAND_FORMATS, CommandName } from "./formats";
import type { RunIO } from "./io";
import { Flags, ROLE_FLAGS } from "./options";

const collect = (value: string, previous: string[] = []) => [...previous, value];

function invalid(message: string): never {
  throw new CommanderError(2, "composemod.invalidArgument", `error: ${message}`);
}

/** A network name Docker accepts. */
function networkName(value: string): string {
  if (!NETWORK_NAME.test(value)) invalid(`invalid network name '${value}'`);
  return value;
}

function jobCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    invalid(`--jobs takes a whole number from 1 to 256`);
  return n;
}

/** The options that decide the target state, shared by every command. */
function addPlanOptions(command: Command): Command {
  command
    .option(
      "--proxy-network <name>",
      "real name of the reverse proxy's external network (default: detected, else proxy)",
      networkName,
    )
    .option(
      "--internal-network <name>",
      "name of the per-project internal network (default: internal)",
      networkName,
    )
    .addOption(
      new Option("--driver <driver>", "driver of the internal network (default: bridge)").choices(
        DRIVERS as readonly string[] as string[],
      ),
    )
    .option("--no-egress", "declare the internal network internal: true (no outbound traffic)")
    .option(
      "--virtual-host <template>",
      "put apps nothing routes to yet behind the proxy at this host ({project} and {service} are filled in)",
    )
    .addOption(
      new Option(
        "--proxy-kind <kind>",
        "the proxy that routes: nginx-proxy, traefik or caddy (default: as the file says, else nginx-proxy)",
      ).choices(PROXY_KINDS as string[]),
    )
    .option(
      "--modernize",
      "rewrite the legacy `external: {name: x}` as `external: true` and `name: x`",
    )
    .addOption(
      new Option(
        "--ports <mode>",
        "app ports: comment out when routed (auto, default), always (comment), never (keep)",
      ).choices(PORTS_MODES as string[]),
    );
  for (const [flag, , what] of ROLE_FLAGS) {
    command.option(
      `--${flag} <name>`,
      `treat service NAME (or project/NAME) as ${what}; repeatable`,
      collect,
    );
  }
  return command.option(
    "--ignore <glob>",
    "leave out paths that match (gitignore syntax) when walking directories; repeatable",
    collect,
  );
}

/** Output and configuration: the same flags, meaning the same, on every command. */
function addRunOptions(command: Command, name: CommandName): Command {
  const formats = COMMAND_FORMATS[name];
  command.addOption(
    new Option("--format <format>", `what to print: ${formats.join(", ")} (default: text)`).choices(
      formats as string[],
    ),
  );
  command.option("--json", "short for --format json");
  if (formats.includes("sarif")) command.option("--sarif", "short for --format sarif");
  return command
    .option("-o, --output-file <file>", "write what would go to standard output to FILE")
    .option(
      "--config <file>",
      "read settings from FILE (default: composemod.config.json or package.json's composemod key, found upward from each path)",
    )
    .option("--no-config", "read no configuration file")
    .option("-q, --quiet", "print errors only on standard error")
    .option("--no-color", "no colour (also when NO_COLOR is set or output is not a terminal)");
}

/** The command a parse chose, with its paths and flags. */
export type Selected =
  | { command: CommandName; args: string[]; flags: Flags }
  | { command: "completion"; shell: CompletionShell };

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
      "worker processes for large runs (default: one per core but one, at most 8)",
      jobCount,
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
        .argument("<paths...>", "compose files or directories"),
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
