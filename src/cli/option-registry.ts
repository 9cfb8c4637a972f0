import type { ExplicitRole } from "../analysis/classify";
import { PROXY_KINDS } from "../analysis/evidence";
import {
  DEFAULT_PLAN_OPTIONS,
  DEFAULT_PROXY_KIND,
  DEFAULT_PROXY_NETWORK,
  DRIVERS,
  PlanOptions,
  PORTS_MODES,
} from "../analysis/plan/options";
import { COMPOSE_CHOICES } from "../apply/compose-cli";
import { DEFAULT_WAIT_SECONDS } from "../apply/prove";
import { defaultCacheLocation } from "../batch/cache";
import { COMMAND_NAMES, CommandName } from "./commands";
import { CONFIG_FILE, PACKAGE_KEY } from "./config-names";
import { DEFAULT_JOBS_TEXT } from "./default-jobs";
import { COMMAND_FORMATS, FORMATS } from "./formats";
import {
  choice,
  filePath,
  list,
  networkName,
  SWITCH,
  text,
  ValueKind,
  wholeNumber,
} from "./option-values";
import { STDIN_NAME } from "./stdin";

/** The headings help lists a command's options under, in this order. */
export const HELP_GROUPS = ["What to do:", "What to change:", "Roles:", "Output:"] as const;
export type HelpGroup = (typeof HELP_GROUPS)[number];

/** One option of the command line: everything commander, help, completion and the configuration know of it. */
export interface OptionEntry {
  /** As commander takes them: `-w, --write`, `--ports <mode>`; `--no-x` is a switch that turns x off. */
  flags: string;
  value: ValueKind<unknown>;
  description: string;
  /** What help says of it on a command where it means more than `description` says. */
  descriptionFor?: Partial<Record<CommandName, string>>;
  /** The commands that take it as a flag; none for a setting of the configuration alone. */
  commands: readonly CommandName[];
  group: HelpGroup;
  /** A setting of the configuration file too, under the option's name. */
  config?: true;
  /** An option of the plan, under the option's name, whose default is DEFAULT_PLAN_OPTIONS's. */
  plan?: true;
  /** What help says the default is, where it is no value of DEFAULT_PLAN_OPTIONS. */
  defaultText?: string | ((command: CommandName) => string);
  /** The values a command takes, where they are fewer than the value's own. */
  choicesFor?: (command: CommandName) => readonly string[];
  /** A role override: each name given gets this role. */
  role?: ExplicitRole;
  /** Not shown in help nor completed: the form another flag is read as. */
  hidden?: true;
}

/** The commands that plan the rewrite of each project: they take its settings and roles. */
const PLANNING: readonly CommandName[] = ["rewrite", "audit", "graph", "apply"];
/** The commands whose output is a report, in a format of their own choosing. */
const REPORTING: readonly CommandName[] = ["rewrite", "audit", "graph"];
/** The commands that read a configuration file. */
const CONFIGURED: readonly CommandName[] = PLANNING;
/** `review` takes each project's settings from its own configuration, and asks for the rest. */
const WALKING: readonly CommandName[] = [...PLANNING, "review"];
const formatsOf = (command: CommandName) => COMMAND_FORMATS[command];
const printing = (format: string) =>
  COMMAND_NAMES.filter((c) => formatsOf(c).includes(format as never));
/** What `--json` prints on `apply` and `rollback`, which have no other format. */
const ENGINE_JSON = {
  apply: "print the plan and the outcome as JSON",
  rollback: "print what is put back, project by project, as JSON",
};

/** The suffix `--backup` keeps originals under. */
export const BACKUP_SUFFIX = ".bak";

const role = (name: string, given: ExplicitRole, what: string) =>
  ({
    flags: `--${name} <name>`,
    value: list("name"),
    description: `treat service NAME (or project/NAME) as ${what}; repeatable`,
    commands: PLANNING,
    group: "Roles:",
    config: true,
    role: given,
  }) as const;

/**
 * Every option of every command, in the order help lists them under their headings. The
 * commander wiring, help and its defaults, shell completion, the configuration file's keys and
 * the plan's options are all read from here.
 */
