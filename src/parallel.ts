import { existsSync } from "node:fs";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { RunOptions } from "./options";
import { FileOutcome, processUnit } from "./process-file";
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

/** The bundled script that can run as a worker; none when running from sources (tests). */
function workerScript(): string | undefined {
  return __filename.endsWith(".js") && existsSync(__filename) ? __filename : undefined;
}

/**
 * Processes files, grouped into the units Compose reads together, on `jobs` threads, handing out
 * one unit at a time so that a slow file does not hold up a queue. Results arrive in any order;
 * `onOutcome` gets each with its file's index.
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
  const input: WorkerInput = { composemodWorker: true, options, cwd };
  await Promise.all(
    Array.from({ length: jobs }, () => {
      const worker = new Worker(script, { workerData: input });
      const inFlight = new Map<number, string[][]>();
      let closed = false;
      const give = () => {
        if (next < batches.length) {
          const id = next++;
          inFlight.set(id, batches[id]);
          worker.postMessage({ id, units: batches[id] } satisfies Task);
        } else if (!closed && inFlight.size === 0) {
          closed = true;
          worker.postMessage(null);
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
        worker.on("exit", () => resolve());
        give();
        give();
      });
    }),
  );
}

/** The worker side: process each batch of units it is given until it is given none. */
export function startWorkerIfAsked(): boolean {
  const input = workerData as WorkerInput | undefined;
  if (isMainThread || !input?.composemodWorker || !parentPort) return false;
  const port = parentPort;
  port.on("message", async (task: Task | null) => {
    if (task === null) {
      port.close();
      return;
    }
    const outcomes: FileOutcome[][] = [];
    for (const unit of task.units) outcomes.push(await processUnit(unit, input.options, input.cwd));
    port.postMessage({ id: task.id, outcomes } satisfies Reply);
  });
  return true;
}
