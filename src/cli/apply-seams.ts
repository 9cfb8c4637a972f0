import type { Clock } from "../apply/apply";
import { ComposeChoice, findCompose } from "../apply/compose-cli";
import { connectEngine } from "../apply/dockerode-engine";
import type { ApplyEngine } from "../apply/engine";
import { Confirm, terminalConfirm } from "./apply-terminal";
import type { Flags } from "./options";

/** The flags of `apply` and `rollback`, as typed values. */
export interface ApplyFlags extends Flags {
  yes?: boolean;
  dryRun?: boolean;
  planFile?: string;
  compose?: ComposeChoice;
  wait?: number;
}

export type ApplySelected = { command: "apply" | "rollback"; args: string[]; flags: ApplyFlags };

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