export const OPTIONS = {
  write: {
    flags: "-w, --write",
    value: SWITCH,
    description: "apply the changes in place (atomic write, file mode kept)",
    descriptionFor: {
      apply:
        "rewrite each project's files first, as `composemod --write` does, just before its containers change",
    },
    commands: ["rewrite", "apply"],
    group: "What to do:",
  },
  check: {
    flags: "--check",
    value: SWITCH,
    description: "change nothing; exit 1 when any file would change",
    commands: ["rewrite"],
    group: "What to do:",
  },
  listDifferent: {
    flags: "-l, --list-different",
    value: SWITCH,
    description:
      "print the names of the files that would change (with --write: that changed), one a line",
    commands: ["rewrite"],
    group: "What to do:",
  },
  backup: {
    flags: "--backup",
    value: SWITCH,
    description: `with --write, keep each original beside it as FILE${BACKUP_SUFFIX} (--backup=SUFFIX for another suffix)`,
    commands: ["rewrite"],
    group: "What to do:",
  },
  backupSuffix: {
    flags: "--backup-suffix <suffix>",
    value: text("suffix"),
    description: "--backup=SUFFIX, as commander reads it",
    commands: ["rewrite"],
    group: "What to do:",
    hidden: true,
  },
  live: {
    flags: "--live",
    value: SWITCH,
    description:
      "audit what the Docker Engine runs (DOCKER_HOST, else /var/run/docker.sock); with paths, also containers whose networks differ from their files",
    commands: ["audit"],
    group: "What to do:",
  },
  beforeAfter: {
    flags: "--before-after",
    value: SWITCH,
    description: "draw the topology now and as `composemod --write` would leave it",
    commands: ["graph"],
    group: "What to do:",
  },
  yes: {
    flags: "-y, --yes",
    value: SWITCH,
    description:
      "go ahead without asking (without it, a terminal is asked; elsewhere nothing is changed)",
    commands: ["apply", "rollback"],
    group: "What to do:",
  },
  dryRun: {
    flags: "--dry-run",
    value: SWITCH,
    description: "print the plan and change nothing",
    descriptionFor: { rollback: "print what would be put back and change nothing" },
    commands: ["apply", "rollback"],
    group: "What to do:",
  },
  planFile: {
    flags: "--plan-file <file>",
    value: filePath("file"),
    description:
      "with --dry-run, save the plan in FILE; without, apply the plan saved in FILE if the files and the engine are still as it saw them",
    commands: ["apply"],
    group: "What to do:",
  },
  compose: {
    flags: "--compose <version>",
    value: choice("version", COMPOSE_CHOICES),
    description:
      "the Docker Compose that recreates a container where reconnecting it cannot do: v1 (docker-compose), v2 (docker compose), auto (the one that made the project, else the one there is)",
    commands: ["apply"],
    group: "What to do:",
    defaultText: "auto",
  },
  wait: {
    flags: "--wait <seconds>",
    value: wholeNumber("seconds", "--wait", 1, 3600),
    description:
      "how long a project's checks may take to pass before it is put back, and a container put back to be healthy again",
    descriptionFor: { rollback: "how long a container put back may take to be healthy again" },
    commands: ["apply", "rollback"],
    group: "What to do:",
    defaultText: String(DEFAULT_WAIT_SECONDS),
  },
  stdinFilepath: {
    flags: "--stdin-filepath <path>",
    value: filePath("path"),
    description:
      "the path standard input stands for: its project, its configuration, the name shown",
    commands: ["rewrite"],
    group: "What to do:",
    defaultText: `${STDIN_NAME} in the working directory`,
  },
  ignore: {
    flags: "--ignore <glob>",
    value: list("glob"),
    description:
      "leave out paths that match (gitignore syntax) when walking directories; repeatable",
    commands: WALKING,
    group: "What to do:",
    config: true,
  },
  followSymlinks: {
    flags: "--follow-symlinks",
    value: SWITCH,
    description:
      "walk into symbolic links that lead outside the paths given, and write the files they lead to (by default such links are left out, and nothing outside the paths given is written); a flag only, never a setting of a configuration file that a cloned stack could bring",
    commands: PLANNING,
    group: "What to do:",
  },
  config: {
    flags: "--config <file>",
    value: filePath("file"),
    description: "read every project's settings from FILE",
    commands: CONFIGURED,
    group: "What to do:",
    defaultText: `for each project, the ${CONFIG_FILE} or package.json's ${PACKAGE_KEY} key nearest to it`,
  },
  noConfig: {
    flags: "--no-config",
    value: SWITCH,
    description: "read no configuration file",
    commands: CONFIGURED,
    group: "What to do:",
  },
  jobs: {
    flags: "-j, --jobs <n>",
    value: wholeNumber("n", "--jobs", 1, 256),
    description: "worker processes for large runs",
    commands: ["rewrite"],
    group: "What to do:",
    defaultText: DEFAULT_JOBS_TEXT,
  },
  cache: {
    flags: "--cache",
    value: SWITCH,
    description:
      "reuse the outcome of an earlier run for a project none of whose files (nor composemod, nor the options) changed",
    commands: ["rewrite"],
    group: "What to do:",
  },
  cacheLocation: {
    flags: "--cache-location <file>",
    value: filePath("file"),
    description: "the cache file",
    commands: ["rewrite"],
    group: "What to do:",
    // the file under $XDG_CACHE_HOME, and where it goes without one
    defaultText: `$XDG_CACHE_HOME${defaultCacheLocation({ XDG_CACHE_HOME: "/" })}, else ${defaultCacheLocation({ HOME: "~" })}`,
  },
  proxyNetwork: {
    flags: "--proxy-network <name>",
    value: networkName("name"),
    description: "real name of the reverse proxy's external network",
    commands: PLANNING,
    group: "What to change:",
    config: true,
    plan: true,
    // the planner's own fallback (checked by the registry's test)
    defaultText: `detected, else ${DEFAULT_PROXY_NETWORK}`,
  },
  internalNetwork: {
    flags: "--internal-network <name>",
    value: networkName("name"),
    description: "name of the per-project internal network",
    commands: PLANNING,
    group: "What to change:",
    config: true,
    plan: true,
  },
  driver: {
    flags: "--driver <driver>",
    value: choice("driver", DRIVERS),
    description: "driver of the internal network (overlay for swarm stack files)",
    commands: PLANNING,
    group: "What to change:",
    config: true,
    plan: true,
  },
  noEgress: {
    flags: "--no-egress",
    value: SWITCH,
    description: "declare the internal network internal: true (no outbound traffic)",
    commands: PLANNING,
    group: "What to change:",
    config: true,
    plan: true,
  },
  virtualHost: {
    flags: "--virtual-host <template>",
    value: text("template"),
    description:
      "put apps nothing routes to yet behind the proxy at this host ({project} and {service} are filled in)",
    commands: PLANNING,
    group: "What to change:",
    config: true,
    plan: true,
  },
  proxyKind: {
    flags: "--proxy-kind <kind>",
    value: choice("kind", PROXY_KINDS),
    description: "the proxy that routes",
    commands: PLANNING,
    group: "What to change:",
    config: true,
    plan: true,
    // the planner's own fallback (checked by the registry's test)
    defaultText: `as the file says, else ${DEFAULT_PROXY_KIND}`,
  },
  modernize: {
    flags: "--modernize",
    value: SWITCH,
    description: "rewrite the legacy `external: {name: x}` as `external: true` and `name: x`",
    commands: PLANNING,
    group: "What to change:",
    config: true,
    plan: true,
  },
  ports: {
    flags: "--ports <mode>",
    value: choice("mode", PORTS_MODES),
    description:
      "ports: the ones the proxy carries for a routed app, and database ports beyond the host (auto); every app port too (comment); no app port (keep); database ports bound to 127.0.0.1 instead of commented out (rebind)",
    commands: PLANNING,
    group: "What to change:",
    config: true,
    plan: true,
  },
  skip: {
    flags: "--skip",
    value: SWITCH,
    description:
      "leave the project as it is: what `composemod review` remembers of a project skipped (a setting of the configuration alone)",
    commands: [],
    group: "What to do:",
    config: true,
  },
  app: role("app", "app", "an app"),
  database: role("database", "database", "a database"),
  backend: role("backend", "backend", "a backend"),
  ignoreService: role("ignore-service", "ignore", "untouchable"),
  format: {
    flags: "--format <format>",
    value: choice("format", FORMATS),
    description: "what to print",
    commands: REPORTING,
    group: "Output:",
    choicesFor: formatsOf,
    defaultText: (command) => formatsOf(command)[0],
  },
  json: {
    flags: "--json",
    value: SWITCH,
    description: "short for --format json",
    descriptionFor: ENGINE_JSON,
    commands: printing("json"),
    group: "Output:",
  },
  sarif: {
    flags: "--sarif",
    value: SWITCH,
    description: "short for --format sarif",
    commands: printing("sarif"),
    group: "Output:",
  },
  explain: {
    flags: "--explain",
    value: SWITCH,
    description: "print a table of each service's role, reason and changes",
    commands: ["rewrite"],
    group: "Output:",
  },
  outputFile: {
    flags: "-o, --output-file <file>",
    value: filePath("file"),
    description: "write what would go to standard output to FILE",
    commands: REPORTING,
    group: "Output:",
  },
  quiet: {
    flags: "-q, --quiet",
    value: SWITCH,
    description: "print errors only on standard error",
    commands: PLANNING,
    group: "Output:",
  },
  noColor: {
    flags: "--no-color",
    value: SWITCH,
    description: "no colour (also when NO_COLOR is set or output is not a terminal)",
    commands: COMMAND_NAMES,
    group: "Output:",
  },
} satisfies Record<string, OptionEntry>;

