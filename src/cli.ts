import { Command, CommanderError, Option } from "commander";
import { EXPLICIT_ROLES } from "./classify";
import { DRIVERS, PORTS_MODES, RunOptions, roleOverrides } from "./options";
import type { PortsMode } from "./plan";
import { processIO, RunIO, runComposemod } from "./run";

const VERSION = "0.1.0";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A network name Docker accepts. */
function networkName(value: string): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(value)) {
    throw new CommanderError(2, "composemod.invalidName", `error: invalid network name '${value}'`);
  }
  return value;
}

function buildProgram(io: RunIO): Command {
  const program = new Command("composemod")
    .description(
      "Rewrite Docker Compose files so that each project's databases are reachable only by its own app.\nDry run by default: prints a unified diff and changes nothing.",
    )
    .version(VERSION)
    .argument("<paths...>", "compose files or directories (walked for compose file names)")
    .option("-w, --write", "apply the changes in place (atomic write, file mode kept)")
    .option("--check", "change nothing; exit 1 when any file would change")
    .option("--json", "print the JSON report instead of the diff")
    .option("--explain", "print each service's role and the reason")
    .option(
      "--proxy-network <name>",
      "real name of the reverse proxy's external network (default: detected, else proxy)",
      networkName,
    )
    .option(
      "--internal-network <name>",
      "name of the per-project internal network",
      networkName,
      "internal",
    )
    .addOption(
      new Option("--driver <driver>", "driver of the internal network")
        .choices(DRIVERS)
        .default("bridge"),
    )
    .option("--no-egress", "declare the internal network internal: true (no outbound traffic)")
    .addOption(
      new Option(
        "--ports <mode>",
        "app ports: comment out when routed (auto), always (comment), never (keep)",
      )
        .choices(PORTS_MODES as string[])
        .default("auto"),
    );
  for (const role of EXPLICIT_ROLES) {
    const what = {
      app: "an app",
      database: "a database",
      backend: "a backend",
      ignore: "untouchable",
    }[role];
    program.option(
      `--${role} <name>`,
      `treat service NAME (or project/NAME) as ${what}; repeatable`,
      collect,
    );
  }
  program
    .option(
      "--no-color",
      "no colour in the diff (also when NO_COLOR is set or output is not a terminal)",
    )
    .option("-q, --quiet", "print errors only on standard error")
    .addHelpText(
      "after",
      "\nExit status: 0 done (or nothing to do), 1 --check found changes, 2 some file had an error.",
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    });
  return program;
}

/**
 * Parses the command line and runs composemod. Returns the exit status; never throws for a
 * user's mistake (bad flag combinations are reported before any file is read).
 */
export async function run(
  argv: string[],
  io: RunIO = processIO(),
  isTTY = false,
  env: NodeJS.ProcessEnv = {},
): Promise<number> {
  const program = buildProgram(io);
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "composemod.invalidName") io.stderr(error.message + "\n");
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  const flags = program.opts();
  if (flags.write && flags.check) {
    io.stderr("error: --write and --check cannot be used together\n");
    return 2;
  }
  const options: RunOptions = {
    paths: program.args,
    write: flags.write === true,
    check: flags.check === true,
    json: flags.json === true,
    explain: flags.explain === true,
    proxyNetwork: flags.proxyNetwork,
    internalNetwork: flags.internalNetwork,
    driver: flags.driver,
    noEgress: flags.egress === false,
    ports: flags.ports as PortsMode,
    overrides: roleOverrides(flags),
    color: flags.color !== false && isTTY && !env.NO_COLOR,
    quiet: flags.quiet === true,
  };
  return runComposemod(options, io);
}

if (require.main === module) {
  run(process.argv.slice(2), processIO(), process.stdout.isTTY === true, process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `composemod: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 2;
    },
  );
}
