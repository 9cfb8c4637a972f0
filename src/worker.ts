import type { BatchOptions } from "./batch/batch-options";
import { unitHere, type WorkerMessage, type WorkerReply } from "./batch/pool";

// A worker process of a parallel run: it takes its options, then batches of units, and answers
// each batch with the units' outcomes; it prints nothing.
let options: BatchOptions | undefined;
let cwd = process.cwd();
process.on("message", (message: WorkerMessage) => {
  if (message.kind === "init") {
    options = message.options;
    cwd = message.cwd;
  } else if (message.kind === "task") {
    const done = message.units.map((unit) => unitHere(unit, options!, cwd));
    const reply: WorkerReply = { id: message.id, outcomes: done.map((d) => d.outcomes) };
    if (options!.recordReads) reply.reads = done.map((d) => d.reads ?? []);
    process.send!(reply);
  } else process.disconnect();
});
