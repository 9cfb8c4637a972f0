import { spawn } from "node:child_process";

/** A running project as Compose must be given it: its name, directory and files, as its labels say. */
export interface ComposeTarget {
  project: string;
  workingDir: string;
  files: string[];
  /** `--env-file`, when Compose v2 recorded one. */
  envFile?: string;
}

/** Docker Compose as apply runs it: one command, v1 (`docker-compose`) or v2 (`docker compose`). */
export interface ComposeRunner {
  /** The command and its version, as the plan shows it: `docker-compose 1.29.2`. */
  readonly describe: string;
  readonly major: 1 | 2;
  /**
   * `up -d --no-deps --no-build` of the services: each recreated as its files say, nothing else of
   * the project touched, no image built; v2 is told `--pull never`, and v1 pulls only a missing
   * image, which the plan has made sure is there.
   */
  up(target: ComposeTarget, services: string[]): Promise<{ ok: boolean; output: string }>;
}

/** Which Compose recreates a container: the one that made the project (auto), v1 or v2. */
export const COMPOSE_CHOICES = ["auto", "v1", "v2"] as const;
export type ComposeChoice = (typeof COMPOSE_CHOICES)[number];

/** Runs a program and gives back its exit code and output; a program that is not there is code 127. */
export type RunProgram = (
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
) => Promise<{ code: number; output: string }>;

export const runProgram: RunProgram = (command, args, env, timeoutMs) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", () => {
      clearTimeout(timer);
      resolve({ code: 127, output: `${command}: not found` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });

const COMMANDS: Record<1 | 2, [string, string[]]> = {
  1: ["docker-compose", []],
  2: ["docker", ["compose"]],
};

function targetArgs(target: ComposeTarget): string[] {
  return [
    ...["--project-name", target.project],
    ...["--project-directory", target.workingDir],
    ...target.files.flatMap((f) => ["--file", f]),
    ...(target.envFile ? ["--env-file", target.envFile] : []),
  ];
}

/**
 * The Compose this host has, of the major version asked for (`auto`: the one that made the
 * project's containers, `made`, else whichever there is). Undefined when there is none.
 */
export async function findCompose(
  choice: ComposeChoice,
  made: 1 | 2 | undefined,
  env: NodeJS.ProcessEnv,
  run: RunProgram = runProgram,
): Promise<ComposeRunner | undefined> {
  const order: (1 | 2)[] =
    choice === "v1" ? [1] : choice === "v2" ? [2] : made === 1 ? [1, 2] : [2, 1];
  for (const major of order) {
    const [command, prefix] = COMMANDS[major];
    const ran = await run(command, [...prefix, "version", "--short"], env, 30_000);
    const version = ran.output.trim().split("\n").pop()?.replace(/^v/, "") ?? "";
    if (ran.code !== 0 || !/^\d+\./.test(version)) continue;
    // a standalone `docker-compose` may be v2
    const actual = Number(version.split(".")[0]) >= 2 ? 2 : 1;
    if (choice !== "auto" && actual !== major) continue;
    return {
      describe: `${[command, ...prefix].join(" ")} ${version}`,
      major: actual,
      up: async (target, services) => {
        const upArgs = [
          "up",
          "-d",
          "--no-deps",
          "--no-build",
          ...(actual === 2 ? ["--pull", "never"] : []),
        ];
        const done = await run(
          command,
          [...prefix, ...targetArgs(target), ...upArgs, ...services],
          env,
          600_000,
        );
        return { ok: done.code === 0, output: done.output.trim() };
      },
    };
  }
  return undefined;
}
