import { COMMAND_NAMES, CommandName } from "./commands";
import { choicesOf, descriptionOf, OptionEntry, optionsOf } from "./option-registry";

export const COMPLETION_SHELLS = ["bash", "zsh"];
export type CompletionShell = "bash" | "zsh";

/** An option as completion needs it. */
interface OptionSpec {
  names: string[];
  description: string;
  value?: { name: string; choices?: readonly string[]; path: boolean };
}

const HELP: OptionSpec = { names: ["-h", "--help"], description: "display help" };
const VERSION: OptionSpec = {
  names: ["-V", "--version"],
  description: "output the version number",
};

function specOf(entry: OptionEntry, command: CommandName): OptionSpec {
  const { placeholder, path } = entry.value;
  return {
    names: entry.flags.split(/,\s*/).map((flag) => flag.split(" ")[0]),
    description: descriptionOf(entry, command).split(/[;(]/)[0].trim(),
    value:
      placeholder !== undefined
        ? { name: placeholder, choices: choicesOf(entry, command), path: path === true }
        : undefined,
  };
}

interface CommandSpec {
  name: string;
  options: OptionSpec[];
  /** The words that can come where its paths go: none for `completion`, whose word is a shell. */
  words?: readonly string[];
}

/** Every command and its options, from the options' registry, the help flag included. */
function commandsOf(): CommandSpec[] {
  const options = (command: CommandName) =>
    optionsOf(command)
      .filter(([, entry]) => !entry.hidden)
      .map(([, entry]) => specOf(entry, command));
  return [
    ...COMMAND_NAMES.map((name) => ({
      name,
      options: [...options(name), ...(name === "rewrite" ? [VERSION] : []), HELP],
    })),
    { name: "completion", options: [HELP], words: COMPLETION_SHELLS },
  ];
}

const shellWords = (words: readonly string[]) => words.join(" ");

function bashScript(commands: CommandSpec[]): string {
  const subcommands = commands.filter((c) => c.name !== "rewrite").map((c) => c.name);
  const optionLists = commands.map(
    (c) => `    ${c.name}) options="${shellWords(c.options.flatMap((o) => o.names))}" ;;`,
  );
  const valueCases = commands.flatMap((c) =>
    c.options.flatMap((o) => {
      if (!o.value) return [];
      const reply = o.value.choices
        ? `COMPREPLY=($(compgen -W "${shellWords(o.value.choices)}" -- "$cur"))`
        : o.value.path
          ? `COMPREPLY=($(compgen -f -- "$cur"))`
          : "COMPREPLY=()";
      return [`    ${o.names.map((n) => `"${c.name} ${n}"`).join("|")}) ${reply}; return ;;`];
    }),
  );
  const wordCases = commands
    .filter((c) => c.words)
    .map(
      (c) =>
        `    ${c.name}) COMPREPLY=($(compgen -W "${shellWords(c.words!)}" -- "$cur")); return ;;`,
    );
  return [
    "# bash completion for composemod. In ~/.bashrc:",
    '#   eval "$(composemod completion bash)"',
    "_composemod() {",
    "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}",
    "  local command=rewrite options",
    `  case \${COMP_WORDS[1]} in ${subcommands.join("|")}) command=\${COMP_WORDS[1]} ;; esac`,
    "  case $command in",
    ...optionLists,
    "  esac",
    '  case "$command $prev" in',
    ...valueCases,
    "  esac",
    '  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$options" -- "$cur")); return; fi',
    "  case $command in",
    ...wordCases,
    "  esac",
    '  COMPREPLY=($(compgen -f -- "$cur"))',
    "  if [[ $COMP_CWORD -eq 1 ]]; then",
    `    COMPREPLY+=($(compgen -W "${subcommands.join(" ")}" -- "$cur"))`,
    "  fi",
    "}",
    "complete -o filenames -o bashdefault -F _composemod composemod",
    "",
  ].join("\n");
}

/** Text inside single quotes and an `_arguments` description's brackets. */
const zshText = (text: string) => text.replace(/([[\]:\\])/g, "\\$1").replace(/'/g, "'\\''");

function zshSpecs(command: CommandSpec): string[] {
  const specs = command.options.flatMap((o) =>
    o.names.map((name) => {
      const head = `${name}${o.value && name.startsWith("--") ? "=" : ""}[${zshText(o.description)}]`;
      if (!o.value) return `'${head}'`;
      const action = o.value.choices
        ? `(${o.value.choices.join(" ")})`
        : o.value.path
          ? "_files"
          : " ";
      return `'${head}:${o.value.name}:${action}'`;
    }),
  );
  const rest = command.words
    ? `':${command.name}:(${command.words.join(" ")})'`
    : "'*:path:_files'";
  return [...specs, rest];
}

function zshScript(commands: CommandSpec[]): string {
  const subcommands = commands.filter((c) => c.name !== "rewrite").map((c) => c.name);
  const arrays = commands.map(
    (c) => `  local -a ${c.name}_specs=(\n    ${zshSpecs(c).join("\n    ")}\n  )`,
  );
  return [
    "#compdef composemod",
    "# zsh completion for composemod. In ~/.zshrc, after compinit:",
    '#   eval "$(composemod completion zsh)"',
    "_composemod() {",
    ...arrays,
    "  case $words[2] in",
    `    ${subcommands.join("|")})`,
    "      local command=$words[2]",
    "      shift words",
    "      (( CURRENT-- ))",
    '      _arguments -s "${(@P)${:-${command}_specs}}"',
    "      ;;",
    "    *)",
    "      if (( CURRENT == 2 )) && [[ $words[2] != -* ]]; then",
    `        _alternative 'commands:command:(${subcommands.join(" ")})' 'paths:path:_files'`,
    "      else",
    "        _arguments -s $rewrite_specs",
    "      fi",
    "      ;;",
    "  esac",
    "}",
    "compdef _composemod composemod",
    "",
  ].join("\n");
}

/**
 * A completion script for the shell, made from the options' registry that the command line and
 * its help are made from (commands, options, their choices), so that it cannot drift from them.
 */
export function completionScript(shell: CompletionShell): string {
  const commands = commandsOf();
  return shell === "bash" ? bashScript(commands) : zshScript(commands);
}
