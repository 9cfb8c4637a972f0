import { CommanderError } from "commander";
import * as nodePath from "node:path";
import { defaultCacheLocation } from "../batch/cache";
import { runApplyCommand } from "./apply-command";
import { AuditFormat, runAudit } from "./audit-command";
import { checkFlags, chosenFormat } from "./check-flags";
import { buildProgram, Selected } from "./command-line";
import { CommandName, EngineCommandName, helpHint, isEngineCommand } from "./commands";
import { completionScript, CompletionShell } from "./completion";
import { configForPaths } from "./config-for-paths";
import type { Format } from "./formats";
import { runGraph } from "./graph-command";
import { processIO, RunIO } from "./io";
import { runLiveAudit } from "./live-audit-command";
import type { Flags } from "./option-registry";
import { resolveOptions, RunOptions } from "./options";
import { bufferedOutput, writeOutputFile } from "./output-file";
import { runRewrite } from "./rewrite-command";

type Command = (options: RunOptions, io: RunIO, env: Env) => Promise<number>;
type Env = Readonly<Record<string, string | undefined>>;

/** The audit's format: the table for text. */
const auditFormat = (format: Format): AuditFormat =>
  format === "json" || format === "sarif" ? format : "table";

const COMMANDS: Record<Exclude<CommandName, EngineCommandName>, Command> = {
  rewrite: runRewrite,
  audit: (options, io, env) =>
    options.live
      ? runLiveAudit(options, auditFormat(options.format), io, env.DOCKER_HOST)
      : runAudit(options, auditFormat(options.format), io),
  graph: runGraph,
};

/** What a command line asks for, parsed and checked; or the exit status that ends the run first. */
export type Parsed =
  | { command: CommandName; paths: string[]; flags: Flags }
  | { command: "completion"; shell: CompletionShell }
  | { status: number };

/**
 * Parses a command line with composemod's own parser and checks its flags, printing what is
 * wrong (or the help and version asked for) on the run's streams.
 */
export function parseCommandLine(argv: string[], io: RunIO): Parsed {
  let selected: Selected | undefined;
  const program = buildProgram(io, (s) => (selected = s));
  // `--backup=SUFFIX` only in that form, so that `--backup file.yml` never takes a path for a suffix
  const args = argv.flatMap((a) =>
    a.startsWith("--backup=") ? ["--backup-suffix", a.slice(9)] : [a],
  );
  try {
    program.parse(args, { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === "composemod.invalidArgument") io.stderr(error.message + "\n");
    if (error.code === "commander.missingArgument") {
      const command = program.commands.find((c) => c.name() === args[0]);
      io.stderr(helpHint(command?.name() ?? "rewrite") + "\n");
    }
    return { status: error.exitCode === 0 ? 0 : 2 };
  }
  if (!selected) return { status: 2 };
  if (selected.command === "completion") return selected;
  const { command, flags, args: paths } = selected;
  // apply and rollback check their own flags, a saved plan's among them
  if (isEngineCommand(command)) return { command, paths, flags };
  const problem = checkFlags(command, flags, paths);
  if (problem) {
    io.stderr(`error: ${problem}\n`);
    // no path at all: most likely a first run, that help would have told more
    if (paths.length === 0 && problem.startsWith("missing paths")) {
      io.stderr(helpHint(command) + "\n");
    }
    return { status: 2 };
  }
  return { command, paths, flags };
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
  const parsed = parseCommandLine(argv, io);
  if ("status" in parsed) return parsed.status;
  if (parsed.command === "completion") {
    io.stdout(completionScript(parsed.shell));
    return 0;
  }
  const { command, flags, paths } = parsed;
  if (isEngineCommand(command)) return runApplyCommand({ command, args: paths, flags }, io, env);
  const targets = paths.length ? paths : ["-"];
  const configFlag = flags.noConfig ? false : flags.config;
  const loaded = configForPaths(targets, io.cwd, configFlag, flags.stdinFilepath);
  if ("errors" in loaded) {
    for (const error of loaded.errors) io.stderr(`error: ${error}\n`);
    return 2;
  }
  const output = flags.outputFile !== undefined ? bufferedOutput() : undefined;
  const terminal = output === undefined && (io.stdoutIsTTY ?? isTTY);
  // audit --live with no path compares the engine with no file
  const options = resolveOptions(flags, loaded.config, loaded.path, flags.live ? paths : targets, {
    format: chosenFormat(command, flags) as Format,
    color: !flags.noColor && terminal && !env.NO_COLOR,
    explainWidth: terminal ? io.columns : undefined,
    cacheLocation: flags.cache
      ? flags.cacheLocation !== undefined
        ? nodePath.resolve(io.cwd, flags.cacheLocation)
        : defaultCacheLocation(env)
      : undefined,
  });
  const status = await COMMANDS[command](
    options,
    {
      ...io,
      stdout: output?.write ?? io.stdout,
      stdoutIsTTY: terminal,
      // what goes to the output file is held until the end anyway
      drained: output ? undefined : io.drained,
    },
    env,
  );
  if (output && flags.outputFile !== undefined) {
    const failure = writeOutputFile(nodePath.resolve(io.cwd, flags.outputFile), output.text());
    if (failure) {
      io.stderr(`error: cannot write the output file ${flags.outputFile} (${failure})\n`);
      return 2;
    }
  }
  return status;
}
