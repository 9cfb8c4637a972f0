import { ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import * as nodePath from "node:path";
import { Worker } from "node:worker_threads";
import { diagnosticAt } from "../base/diagnostic";
import { errorOutcome, FileOutcome } from "../rewrite/file-outcome";
import { auditUnit, PackedUnitAudit, UnitAuditOptions } from "./audit-unit";
import type { BatchOptions } from "./batch-options";
import { FileTexts, HandedOver } from "./file-texts";
import { processUnit } from "./process-unit";
import { displayPath, ReadRecord } from "./read-files";
import { syncWrittenDirectories } from "./write-files";

/** Below this many units a run stays in one process: starting workers costs more than it saves. */
export const PARALLEL_THRESHOLD = 64;

/** The work a worker process does, named once in its first message. */
export type WorkKind = "rewrite" | "audit";

/** What the pool sends a worker: the work and its options once, then batches of units. */
export type WorkerMessage =
  | { kind: "init"; work: WorkKind; options: unknown; cwd: string }
  | { kind: "task"; id: number; units: string[][]; given?: unknown[]; settings?: unknown[] }
  | { kind: "done" };

/** What a worker sends back: for each unit of a batch, its outcome. */
export interface WorkerReply<R = unknown> {
  id: number;
  outcomes: R[];
}

/** A unit's outcomes from the rewrite, with the files they were made from when the options ask. */
export interface UnitResult {
  outcomes: FileOutcome[];
  reads?: ReadRecord[];
}

/** Rewrites one unit in a worker, with what the main process handed over of it. */
export function unitInWorker(
  unit: string[],
  given: HandedOver | undefined,
  options: BatchOptions,
  cwd: string,
): UnitResult {
  return unitHere(unit, options, cwd, given ? FileTexts.from(unit, given) : undefined);
}

/** Rewrites one unit here, recording its reads when the options ask for that. */
export function unitHere(
  unit: string[],
  options: BatchOptions,
  cwd: string,
  texts?: FileTexts,
): UnitResult {
  if (!options.recordReads) return { outcomes: processUnit(unit, options, cwd, texts) };
  const reads: ReadRecord[] = [];
  return { outcomes: processUnit(unit, options, cwd, texts, reads), reads };
}

/** The bundled worker script beside the running bundle; none when running from sources (tests). */
function workerScript(): string | undefined {
  if (!__filename.endsWith(".js")) return undefined;
  const script = nodePath.join(__dirname, "worker.js");
  return existsSync(script) ? script : undefined;
}

interface Work<R> {
  kind: WorkKind;
  options: unknown;
  jobs: number;
  /** The units a run needs for its workers to start; fewer are worked on here. */
  from?: number;
  /**
   * Worker threads rather than processes: one process, each thread with a small young
   * generation, for work whose memory counts more than the last few percent of speed.
   */
  threads?: boolean;
  /** The work on one unit (the `index`th), in this process. */
  local: (unit: string[], index: number) => R;
  /** The outcome of a unit whose worker died before it answered. */
  lost: (unit: string[], why: string) => R;
  /** What a worker is given with a unit besides its paths (what this process read of it). */
  given?: (index: number) => unknown;
  /** A unit's own options, over the work's (its project's settings). */
  settings?: (index: number) => object | undefined;
  /** Workers started beforehand, while this process still read the host. */
  started?: StartedWorkers;
  /** Once aborted, no unit more is begun; those under way are finished (each written whole or not at all). */
  signal?: AbortSignal;
}

/** How long the work on units here goes on before it lets a signal or a closed output be noticed. */
const YIELD_MS = 20;

/** Workers started before their work is known, so that they load while the host is read. */
export interface StartedWorkers {
  channels: Channel<unknown>[];
  threads: boolean;
}

/**
 * Starts `jobs` workers now (none when there is no worker script, or one job): a large run
 * starts them as soon as it knows it is large, and hands them to its `processUnits`.
 */
export function startWorkers(jobs: number, threads = false): StartedWorkers | undefined {
  const script = workerScript();
  if (!script || jobs < 2) return undefined;
  const channels = Array.from({ length: jobs }, () =>
    threads ? threadChannel<unknown>(script) : processChannel<unknown>(script),
  );
  return { channels, threads };
}

/** Options as a worker takes them: without the function that gives each project its own. */
function sendable(options: unknown): unknown {
  const { settingsFor: _settings, ...rest } = options as { settingsFor?: unknown };
  return rest;
}

/** Ends workers that were started and are not needed after all. */
function release(started: StartedWorkers | undefined): void {
  for (const channel of started?.channels ?? []) channel.send({ kind: "done" });
}

/** A worker as the pool talks to it, whether a process or a thread. */
interface Channel<R> {
  send(message: WorkerMessage): void;
  onReply(listener: (reply: WorkerReply<R>) => void): void;
  onError(listener: (error: Error) => void): void;
  /** Called once the worker has ended, with why when it did not end by itself. */
  onEnd(listener: (why: string) => void): void;
}

function processChannel<R>(script: string): Channel<R> {
  const worker: ChildProcess = fork(script, [], {
    serialization: "advanced",
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  // a worker started early may end before anyone listens: its end is kept for the listener
  let ended: string | undefined;
  worker.on("exit", (code, signal) => (ended = signal ?? `exit ${code}`));
  return {
    send: (message) => worker.send(message),
    onReply: (listener) => worker.on("message", listener),
    onError: (listener) => worker.on("error", listener),
    onEnd: (listener) => {
      if (ended !== undefined) setImmediate(listener, ended);
      else worker.on("exit", (code, signal) => listener(signal ?? `exit ${code}`));
    },
  };
}

/** Young generations this small keep a parse's garbage from growing the heap; old ones are not capped. */
const THREAD_YOUNG_MB = 8;

function threadChannel<R>(script: string): Channel<R> {
  const worker = new Worker(script, {
    resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_MB },
    stdout: true,
  });
  // standard output carries the product: whatever a thread prints is dropped, as a process's is
  worker.stdout.resume();
  let ended: string | undefined;
  worker.on("exit", (code) => (ended = `exit ${code}`));
  return {
    send: (message) => worker.postMessage(message),
    onReply: (listener) => worker.on("message", listener),
    onError: (listener) => worker.on("error", listener),
    onEnd: (listener) => {
      if (ended !== undefined) setImmediate(listener, ended);
      else worker.on("exit", (code) => listener(`exit ${code}`));
    },
  };
}

/**
 * Processes units (the files Compose reads together) in `jobs` workers, handing out small
 * batches so that a slow file does not hold up a queue. The rewrite uses processes (on small
 * virtual machines the threads of one process slowed its runs down); the audit uses threads
 * (its workers send back little, and one process holds less memory than three). Options go to
 * each worker once, and paths only in the batches, so that no command line or environment grows
 * with the number of files. Results arrive in any order; `onUnit` gets each unit's index and
 * outcome.
 */
async function inWorkers<R>(
  units: string[][],
  work: Work<R>,
  cwd: string,
  onUnit: (index: number, outcome: R) => void,
): Promise<void> {
  const script = workerScript();
  const started = work.started?.threads === !!work.threads ? work.started : undefined;
  const jobs = Math.min(started?.channels.length ?? work.jobs, units.length);
  if (!script || jobs < 2 || units.length < (work.from ?? PARALLEL_THRESHOLD)) {
    release(work.started);
    let since = Date.now();
    try {
      for (const [i, unit] of units.entries()) {
        if (work.signal?.aborted) return;
        onUnit(i, work.local(unit, i));
        if (work.signal && Date.now() - since > YIELD_MS) {
          await new Promise(setImmediate);
          since = Date.now();
        }
      }
    } finally {
      syncWrittenDirectories();
    }
    return;
  }
  if (work.started && !started) release(work.started);
  if (started && started.channels.length > jobs) {
    release({ ...started, channels: started.channels.slice(jobs) });
  }
  // batches, two in flight per worker, so that no worker waits on a message round trip
  const size = Math.max(1, Math.min(32, Math.ceil(units.length / (jobs * 8))));
  const batches: number[][] = [];
  for (let i = 0; i < units.length; i += size) {
    batches.push(units.slice(i, i + size).map((_u, k) => i + k));
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, (_j, k) => {
      const worker: Channel<R> =
        (started?.channels[k] as Channel<R> | undefined) ??
        (work.threads ? threadChannel(script) : processChannel(script));
      const inFlight = new Map<number, number[]>();
      let closed = false;
      const give = () => {
        if (next < batches.length && !work.signal?.aborted) {
          const id = next++;
          inFlight.set(id, batches[id]);
          const { given, settings } = work;
          worker.send({
            kind: "task",
            id,
            units: batches[id].map((u) => units[u]),
            ...(given ? { given: batches[id].map((u) => given(u)) } : {}),
            ...(settings ? { settings: batches[id].map((u) => settings(u)) } : {}),
          });
        } else if (!closed && inFlight.size === 0) {
          closed = true;
          worker.send({ kind: "done" });
        }
      };
      return new Promise<void>((resolve, reject) => {
        worker.onReply(({ id, outcomes }) => {
          try {
            const batch = inFlight.get(id)!;
            inFlight.delete(id);
            batch.forEach((unit, i) => onUnit(unit, outcomes[i]));
            give();
          } catch (error) {
            reject(error);
          }
        });
        worker.onError(reject);
        worker.onEnd((how) => {
          // a worker that died leaves its files as errors, never as silence
          const why = `the worker stopped (${how}); the file was not processed`;
          for (const batch of inFlight.values()) {
            for (const unit of batch) onUnit(unit, work.lost(units[unit], why));
          }
          inFlight.clear();
          resolve();
        });
        worker.send({ kind: "init", work: work.kind, options: sendable(work.options), cwd });
        give();
        give();
        // a worker with nothing under way is let go at once; the others as their answers come
        work.signal?.addEventListener("abort", () => give(), { once: true });
      });
    }),
  );
}

/**
 * Rewrites units (and with --write writes them), in worker processes on a large run (`started`
 * early, when they were); the texts already read (`texts`) are not read again, here or there.
 * Once `signal` is aborted no unit more is begun: `onUnit` is not called for the rest.
 */
export function processUnits(
  units: string[][],
  options: BatchOptions,
  cwd: string,
  onUnit: (index: number, outcomes: FileOutcome[], reads?: ReadRecord[]) => void,
  texts?: FileTexts,
  started?: StartedWorkers,
  settings?: (index: number) => Partial<BatchOptions> | undefined,
  signal?: AbortSignal,
): Promise<void> {
  return inWorkers<UnitResult>(
    units,
    {
      kind: "rewrite",
      options,
      jobs: options.jobs,
      from: options.workersFrom,
      started,
      signal,
      // what this process has read of a unit goes with it: its files are not read twice
      given: texts ? (index) => texts.handOver(units[index]) : undefined,
      settings,
      local: (unit, index) => unitHere(unit, { ...options, ...settings?.(index) }, cwd, texts),
      lost: (unit, why) => ({
        outcomes: unit.map((file) =>
          errorOutcome(
            diagnosticAt(undefined, displayPath(file, cwd), 0, "internal-error", why),
            "",
          ),
        ),
      }),
    },
    cwd,
    (index, result) => onUnit(index, result.outcomes, result.reads),
  );
}

/** Audits units: what the audit keeps of each project, in worker threads on a large host. */
export function auditUnits(
  units: string[][],
  options: UnitAuditOptions,
  jobs: number,
  cwd: string,
  onUnit: (index: number, audit: PackedUnitAudit) => void,
  settings?: (index: number) => Partial<UnitAuditOptions> | undefined,
): Promise<void> {
  return inWorkers<PackedUnitAudit>(
    units,
    {
      kind: "audit",
      options,
      jobs,
      threads: true,
      settings,
      local: (unit, index) => auditUnit(unit, { ...options, ...settings?.(index) }, cwd),
      lost: (unit, why) => {
        const shown = displayPath(unit[0], cwd);
        return {
          dir: nodePath.dirname(unit[0]),
          errors: [diagnosticAt(undefined, shown, 0, "internal-error", why)],
        };
      },
    },
    cwd,
    onUnit,
  );
}
