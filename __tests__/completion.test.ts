import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { completionScript } from "../src/cli/completion";
import { run } from "../src/cli/program";
import { captureIO, tempTree } from "./helpers/tmp";
import { testWith } from "./helpers/tools";

const cli = path.resolve(__dirname, "..", "dist", "cli.js");
const script = (shell: "bash" | "zsh") => completionScript(shell);

test("composemod completion bash|zsh prints the script; another shell is refused", async () => {
  for (const shell of ["bash", "zsh"] as const) {
    const io = captureIO("/");
    expect(await run(["completion", shell], io)).toBe(0);
    expect(io.out()).toBe(script(shell));
  }
  const fish = captureIO("/");
  expect(await run(["completion", "fish"], fish)).toBe(2);
  expect(fish.err()).toContain("Allowed choices are bash, zsh");
});

test("every option of --help is in the scripts", () => {
  for (const command of [[], ["audit"], ["graph"]]) {
    const help = execFileSync(process.execPath, [cli, ...command, "--help"], { encoding: "utf8" });
    for (const [flag] of help.matchAll(/--[a-z][a-z-]+/g)) {
      expect(script("bash")).toContain(flag);
      expect(script("zsh")).toContain(flag);
    }
  }
});

describe("bash", () => {
  const dir = tempTree({ "wiki/compose.yaml": "services: {}\n" });
  /** What bash offers for the words typed so far (the last one being completed). */
  const complete = (...words: string[]) => {
    const quoted = words.map((w) => `'${w}'`).join(" ");
    const result = spawnSync(
      "bash",
      [
        "-c",
        `eval "$1"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _composemod; printf '%s\\n' "\${COMPREPLY[@]}"`,
        "-",
        script("bash"),
      ],
      { cwd: dir, encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    return result.stdout.split("\n").filter(Boolean);
  };

  test("options of each command, and each command's formats", () => {
    expect(complete("composemod", "--li")).toEqual(["--list-different"]);
    expect(complete("composemod", "audit", "--sa")).toEqual(["--sarif"]);
    expect(complete("composemod", "graph", "--sa")).toEqual([]);
    expect(complete("composemod", "--format", "")).toEqual(["text", "json"]);
    expect(complete("composemod", "audit", "--format", "")).toEqual(["text", "json", "sarif"]);
    expect(complete("composemod", "graph", "--format", "")).toEqual([
      "text",
      "mermaid",
      "dot",
      "json",
    ]);
    expect(complete("composemod", "--ports", "c")).toEqual(["comment"]);
  });

  test("commands, paths, and shells", () => {
    expect(complete("composemod", "au")).toEqual(["audit"]);
    expect(complete("composemod", "wi")).toEqual(["wiki"]);
    expect(complete("composemod", "audit", "wi")).toEqual(["wiki"]);
    expect(complete("composemod", "--config", "wi")).toEqual(["wiki"]);
    expect(complete("composemod", "--proxy-network", "")).toEqual([]);
    expect(complete("composemod", "completion", "")).toEqual(["bash", "zsh"]);
  });
});

describe("zsh", () => {
  testWith("zsh", "apt-get install zsh")("the script parses and registers _composemod", () => {
    const result = spawnSync(
      "zsh",
      [
        "-f",
        "-c",
        'autoload -Uz compinit && compinit -u -D; eval "$1"; print -r -- $_comps[composemod]',
        "-",
        script("zsh"),
      ],
      { encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("_composemod\n");
  });

  /** The specs _composemod hands to _arguments (or _alternative) for the words typed so far. */
  const specs = (...words: string[]) => {
    const quoted = words.map((w) => `'${w}'`).join(" ");
    const result = spawnSync(
      "zsh",
      [
        "-f",
        "-c",
        `compdef() {}; eval "$1"; _arguments() { print -rl -- "$@" }; _alternative() { print -rl -- "$@" }; words=(${quoted}); CURRENT=${words.length}; _composemod`,
        "-",
        script("zsh"),
      ],
      { encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    return result.stdout.split("\n").filter(Boolean);
  };

  testWith("zsh", "apt-get install zsh")("each command gets its own options and formats", () => {
    expect(specs("composemod", "audit", "--format", "")).toContain(
      "--format=[what to print]:format:(text json sarif)",
    );
    expect(specs("composemod", "graph", "")).toContain(
      "--before-after[draw the topology now and as `composemod --write` would leave it]",
    );
    expect(specs("composemod", "--ex")).toContain(
      "--explain[print a table of each service's role, reason and changes]",
    );
    expect(specs("composemod", "")).toEqual([
      "commands:command:(audit graph apply rollback completion)",
      "paths:path:_files",
    ]);
    expect(specs("composemod", "completion", "")).toContain(":completion:(bash zsh)");
  });
});
