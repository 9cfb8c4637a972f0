import type { CommandName } from "./commands";
import { COMMAND_FORMATS, Format } from "./formats";
import type { Flags } from "./option-registry";

/** The path that stands for standard input. */
export const STDIN_PATH = "-";

/**
 * The format a command line asks for: `--format`, or its shorthand `--json` / `--sarif`, else the
 * command's default; two different ones are an error.
 */
export function chosenFormat(command: CommandName, flags: Flags): Format | { error: string } {
  const asked = [
    ...(flags.format ? [[`--format ${flags.format}`, flags.format] as const] : []),
    ...(flags.json ? [["--json", "json"] as const] : []),
    ...(flags.sarif ? [["--sarif", "sarif"] as const] : []),
  ];
  const formats = new Set(asked.map(([, format]) => format));
  if (formats.size > 1) {
    const [a, b] = asked.filter(([, f], i) => asked.findIndex(([, g]) => g === f) === i);
    return { error: `${a[0]} and ${b[0]} cannot be used together` };
  }
  return asked[0]?.[1] ?? COMMAND_FORMATS[command][0];
}

type Rule = [broken: (flags: Flags, paths: string[], format: Format) => boolean, message: string];

const RULES: Rule[] = [
  [(f) => !!f.write && !!f.check, "--write and --check cannot be used together"],
  [(f) => !!f.check && !!f.listDifferent, "--check and --list-different cannot be used together"],
  [(f) => f.cacheLocation !== undefined && !f.cache, "--cache-location goes with --cache"],
  [
    (f, p) => !!f.cache && (p.includes(STDIN_PATH) || f.stdinFilepath !== undefined),
    "--cache keeps the outcomes of files: it cannot be used with standard input",
  ],
  [(f) => f.backupSuffix === "", "--backup= needs a suffix (or use --backup for .bak)"],
  [(f) => (!!f.backup || f.backupSuffix !== undefined) && !f.write, "--backup goes with --write"],
  [
    (f, _p, format) => !!f.explain && format === "json",
    "--explain and --json cannot be used together (the JSON report has each service's role and reason)",
  ],
  [
    (f, _p, format) => !!f.listDifferent && (format === "json" || !!f.explain),
    "--list-different prints file names: it cannot be used with --json or --explain",
  ],
  [
    (f, p) => p.length === 0 && f.stdinFilepath === undefined && !f.live,
    "missing paths: compose files or directories to read (- for standard input)",
  ],
  [
    (_f, p) => p.includes(STDIN_PATH) && p.length > 1,
    "- (standard input) cannot be used with other paths",
  ],
  [
    (f, p) => f.stdinFilepath !== undefined && p.some((x) => x !== STDIN_PATH),
    "--stdin-filepath names standard input: use it with - (or no path), not with files",
  ],
  [
    (f, p) =>
      (p.includes(STDIN_PATH) || f.stdinFilepath !== undefined) &&
      (!!f.backup || f.backupSuffix !== undefined),
    "--backup has no file to keep with standard input (--write prints the rewritten text)",
  ],
];

/**
 * What is wrong with a command line, checked before any file is read: flags that contradict
 * each other, and paths that cannot go together. Undefined when nothing is.
 */
export function checkFlags(
  command: CommandName,
  flags: Flags,
  paths: string[],
): string | undefined {
  const format = chosenFormat(command, flags);
  if (typeof format !== "string") return format.error;
  if (command !== "rewrite" && paths.includes(STDIN_PATH)) {
    return `${command} reads the projects in files and directories; standard input (-) is for the rewrite`;
  }
  if (command === "audit" && paths.length === 0 && !flags.live) {
    return "missing paths: compose files or directories to audit (or --live for the running engine)";
  }
  // review takes none of the rewrite's flags, and with no path, the working directory
  if (command === "review") return undefined;
  return RULES.find(([broken]) => broken(flags, paths, format))?.[1];
}
