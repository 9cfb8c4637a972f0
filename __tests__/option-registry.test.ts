import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { PlanOptions } from "../src/analysis/plan/options";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import { COMMAND_NAMES, CommandName } from "../src/cli/commands";
import { loadConfig, validateConfig } from "../src/cli/config";
import {
  choicesOf,
  CONFIG_KEYS,
  ConfigKey,
  defaultOf,
  HELP_GROUPS,
  longFlag,
  OPTION_ENTRIES,
  OptionEntry,
  optionsOf,
  PLAN_OPTION_NAMES,
  PlanOptionName,
  ValueOf,
} from "../src/cli/option-registry";
import { SWITCH } from "../src/cli/option-values";
import { resolveOptions, RunOptions } from "../src/cli/options";
import { parseCommandLine, run } from "../src/cli/program";
import { rewriteText } from "../src/rewrite/rewrite-project";
import { captureIO, tempTree } from "./helpers/tmp";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** A value an option may take that is not its default: the last choice, a name, a list of one. */
function sampleOf(entry: OptionEntry): unknown {
  if (entry.value === SWITCH) return true;
  if (entry.value.repeatable) return ["blog/db"];
  return entry.value.choices?.at(-1) ?? "sample_net";
}

/** The command line that gives an option its sample value. */
function argsOf(entry: OptionEntry): string[] {
  const sample = sampleOf(entry);
  if (sample === true) return [longFlag(entry)];
  return [longFlag(entry), Array.isArray(sample) ? sample[0] : String(sample)];
}

const resolved = (flags: object, config: object): RunOptions =>
  resolveOptions(flags, config, undefined, ["."], { format: "text", color: false });

async function helpOf(command: CommandName): Promise<string> {
  const io = captureIO("/");
  expect(await run(command === "rewrite" ? ["--help"] : [command, "--help"], io)).toBe(0);
  return io.out();
}

/** The help's sections by heading, each with the option terms it lists and its text on one line. */
function sections(help: string): Map<string, { terms: string[]; text: string }> {
  const out = new Map<string, { terms: string[]; text: string }>();
  let current = "";
  for (const line of help.split("\n")) {
    if (/^\S.*:$/.test(line)) out.set((current = line), { terms: [], text: "" });
    const section = out.get(current);
    if (!section) continue;
    section.text += " " + line.trim();
    const term = /^ {2}(-\w, )?--[\w-]+( <[\w-]+>)?/.exec(line);
    if (term) section.terms.push(term[0].trim());
  }
  return out;
}

// `skipped` is the `skip` setting, made the reason a skipped project is left as it is
test("the plan's options are the registry's, each of the plan's own type and each a setting", () => {
  const names: Same<PlanOptionName, Exclude<keyof PlanOptions, "host" | "skipped">> = true;
  const types: Same<
    { [N in PlanOptionName]: ValueOf<N> },
    Required<Omit<PlanOptions, "host" | "skipped">>
  > = true;
  const settable: PlanOptionName extends ConfigKey ? true : false = true;
  expect([names, types, settable]).toEqual([true, true, true]);
  expect(PLAN_OPTION_NAMES).toEqual(expect.arrayContaining(Object.keys(DEFAULT_PLAN_OPTIONS)));
  expect(CONFIG_KEYS).toEqual(expect.arrayContaining([...PLAN_OPTION_NAMES]));
});

describe.each(COMMAND_NAMES)("composemod %s --help", (command) => {
  test("lists the command's options and no other, each under its heading, with its choices and default", async () => {
    const help = sections(await helpOf(command));
    const groups = [...help.keys()].filter((h) => (HELP_GROUPS as readonly string[]).includes(h));
    const visible = optionsOf(command).filter(([, entry]) => !entry.hidden);
    expect(groups).toEqual(HELP_GROUPS.filter((g) => visible.some(([, e]) => e.group === g)));
    for (const [name, entry] of visible) {
      const section = help.get(entry.group)!;
      expect(section.terms).toContain(entry.flags);
      const choices = choicesOf(entry, command);
      const shown = [
        ...(choices ? [`choices: ${choices.join(", ")}`] : []),
        ...(defaultOf(name, command) !== undefined ? [`default: ${defaultOf(name, command)}`] : []),
      ];
      if (shown.length) expect(section.text).toContain(`(${shown.join("; ")})`);
    }
    const listed = [...help.values()].flatMap((s) => s.terms);
    const own = ["-V, --version", "-h, --help"].filter(
      (t) => command === "rewrite" || t !== "-V, --version",
    );
    expect(listed.sort()).toEqual([...visible.map(([, e]) => e.flags), ...own].sort());
  });
});

