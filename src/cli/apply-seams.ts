import type { Clock } from "../apply/apply";
import { findCompose } from "../apply/compose-cli";
import { connectEngine } from "../apply/dockerode-engine";
import type { ApplyEngine } from "../apply/engine";
import { EngineUnreachable } from "../live/read-engine";
import { Confirm, terminalConfirm } from "./apply-terminal";
import type { EngineCommandName } from "./commands";
import type { Flags } from "./option-registry";

/** The flags of `apply` and `rollback`, as the registry of options types them. */
export type ApplyFlags = Flags;

export type ApplySelected = { command: EngineCommandName; args: string[]; flags: ApplyFlags };

/** The outside world of apply and rollback: the engine, Compose, the clock, the terminal. */
export interface ApplySeams {
  connect: (dockerHost: string | undefined) => Promise<ApplyEngine>;
  findCompose: typeof findCompose;
  clock: Clock;
  confirm?: Confirm;
}

/** The process's own: the engine at DOCKER_HOST, the Compose on the PATH, the clock, its terminal. */
export function processSeams(): ApplySeams {
  return {
    connect: connectEngine,
    findCompose,
    clock: {
      now: () => performance.now(),
      epoch: () => Date.now(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    },
    confirm: terminalConfirm(),
  };
}

/**
 * The engine at DOCKER_HOST through the seams, or undefined once the reason it cannot be
 * reached is on standard error (the command then ends with status 2).
 */
export async function reachEngine(
  seams: ApplySeams,
  dockerHost: string | undefined,
  stderr: (text: string) => void,
): Promise<ApplyEngine | undefined> {
  try {
    return await seams.connect(dockerHost);
  } catch (error) {
    if (!(error instanceof EngineUnreachable)) throw error;
    stderr(`error: ${error.message}\n`);
    return undefined;
  }
}