export type OptionName = keyof typeof OPTIONS;
type Entries = typeof OPTIONS;
/** The type of an option's value. */
export type ValueOf<N extends OptionName> =
  Entries[N]["value"] extends ValueKind<infer T> ? T : never;
type NamesWith<Mark> = { [N in OptionName]: Entries[N] extends Mark ? N : never }[OptionName];
export type PlanOptionName = NamesWith<{ plan: true }>;
export type ConfigKey = NamesWith<{ config: true }>;
type RoleOptionName = NamesWith<{ role: ExplicitRole }>;

/** The options a command line gives, each under its name, as typed values. */
export type Flags = { [N in OptionName]?: ValueOf<N> };

/** The settings of a configuration file: `composemod.config.json`, or package.json's `composemod`. */
export type Config = { [K in ConfigKey]?: ValueOf<K> };

/** The plan's options, each of its own type, as the registry gives them. */
export type PlanSettings = { [N in PlanOptionName]: ValueOf<N> | undefined };

/** Every entry, as data, in the order of the table. */
export const OPTION_ENTRIES: readonly (readonly [OptionName, OptionEntry])[] = Object.entries(
  OPTIONS,
) as [OptionName, OptionEntry][];

const namesWhere = <N extends OptionName>(test: (entry: OptionEntry) => boolean) =>
  OPTION_ENTRIES.filter(([, entry]) => test(entry)).map(([name]) => name as N);

