import { ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import * as nodePath from "node:path";
import { diagnosticAt } from "../report/diagnostic";
import type { BatchOptions } from "./batch-options";
import type { FileTexts } from "./file-texts";
import { errorReport, FileOutcome, processUnit } from "./process-unit";
import { displayPath, ReadRecord } from "./read-files";

/** Below this many units a run stays in one process: starting workers costs more than it saves. */
export const PARALLEL_THRESHOLD = 64;

/** What the pool sends a worker: its options once, then batches of units. */
export type WorkerMessage =
  | { kind: "init"; options: BatchOptions; cwd: string }
  | { kind: "task"; id: number; units: string[][] }
  | { kind: "done" };

/** What a worker sends back: for each unit of a batch, its outcomes (and, when asked, its reads). */
export interface WorkerReply {
  id: number;
  outcomes: FileOutcome[][];
  reads?: ReadRecord[][];
}

/** Processes one unit here, recording its reads when the options ask for that. */
export function unitHere(
  unit: string[],
  options: BatchOptions,
  cwd: string,
  texts?: FileTexts,
): { outcomes: FileOutcome[]; reads?: ReadRecord[] } {
  const reads: ReadRecord[] | undefined = options.recordReads ? [] : undefined;
  return { outcomes: processUnit(unit, options, cwd, texts, reads), reads };
}

/** The bundled worker script beside the running bundle; none when running from sources (tests). */
function workerScript(): string | undefined {
  if (!__filename.endsWith(".js")) return undefined;
  const script = nodePath.join(__dirname, "worker.js");
  return existsSync(script) ? script : undefined;
}

/**
 * Processes units (the files Compose reads together) in `jobs` worker processes (processes, not
 * threads: on small virtual machines the threads of one process slowed each other down), handing
 * out small batches so that a slow file does not hold up a queue. Options go to each worker once
 * over its IPC channel, and paths only in the batches, so that no command line or environment
 * grows with the number of files. Results arrive in any order; `onUnit` gets each unit's index
 * and outcomes.
 */
export async function processUnits(
  units: string[][],
  options: BatchOptions,
  cwd: string,
  onUnit: (index: number, outcomes: FileOutcome[], reads?: ReadRecord[]) => void,
  texts?: FileTexts,
): Promise<void> {
  const script = workerScript();
  const jobs = Math.min(options.jobs, units.length);
  if (!script || jobs < 2 || units.length < PARALLEL_THRESHOLD) {
    units.forEach((unit, i) => {
      const { outcomes, reads } = unitHere(unit, options, cwd, texts);
      onUnit(i, outcomes, reads);
    });
    return;
  }
  // batches, two in flight per worker, so that no worker waits on a message round trip
  const size = Math.max(1, Math.min(32, Math.ceil(units.length / (jobs * 8))));
  const batches: number[][] = [];
  for (let i = 0; i < units.length; i += size) {
    batches.push(units.slice(i, i + size).map((_u, k) => i + k));
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, () => {
      const worker: ChildProcess = fork(script, [], {
        serialization: "advanced",
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      });
      const inFlight = new Map<number, number[]>();
      let closed = false;
      const send = (message: WorkerMessage) => worker.send(message);
      const give = () => {
        if (next < batches.length) {
          const id = next++;
          inFlight.set(id, batches[id]);
          send({ kind: "task", id, units: batches[id].map((u) => units[u]) });
        } else if (!closed && inFlight.size === 0) {
          closed = true;
          send({ kind: "done" });
        }
      };
      return new Promise<void>((resolve, reject) => {
        worker.on("message", ({ id, outcomes, reads }: WorkerReply) => {
          try {
            const batch = inFlight.get(id)!;
            inFlight.delete(id);
            batch.forEach((unit, i) => onUnit(unit, outcomes[i], reads?.[i]));
            give();
          } catch (error) {
            reject(error);
          }
        });
        worker.on("error", reject);
        worker.on("exit", (code, signal) => {
          // a worker that died leaves its files as errors, never as silence
          for (const batch of inFlight.values()) {
            for (const unit of batch) {
              onUnit(
                unit,
                units[unit].map((file) => {
                  const shown = displayPath(file, cwd);
                  const why = `the worker process stopped (${signal ?? `exit ${code}`}); the file was not processed`;
                  return {
                    report: errorReport(
                      shown,
                      "",
                      diagnosticAt(undefined, shown, 0, "internal-error", why),
                    ),
                  };
                }),
              );
            }
          }
          inFlight.clear();
          resolve();
        });
        send({ kind: "init", options, cwd });
        give();
        give();
      });
    }),
  );
}
