import * as path from "node:path";
import { run, runOk } from "./exec";

/** A project as `docker-compose` (1.29) sees it: a name and its one file. */
export interface ComposeProject {
  name: string;
  file: string;
}

const args = (project: ComposeProject, ...rest: string[]) => [
  "-p",
  project.name,
  "--project-directory",
  path.dirname(project.file),
  "-f",
  project.file,
  ...rest,
];

/**
 * Whether `docker-compose -f FILE config -q` accepts the file: undefined when it does, else the
 * first line of what it said.
 */
export async function composeRejects(
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const ran = await run("docker-compose", ["-f", file, "config", "-q"], {
    env,
    cwd: path.dirname(file),
  });
  if (ran.code === 0) return undefined;
  const said = ran.stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/variable is not set/.test(l))
    .join(" ")
    .replace(/^The Compose file '.*?' is invalid because: /, "")
    .replace(/ You might be seeing this error.*$/, "");
  return said || `exit ${ran.code}`;
}

/** Brings the project up detached, recreating what changed and removing orphans. */
export async function composeUp(project: ComposeProject, env: NodeJS.ProcessEnv): Promise<void> {
  await runOk("docker-compose", args(project, "up", "-d", "-t", "1", "--remove-orphans"), {
    env,
    timeoutMs: 180_000,
  });
}

/** Stops and removes the project's containers and networks. */
export async function composeDown(project: ComposeProject, env: NodeJS.ProcessEnv): Promise<void> {
  await runOk("docker-compose", args(project, "down", "-t", "1", "--remove-orphans"), {
    env,
    timeoutMs: 180_000,
  });
}
