import { Argument, Command, Option } from "commander";
import { VERSION } from "../version";
import { COMMAND_NAMES, CommandName, COMMANDS } from "./commands";
import { COMPLETION_SHELLS, CompletionShell } from "./completion";
import type { RunIO } from "./io";
import {
  choicesOf,
  defaultOf,
  descriptionOf,
  Flags,
  OptionEntry,
  OptionName,
  optionsOf,
} from "./option-registry";

/** The command a parse chose, with its paths and flags. */
export type Selected =
  | { command: CommandName; args: string[]; flags: Flags }
  | { command: "completion"; shell: CompletionShell };

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** An option as commander takes it, with the default help shows beside its choices. */
function commanderOption(entry: OptionEntry, name: OptionName, command: CommandName): Option {
  const option = new Option(entry.flags, descriptionOf(entry, command)).helpGroup(entry.group);
  const { value } = entry;
  const choices = choicesOf(entry, command);
  if (choices) option.choices(choices);
  if (value.repeatable) option.argParser(collect);
  else if (value.parse) option.argParser(value.parse);
  option.defaultValueDescription = defaultOf(name, command);
  if (entry.hidden) option.hideHelp();
  return option;
}

/**
 * A command's flags as the registry names them: a value given on the command line, or nothing.
 * `--no-x` is true when given (commander keeps it as x = false).
 */
function flagsOf(command: Command, name: CommandName): Flags {
  const flags: Record<string, unknown> = {};
  for (const [key, entry] of optionsOf(name)) {
    const option = command.options.find((o) => o.flags === entry.flags)!;
    const attribute = option.attributeName();
    if (command.getOptionValueSource(attribute) !== "cli") continue;
    const value: unknown = command.getOptionValue(attribute);
    if (option.negate) {
      if (value === false) flags[key] = true;
    } else if (option.isBoolean()) {
      if (value === true) flags[key] = true;
    } else if (typeof value !== "boolean") flags[key] = value;
  }
  return flags as Flags;
}

/** An option's description with its choices and default in one parenthesis: `(choices: a, b; default: a)`. */
function optionDescription(option: Option): string {
  const extra = [
    option.argChoices ? `choices: ${option.argChoices.join(", ")}` : "",
    option.defaultValueDescription ? `default: ${option.defaultValueDescription}` : "",
  ].filter(Boolean);
  return extra.length ? `${option.description} (${extra.join("; ")})` : option.description;
}

/** The command line of composemod; `select` is given the command a parse chose. */
export function buildProgram(io: RunIO, select: (s: Selected) => void): Command {
  const program = new Command("composemod")
    // a subcommand's options are its own, even where the main command has one of the same name
    .enablePositionalOptions()
    .configureHelp({ optionDescription })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    });
  for (const name of COMMAND_NAMES) {
    const spec = COMMANDS[name];
    const command = name === "rewrite" ? program : program.command(name);
    command
      .description(spec.description)
      .argument(spec.paths.required ? "<paths...>" : "[paths...]", spec.paths.description);
    for (const [key, entry] of optionsOf(name)) {
      command.addOption(commanderOption(entry, key, name));
    }
    // help and the version, last, with what composemod prints
    command.optionsGroup("Output:");
    if (name === "rewrite") command.version(VERSION);
    command.helpOption("-h, --help", "display help for command");
    if (spec.epilogue) command.addHelpText("after", `\n${spec.epilogue}`);
    command.action((paths: string[]) =>
      select({ command: name, args: paths, flags: flagsOf(command, name) }),
    );
  }
  program
    .command("completion")
    .description('Print a shell completion script: eval "$(composemod completion bash)"')
    .addArgument(new Argument("<shell>", "bash or zsh").choices(COMPLETION_SHELLS))
    .helpOption("-h, --help", "display help for command")
    .action((shell: CompletionShell) => select({ command: "completion", shell }));
  return program;
}
