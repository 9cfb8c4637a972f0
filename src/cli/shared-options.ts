import { Command, CommanderError, Option } from "commander";
import { PROXY_KINDS } from "../analysis/evidence";
import { DRIVERS, PORTS_MODES } from "../analysis/plan/options";
import { NETWORK_NAME } from "./config";
import { COMMAND_FORMATS, CommandName } from "./formats";
import { ROLE_FLAGS } from "./options";

const collect = (value: string, previous: string[] = []) => [...previous, value];

function invalid(message: string): never {
  throw new CommanderError(2, "composemod.invalidArgument", `error: ${message}`);
}

/** A network name Docker accepts. */
function networkName(value: string): string {
  if (!NETWORK_NAME.test(value)) invalid(`invalid network name '${value}'`);
  return value;
}

/** `--jobs N`: a whole number from 1 to 256. */
export function jobCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    invalid(`--jobs takes a whole number from 1 to 256`);
  return n;
}

/** The options that decide the target state, shared by every command. */
export function addPlanOptions(command: Command): Command {
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
  return command.option(
    "--ignore <glob>",
    "leave out paths that match (gitignore syntax) when walking directories; repeatable",
    collect,
  );
}

/** Output and configuration: the same flags, meaning the same, on every command. */
export function addRunOptions(command: Command, name: CommandName): Command {
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
