import { existsSync } from "node:fs";
import { ChildProcess, fork } from "node:child_process";
import type { RunOptions } from "./options";
import { diagnosticAt } from "./diagnostic";
import { displayPath, errorReport, FileOutcome, processUnit } from "./process-file";
import { groupProjects } from "./project";

/** Below this many files a run stays on one thread: starting workers costs more than it saves. */
export const PARALLEL_THRESHOLD = 64;

interface Task {
  id: number;
  units: string[][];
}

interface Reply {
  id: number;
  outcomes: FileOutcome[][];
}

interface WorkerInput {
  composemodWorker: true;
  options: RunOptions;
  cwd: string;
}

/** The bundled script that can run as a worker process; none when running from sources (tests). */
function workerScript(): string | undefined {
  return __filename.endsWith(".js") && existsSync(__filename) ? __filename : undefined;
}

/**
 * Processes files, grouped into the units Compose reads together, in `jobs` worker processes
 * (processes, not threads: on small virtual machines the threads of one process slowed each other
 * down), handing out small batches so that a slow file does not hold up a queue. Results arrive in
 * any order; `onOutcome` gets each with its file's index.
 */
export async function processFiles(
  files: string[],
  options: RunOptions,
  cwd: string,
  onOutcome: (index: number, outcome: FileOutcome) => void,
): Promise<void> {
  const indexOf = new Map(files.map((f, i) => [f, i]));
  const units = groupProjects(files);
  const deliver = (paths: string[], outcomes: FileOutcome[]) =>
    paths.forEach((p, i) => onOutcome(indexOf.get(p)!, outcomes[i]));
  const script = workerScript();
  const jobs = Math.min(options.jobs, units.length);
  if (!script || jobs < 2 || files.length < PARALLEL_THRESHOLD) {
    for (const unit of units) deliver(unit, await processUnit(unit, options, cwd));
    return;
  }
  // batches, two in flight per worker, so that no worker waits on a message round trip
  const size = Math.max(1, Math.min(32, Math.ceil(units.length / (jobs * 8))));
  const batches: string[][][] = [];
  for (let i = 0; i < units.length; i += size) batches.push(units.slice(i, i + size));
  let next = 0;
  const input: WorkerInput = {
    composemodWorker: true,
    options: { ...options, overrides: [...options.overrides] as never },
    cwd,
  };
  await Promise.all(
    Array.from({ length: jobs }, () => {
      const worker: ChildProcess = fork(script, [], {
        env: { ...process.env, COMPOSEMOD_WORKER: JSON.stringify(input) },
        serialization: "advanced",
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      });
      const inFlight = new Map<number, string[][]>();
      let closed = false;
      const give = () => {
        if (next < batches.length) {
          const id = next++;
          inFlight.set(id, batches[id]);
          worker.send({ id, units: batches[id] } satisfies Task);
        } else if (!closed && inFlight.size === 0) {
          closed = true;
          worker.send("done");
        }
      };
      return new Promise<void>((resolve, reject) => {
        worker.on("message", ({ id, outcomes }: Reply) => {
          try {
            const batch = inFlight.get(id)!;
            inFlight.delete(id);
            batch.forEach((unit, i) => deliver(unit, outcomes[i]));
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
              deliver(
                unit,
                unit.map((file) => {
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
        give();
        give();
      });
    }),
  );
}

/** The worker side: process each batch of units it is given until it is told it is done. */
export function startWorkerIfAsked(): boolean {
  const raw = process.env.COMPOSEMOD_WORKER;
  if (!raw || !process.send) return false;
  const input = JSON.parse(raw) as WorkerInput;
  input.options.overrides = new Map(input.options.overrides as unknown as [string, never][]);
  process.on("message", async (task: Task | "done") => {
    if (task === "done") {
      process.disconnect();
      return;
    }
    const outcomes: FileOutcome[][] = [];
    for (const unit of task.units) outcomes.push(await processUnit(unit, input.options, input.cwd));
    process.send!({ id: task.id, outcomes } satisfies Reply);
  });
  return true;
}