/** The options of the plan: each of PlanOptions but `host`, which the run fills in. */
export const PLAN_OPTION_NAMES: readonly PlanOptionName[] = namesWhere((e) => e.plan === true);

/** The role overrides, each with the role it gives. */
export const ROLE_OPTIONS: readonly (readonly [RoleOptionName, ExplicitRole, string])[] =
  OPTION_ENTRIES.flatMap(([name, entry]) =>
    entry.role ? [[name as RoleOptionName, entry.role, longFlag(entry)] as const] : [],
  );

/** The keys a configuration file may hold. */
export const CONFIG_KEYS: readonly ConfigKey[] = namesWhere((e) => e.config === true);

/** The options of a command, in the order help lists them. */
export function optionsOf(command: CommandName): (readonly [OptionName, OptionEntry])[] {
  return OPTION_ENTRIES.filter(([, entry]) => entry.commands.includes(command));
}

/** What help and completion say of an option on a command. */
export function descriptionOf(entry: OptionEntry, command: CommandName): string {
  return entry.descriptionFor?.[command] ?? entry.description;
}

/** The values an option takes on a command. */
export function choicesOf(entry: OptionEntry, command: CommandName): readonly string[] | undefined {
  return entry.choicesFor?.(command) ?? (entry.value.choices as readonly string[] | undefined);
}

/**
 * The default help shows for an option on a command: the plan's for its options, else what the
 * entry says; none for a switch, which is off unless given.
 */
export function defaultOf(name: OptionName, command: CommandName): string | undefined {
  const entry: OptionEntry = OPTIONS[name];
  if (entry.defaultText !== undefined) {
    return typeof entry.defaultText === "string" ? entry.defaultText : entry.defaultText(command);
  }
  if (entry.value === SWITCH) return undefined;
  const planned = entry.plan ? DEFAULT_PLAN_OPTIONS[name as keyof PlanOptions] : undefined;
  return planned === undefined ? undefined : String(planned);
}

/** `--ports` of `--ports <mode>`, `--write` of `-w, --write`. */
export function longFlag(entry: OptionEntry): string {
  return /--[\w-]+/.exec(entry.flags)![0];
}
