import type { Command, Option } from "commander";

export const COMPLETION_SHELLS = ["bash", "zsh"];
export type CompletionShell = "bash" | "zsh";

/** Options whose value is a path: the shell completes file names for them. */
const PATH_VALUES = new Set(["--config", "--output-file", "--stdin-filepath"]);

/** An option as completion needs it, read from the command line's own definition. */
interface OptionSpec {
  names: string[];
  description: string;
  value?: { name: string; choices?: readonly string[]; path: boolean };
}

function specOf(option: Option): OptionSpec {
  const names = [option.short, option.long].filter((n): n is string => !!n);
  const takesValue = option.required || option.optional;
  return {
    names,
    description: option.description.split(/[;(]/)[0].trim(),
    value: takesValue
      ? {
          name: /<(\w[\w-]*)>/.exec(option.flags)?.[1] ?? "value",
          choices: option.argChoices,
          path: PATH_VALUES.has(option.long ?? ""),
        }
      : undefined,
  };
}

interface CommandSpec {
  name: string;
  options: OptionSpec[];
  /** The words that can come where its paths go: none for `completion`, whose word is a shell. */
  words?: readonly string[];
}

/** Every command and its options, the help flag included, straight from commander. */
function commandsOf(program: Command): CommandSpec[] {
  const help = { names: ["-h", "--help"], description: "display help" };
  const visible = (c: Command) => [...c.options.filter((o) => !o.hidden).map(specOf), help];
  return [
    { name: "rewrite", options: visible(program) },
    ...program.commands.map((c) => ({
      name: c.name(),
      options: visible(c),
      words: c.registeredArguments[0]?.argChoices,
    })),
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
 * A completion script for the shell, made from the command line's own definition (commands,
 * options, their choices), so that it cannot drift from `--help`.
 */
export function completionScript(shell: CompletionShell, program: Command): string {
  const commands = commandsOf(program);
  return shell === "bash" ? bashScript(commands) : zshScript(commands);
}
