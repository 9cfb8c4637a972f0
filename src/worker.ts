import type { BatchOptions } from "./batch/batch-options";
import type { WorkerMessage, WorkerReply } from "./batch/pool";
import { FileOutcome, processUnit } from "./batch/process-unit";

// A worker process of a parallel run: it takes its options, then batches of units, and answers
// each batch with the units' outcomes; it prints nothing.
let options: BatchOptions | undefined;
let cwd = process.cwd();
process.on("message", (message: WorkerMessage) => {
  if (message.kind === "init") {
    options = message.options;
    cwd = message.cwd;
  } else if (message.kind === "task") {
    const outcomes: FileOutcome[][] = message.units.map((unit) => processUnit(unit, options!, cwd));
    process.send!({ id: message.id, outcomes } satisfies WorkerReply);
  } else process.disconnect();
});
