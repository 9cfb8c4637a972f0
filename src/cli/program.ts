import { CommanderError } from "commander";
import * as nodePath from "node:path";
import { defaultCacheLocation } from "../batch/cache";
import { AuditFormat, runAudit } from "./audit-command";
import { checkFlags, chosenFormat } from "./check-flags";
import { runApplyCommand } from "./apply-command";
import { buildProgram, Selected } from "./command-line";
import { completionScript } from "./completion";
import { configForPaths } from "./config-for-paths";
import type { CommandName, Format } from "./formats";
import { runGraph } from "./graph-command";
import { processIO, RunIO } from "./io";
import { runLiveAudit } from "./live-audit-command";
import { resolveOptions, RunOptions } from "./options";
import { bufferedOutput, writeOutputFile } from "./output-file";
import { runRewrite } from "./rewrite-command";

type Command = (options: RunOptions, io: RunIO, env: Env) => Promise<number>;
type Env = Readonly<Record<string, string | undefined>>;

/** The audit's format: the table for text. */
const auditFormat = (format: Format): AuditFormat =>
  format === "json" || format === "sarif" ? format : "table";

const COMMANDS: Record<CommandName, Command> = {
  rewrite: runRewrite,
  audit: (options, io, env) =>
    options.live
      ? runLiveAudit(options, auditFormat(options.format), io, env.DOCKER_HOST)
      : runAudit(options, auditFormat(options.format), io),
  graph: runGraph,
};

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
  if (selected.command === "completion") {
    io.stdout(completionScript(selected.shell, program));
    return 0;
  }
  if (selected.command === "apply" || selected.command === "rollback") {
    return runApplyCommand(selected, io, env);
  }
  const { command, flags, args: paths } = selected;
  const problem = checkFlags(command, flags, paths);
  if (problem) {
    io.stderr(`error: ${problem}\n`);
    return 2;
  }
  const targets = paths.length ? paths : ["-"];
  const loaded = configForPaths(targets, io.cwd, flags.config, flags.stdinFilepath);
  if ("error" in loaded) {
    io.stderr(`error: ${loaded.error}\n`);
    return 2;
  }
  const output = flags.outputFile !== undefined ? bufferedOutput() : undefined;
  const terminal = output === undefined && (io.stdoutIsTTY ?? isTTY);
  // audit --live with no path compares the engine with no file
  const options = resolveOptions(flags, loaded.config, loaded.path, flags.live ? paths : targets, {
    format: chosenFormat(command, flags) as Format,
    color: flags.color !== false && terminal && !env.NO_COLOR,
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
