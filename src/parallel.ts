import { existsSync } from "node:fs";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { RunOptions } from "./options";
import { FileOutcome, processUnit } from "./process-file";
import { groupProjects } from "./project";

/** Below this many files a run stays on one thread: starting workers costs more than it saves. */
export const PARALLEL_THRESHOLD = 64;

interface Task {
  paths: string[];
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
  let next = 0;
  const input: WorkerInput = { composemodWorker: true, options, cwd };
  await Promise.all(
    Array.from({ length: jobs }, () => {
      const worker = new Worker(script, { workerData: input });
      let current: string[] = [];
      const give = () => {
        if (next < units.length) {
          current = units[next++];
          worker.postMessage({ paths: current } satisfies Task);
        } else worker.postMessage(null);
      };
      return new Promise<void>((resolve, reject) => {
        worker.on("message", (outcomes: FileOutcome[]) => {
          deliver(current, outcomes);
          give();
        });
        worker.on("error", reject);
        worker.on("exit", () => resolve());
        give();
      });
    }),
  );
}

/** The worker side: process each unit it is given until it is given none. */
export function startWorkerIfAsked(): boolean {
  const input = workerData as WorkerInput | undefined;
  if (isMainThread || !input?.composemodWorker || !parentPort) return false;
  const port = parentPort;
  port.on("message", (task: Task | null) => {
    if (task === null) {
      port.close();
      return;
    }
    processUnit(task.paths, input.options, input.cwd).then((outcomes) =>
      port.postMessage(outcomes),
    );
  });
  return true;
}
