import { Command, CommanderError, Option } from "commander";
import { PROXY_KINDS } from "../analysis/evidence";
import { DRIVERS, PORTS_MODES } from "../analysis/plan/options";
import { VERSION } from "../version";
import { runAudit } from "./audit-command";
import { loadConfig, NETWORK_NAME } from "./config";
import { GRAPH_FORMATS, runGraph } from "./graph-command";
import { processIO, RunIO } from "./io";
import { runLiveAudit } from "./live-audit-command";
import { Flags, resolveOptions, ROLE_FLAGS } from "./options";
import { runRewrite } from "./rewrite-command";

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
        "ports: the ones the proxy carries for a routed app, and database ports beyond the host (auto, default); every app port too (comment); no app port (keep); database ports bound to 127.0.0.1 instead of commented out (rebind)",
      ).choices(PORTS_MODES as string[]),
    );
  for (const [flag, , what] of ROLE_FLAGS) {
    command.option(
      `--${flag} <name>`,
      `treat service NAME (or project/NAME) as ${what}; repeatable`,
      collect,
    );
  }
  return command
    .option(
      "--ignore <glob>",
      "leave out paths that match (gitignore syntax) when walking directories; repeatable",
      collect,
    )
    .option("--no-color", "no colour (also when NO_COLOR is set or output is not a terminal)");
}

type Selected = {
  command: "rewrite" | "audit" | "graph";
  args: string[];
  flags: Flags & {
    sarif?: boolean;
    live?: boolean;
    format?: (typeof GRAPH_FORMATS)[number];
    beforeAfter?: boolean;
  };
};

function buildProgram(io: RunIO, select: (s: Selected) => void): Command {
  const program = new Command("composemod")
    .description(
      "Rewrite Docker Compose files so that each project's databases are reachable only by its own app.\nDry run by default: prints a unified diff and changes nothing.",
    )
    .version(VERSION)
    // a subcommand's options are its own, even where the main command has one of the same name
    .enablePositionalOptions()
    .argument("<paths...>", "compose files or directories (walked for compose file names)")
    .option("-w, --write", "apply the changes in place (atomic write, file mode kept)")
    .option("--check", "change nothing; exit 1 when any file would change")
    .option("--json", "print the JSON report instead of the diff")
    .option("--explain", "print a table of each service's role, reason and changes")
    .option(
      "--backup",
      "with --write, keep each original beside it as FILE.bak (--backup=SUFFIX for another suffix)",
    )
    .addOption(new Option("--backup-suffix <suffix>").hideHelp())
    .option(
      "-j, --jobs <n>",
      "worker processes for large runs (default: one per core but one, at most 8)",
      jobCount,
    )
    .option("-q, --quiet", "print errors only on standard error");
  addPlanOptions(program)
    .addHelpText(
      "after",
      [
        "",
        "Settings used on every run can live in composemod.config.json or in package.json's",
        '"composemod" key, found upward from the working directory; flags win over them.',
        "",
        "Exit status: 0 done (or nothing to do), 1 --check found changes, 2 some file had an error.",
      ].join("\n"),
    )
    .action((paths: string[], flags) => select({ command: "rewrite", args: paths, flags }));
  addPlanOptions(
    program
      .command("audit")
      .description(
        "Report what lets one project reach another's databases, across every project under the paths.",
      )
      .argument("[paths...]", "compose files or directories (with --live: to compare with)")
      .option("--json", "print the findings as JSON")
      .option("--sarif", "print the findings as SARIF 2.1.0 (for code scanning)")
      .option(
        "--live",
        "audit what the Docker Engine runs (DOCKER_HOST, else /var/run/docker.sock); with paths, also containers whose networks differ from their files",
      ),
  )
    .addHelpText(
      "after",
      "\nExit status: 0 no database reachable from another project, 1 some are, 2 some file had an error.",
    )
    .action((paths: string[], flags) => select({ command: "audit", args: paths, flags }));
  addPlanOptions(
    program
      .command("graph")
      .description("Draw the network topology of the projects under a path.")
      .argument("<paths...>", "compose files or directories")
      .addOption(
        new Option("--format <format>", "mermaid, dot or text (default: text)").choices(
          GRAPH_FORMATS as unknown as string[],
        ),
      )
      .option("--before-after", "draw the topology now and as `composemod --write` would leave it"),
  ).action((paths: string[], flags) => select({ command: "graph", args: paths, flags }));
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    });
  }
  return program;
}

/**
 * Parses the command line and runs composemod. Returns the exit status; never throws for a
 * user's mistake (bad flags and a bad configuration are reported before any file is read).
 */
export async function run(
  argv: string[],
  io: RunIO = processIO(),
  isTTY = false,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<number> {
  let selected: Selected | undefined;
  const program = buildProgram(io, (s) => (selected = s));
  // `--backup=SUFFIX` only in that form, so that `--backup file.yml` never takes a path for a suffix
  const args = argv.flatMap((a) =>
    a.startsWith("--backup=") ? ["--backup-suffix", a.slice(9)] : [a],
  );
  try {
    program.parse(args, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "composemod.invalidArgument") io.stderr(error.message + "\n");
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  if (!selected) return 2;
  const { flags } = selected;
  if (flags.write && flags.check) {
    io.stderr("error: --write and --check cannot be used together\n");
    return 2;
  }
  if (flags.backupSuffix === "") {
    io.stderr("error: --backup= needs a suffix (or use --backup for .bak)\n");
    return 2;
  }
  if ((flags.backup || flags.backupSuffix !== undefined) && !flags.write) {
    io.stderr("error: --backup goes with --write\n");
    return 2;
  }
  if (flags.json && flags.sarif) {
    io.stderr("error: --json and --sarif cannot be used together\n");
    return 2;
  }
  const loaded = loadConfig(io.cwd);
  if ("error" in loaded) {
    io.stderr(`error: ${loaded.error}\n`);
    return 2;
  }
  const color = flags.color !== false && isTTY && !env.NO_COLOR;
  const options = resolveOptions(flags, loaded.config, loaded.path, selected.args, color);
  if (selected.command === "audit") {
    const format = flags.sarif ? "sarif" : options.json ? "json" : "table";
    if (flags.live) return runLiveAudit(options, format, io, env.DOCKER_HOST);
    if (selected.args.length === 0) {
      io.stderr(
        "error: missing required argument 'paths' (or --live to audit the running engine)\n",
      );
      return 2;
    }
    return runAudit(options, format, io);
  }
  if (selected.command === "graph") {
    return runGraph(options, flags.format ?? "text", flags.beforeAfter === true, io);
  }
  return runRewrite(options, io);
}
