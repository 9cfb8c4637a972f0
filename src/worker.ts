import { auditUnit, UnitAuditOptions } from "./batch/audit-unit";
import type { BatchOptions } from "./batch/batch-options";
import type { WorkerMessage, WorkerReply } from "./batch/pool";
import { processUnit } from "./batch/process-unit";

// A worker process of a parallel run: it takes its work and options, then batches of units, and
// answers each batch with the units' outcomes; it prints nothing.
let work: ((unit: string[]) => unknown) | undefined;
process.on("message", (message: WorkerMessage) => {
  if (message.kind === "init") {
    const { options, cwd } = message;
    work =
      message.work === "audit"
        ? (unit) => auditUnit(unit, options as UnitAuditOptions, cwd)
        : (unit) => processUnit(unit, options as BatchOptions, cwd);
  } else if (message.kind === "task") {
    const outcomes = message.units.map((unit) => work!(unit));
    process.send!({ id: message.id, outcomes } satisfies WorkerReply);
  } else process.disconnect();
});
