import { existsSync } from "node:fs";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { RunOptions } from "./options";
import { FileOutcome, processFile } from "./process-file";

/** Below this many files a run stays on one thread: starting workers costs more than it saves. */
export const PARALLEL_THRESHOLD = 64;

interface Task {
  index: number;
  path: string;
}

interface WorkerInput {
  composemodWorker: true;
  options: RunOptions;
  cwd: string;
}

type Message = { index: number; outcome: FileOutcome };

/** The bundled script that can run as a worker; none when running from sources (tests). */
function workerScript(): string | undefined {
  return __filename.endsWith(".js") && existsSync(__filename) ? __filename : undefined;
}

/**
 * Processes files on `jobs` threads, handing out one file at a time so that a slow file does not
 * hold up a queue. Results arrive in any order; `onOutcome` gets each with its index.
 */
export async function processFiles(
  files: string[],
  options: RunOptions,
  cwd: string,
  onOutcome: (index: number, outcome: FileOutcome) => void,
): Promise<void> {
  const script = workerScript();
  const jobs = Math.min(options.jobs, files.length);
  if (!script || jobs < 2 || files.length < PARALLEL_THRESHOLD) {
    for (let i = 0; i < files.length; i++) onOutcome(i, await processFile(files[i], options, cwd));
    return;
  }
  let next = 0;
  const input: WorkerInput = { composemodWorker: true, options, cwd };
  await Promise.all(
    Array.from({ length: jobs }, () => {
      const worker = new Worker(script, { workerData: input });
      const give = () => {
        if (next < files.length) {
          const task: Task = { index: next, path: files[next] };
          next++;
          worker.postMessage(task);
        } else worker.postMessage(null);
      };
      return new Promise<void>((resolve, reject) => {
        worker.on("message", (message: Message) => {
          onOutcome(message.index, message.outcome);
          give();
        });
        worker.on("error", reject);
        worker.on("exit", () => resolve());
        give();
      });
    }),
  );
}

/** The worker side: process each file it is given until it is given none. */
export function startWorkerIfAsked(): boolean {
  const input = workerData as WorkerInput | undefined;
  if (isMainThread || !input?.composemodWorker || !parentPort) return false;
  const port = parentPort;
  port.on("message", (task: Task | null) => {
    if (task === null) {
      port.close();
      return;
    }
    processFile(task.path, input.options, input.cwd).then((outcome) =>
      port.postMessage({ index: task.index, outcome } satisfies Message),
    );
  });
  return true;
}