test("the defaults help shows are the plan's own", () => {
  for (const name of PLAN_OPTION_NAMES) {
    const planned = (DEFAULT_PLAN_OPTIONS as Partial<Record<string, unknown>>)[name];
    if (planned !== undefined && typeof planned !== "boolean") {
      expect(defaultOf(name, "rewrite")).toBe(String(planned));
    }
  }
  expect(defaultOf("format", "audit")).toBe("text");
});

test("the defaults the planner decides itself are the ones help names", () => {
  const app =
    'services:\n  app:\n    image: nginx\n    ports:\n      - "8080:80"\n  db:\n    image: postgres:16\n';
  const rewrite = (options: Partial<PlanOptions>) =>
    rewriteText(app, "compose.yaml", {
      ...DEFAULT_PLAN_OPTIONS,
      virtualHost: "{service}.example.org",
      ...options,
    }).output;
  const fallback = (name: "proxyNetwork" | "proxyKind") =>
    /, else (\S+)$/.exec(defaultOf(name, "rewrite")!)![1];
  expect(rewrite({})).toBe(rewrite({ proxyNetwork: fallback("proxyNetwork") }));
  expect(rewrite({})).not.toBe(rewrite({ proxyNetwork: "edge" }));
  expect(rewrite({})).toBe(
    rewrite({ proxyKind: fallback("proxyKind") as PlanOptions["proxyKind"] }),
  );
  expect(rewrite({})).not.toBe(rewrite({ proxyKind: "traefik" }));
});

describe.each(OPTION_ENTRIES.filter(([, e]) => e.config))("the setting %s", (key, entry) => {
  const sample = sampleOf(entry);

  test("is accepted in the configuration, and another kind of value is refused by its key", () => {
    expect(validateConfig({ [key]: sample }, "composemod.config.json")).toEqual({
      config: { [key]: sample },
    });
    const wrong = validateConfig({ [key]: 42 }, "composemod.config.json");
    expect(wrong).toEqual({ errors: [expect.stringContaining(`\`${key}\` must be `)] });
  });

  test("reaches the run from the configuration and from its flag, the flag winning", () => {
    if (entry.commands.length === 0) {
      // a setting of the configuration alone: `skip`, the reason its project is left as it is
      expect(resolved({}, { [key]: sample }).skipped).toMatch(/^skipped by review, in /);
      expect(resolved({}, {}).skipped).toBeUndefined();
      expect(parseCommandLine([longFlag(entry), "."], captureIO("/"))).toEqual({ status: 2 });
      return;
    }
    const parsed = parseCommandLine([...argsOf(entry), "."], captureIO("/"));
    if (!("flags" in parsed)) throw new Error(`${argsOf(entry).join(" ")} was refused`);
    const fromConfig = resolved({}, { [key]: sample });
    const fromFlag = resolved(parsed.flags, {});
    if (entry.role) {
      expect(fromConfig.overrides.get("blog/db")?.role).toBe(entry.role);
      expect(fromFlag.overrides.get("blog/db")?.source).toEqual({
        kind: "flag",
        flag: longFlag(entry),
      });
    } else if (entry.plan) {
      const name = key as PlanOptionName;
      expect([fromConfig[name], fromConfig.sources[name]]).toEqual([sample, "config"]);
      expect([fromFlag[name], fromFlag.sources[name]]).toEqual([sample, "flag"]);
      const fallback = (DEFAULT_PLAN_OPTIONS as Partial<Record<string, unknown>>)[name];
      expect([resolved({}, {})[name], resolved({}, {}).sources[name]]).toEqual([
        fallback,
        "default",
      ]);
    } else {
      expect(fromConfig[key as "ignore"]).toEqual(sample);
      expect(fromFlag[key as "ignore"]).toEqual(sample);
    }
  });
});

test("a configuration's unknown keys and wrong values are each named at file:line:col", () => {
  const dir = tempTree({
    "composemod.config.json": '{\n  "internal-network": "backnet",\n  "noEgress": "yes"\n}\n',
  });
  const file = path.join(dir, "composemod.config.json");
  expect(loadConfig(dir)).toEqual({
    errors: [
      `${file}:2:3: unknown key \`internal-network\` (did you mean \`internalNetwork\`?)`,
      `${file}:3:15: \`noEgress\` must be true or false`,
    ],
  });
});

test("docs/options.md names every option, and its configuration example holds every setting, valid", () => {
  const readme = readFileSync(path.join(__dirname, "..", "docs", "options.md"), "utf8");
  for (const [, entry] of OPTION_ENTRIES.filter(([, e]) => !e.hidden && e.commands.length)) {
    expect(readme).toMatch(new RegExp("`[^`\\n]*" + longFlag(entry) + "\\b"));
  }
  const example = /Settings used on every run[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)![1];
  const config = JSON.parse(example);
  expect(Object.keys(config).sort()).toEqual([...CONFIG_KEYS].sort());
  expect(validateConfig(config, "docs/options.md")).toEqual({ config });
});
