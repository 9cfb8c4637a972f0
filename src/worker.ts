import { parentPort } from "node:worker_threads";
import { auditUnit, UnitAuditOptions } from "./batch/audit-unit";
import type { BatchOptions } from "./batch/batch-options";
import type { HandedOver } from "./batch/file-texts";
import { unitInWorker, type WorkerMessage, type WorkerReply } from "./batch/pool";
import { syncWrittenDirectories } from "./batch/write-files";

// A worker of a parallel run, a process or a thread: it takes its work and options, then
// batches of units, and answers each batch with the units' outcomes; it prints nothing.
let work: ((unit: string[], given: unknown, settings: object | undefined) => unknown) | undefined;
const reply = (message: WorkerReply) =>
  parentPort ? parentPort.postMessage(message) : process.send!(message);
const onMessage = (message: WorkerMessage) => {
  if (message.kind === "init") {
    const { options, cwd } = message;
    work =
      message.work === "audit"
        ? (unit, _given, settings) =>
            JSON.stringify(auditUnit(unit, { ...(options as UnitAuditOptions), ...settings }, cwd))
        : (unit, given, settings) =>
            unitInWorker(
              unit,
              given as HandedOver | undefined,
              { ...(options as BatchOptions), ...settings },
              cwd,
            );
  } else if (message.kind === "task") {
    const { units, given, settings } = message;
    reply({
      id: message.id,
      outcomes: units.map((unit, i) => work!(unit, given?.[i], settings?.[i] as object)),
    });
  } else {
    // the renames of the files written are flushed to the disk before the worker ends
    syncWrittenDirectories();
    if (parentPort) parentPort.close();
    else process.disconnect();
  }
};
if (parentPort) parentPort.on("message", onMessage);
else {
  process.on("message", onMessage);
  // Ctrl-C reaches the whole process group: the main process decides, and lets this one finish
  // what it has begun (a project is written whole or not at all). A SIGTERM of its own ends it
  // between two units, never inside a write.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => {
    syncWrittenDirectories();
    process.exit(143);
  });
}
