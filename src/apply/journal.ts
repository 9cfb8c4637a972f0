import { existsSync, readFileSync, renameSync } from "node:fs";
import * as nodePath from "node:path";
import type { ContainerState, NetworkState } from "./engine";
import { appendDurably, ownDirectory } from "./durable";
import type { Step } from "./plan-types";

/** A project as it was before the apply touched it: what `rollback` puts back. */
export interface ProjectSnapshot {
  name: string;
  dir: string;
  /** Its files (and `.env`) as they were, whole. */
  files: { path: string; shown: string; text: string }[];
  /** Its containers as they were (a recreated one with its whole configuration). */
  containers: ContainerState[];
  /** The networks the apply creates or changes, with how they were (none: not there). */
  networks: { name: string; state?: NetworkState }[];
}

/** One line of the journal. */
export type JournalRecord =
  | {
      t: "begin";
      session: string;
      at: string;
      composemod: string;
      engine: string;
      paths: string[];
      write: boolean;
    }
  | { t: "resume"; at: string }
  | { t: "snapshot"; project: string; snapshot: ProjectSnapshot }
  | { t: "step"; project: string; index: number; phase: "start" | "done"; step: Step }
  | { t: "proved"; project: string; seconds: number }
  | { t: "rollback-start"; project: string; why: string }
  | { t: "restored"; project: string; problems: string[] }
  | { t: "end"; at: string; outcome: "applied" | "failed" }
  | { t: "rollback-begin"; at: string }
  | { t: "rollback-end"; at: string; problems: number };

/** Where the last apply stands, as its journal tells. */
export type SessionState =
  /** no journal */
  | "none"
  /** an apply began and did not end: killed half way */
  | "applying"
  /** an apply ended, applied or stopped at a failed check */
  | "ended"
  /** a rollback began and did not end */
  | "rolling-back"
  /** the apply was rolled back */
  | "rolled-back";

export const JOURNAL_FILE = "apply-journal.jsonl";

/**
 * The journal of the last apply: one JSON record a line, each flushed to the disk before the
 * change it announces is made (a step's `start`) or once it is made (`done`), so that a run
 * killed at any point leaves a journal that says what may have happened. A last line cut short
 * by the kill is ignored.
 */
export class Journal {
  readonly records: JournalRecord[];

  private constructor(
    readonly dir: string,
    readonly path: string,
    records: JournalRecord[],
  ) {
    this.records = records;
  }

  /** The journal in composemod's directory `dir` (`.composemod/`), read when it is there. */
  static open(dir: string): Journal {
    const path = nodePath.join(dir, JOURNAL_FILE);
    const records: JournalRecord[] = [];
    if (existsSync(path)) {
      for (const line of readFileSync(path, "utf8").split("\n")) {
        if (!line.trim()) continue;
        try {
          records.push(JSON.parse(line) as JournalRecord);
        } catch {
          // the line a kill cut short
        }
      }
    }
    return new Journal(dir, path, records);
  }

  append(record: JournalRecord): void {
    ownDirectory(this.dir);
    appendDurably(this.path, JSON.stringify(record) + "\n");
    this.records.push(record);
  }

  get state(): SessionState {
    let state: SessionState = "none";
    for (const r of this.records) {
      if (r.t === "begin" || r.t === "resume") state = "applying";
      else if (r.t === "end") state = "ended";
      else if (r.t === "rollback-begin") state = "rolling-back";
      else if (r.t === "rollback-end") state = "rolled-back";
    }
    return state;
  }

  get begin(): Extract<JournalRecord, { t: "begin" }> | undefined {
    return this.records.find((r): r is Extract<JournalRecord, { t: "begin" }> => r.t === "begin");
  }

  /** Each project's snapshot, the first taken, in the order the apply touched them. */
  snapshots(): ProjectSnapshot[] {
    const seen = new Map<string, ProjectSnapshot>();
    for (const r of this.records) {
      if (r.t === "snapshot" && !seen.has(r.project)) seen.set(r.project, r.snapshot);
    }
    return [...seen.values()];
  }

  /** The steps of a project that were started (perhaps not finished), in order. */
  startedSteps(project: string): Step[] {
    return this.records.flatMap((r) =>
      r.t === "step" && r.project === project && r.phase === "start" ? [r.step] : [],
    );
  }

  /** Projects whose rollback after a failed check began and did not end. */
  unfinishedRollbacks(): { project: string; why: string }[] {
    const open = new Map<string, string>();
    for (const r of this.records) {
      if (r.t === "rollback-start") open.set(r.project, r.why);
      if (r.t === "restored") open.delete(r.project);
    }
    return [...open].map(([project, why]) => ({ project, why }));
  }

  /** Projects whose proof passed. */
  proved(): Set<string> {
    return new Set(this.records.flatMap((r) => (r.t === "proved" ? [r.project] : [])));
  }

  /** Projects restored after a failed check during the apply. */
  restoredDuringApply(): Set<string> {
    const out = new Set<string>();
    let rollingBack = false;
    for (const r of this.records) {
      if (r.t === "rollback-begin") rollingBack = true;
      if (r.t === "restored" && !rollingBack) out.add(r.project);
    }
    return out;
  }

  /** Moves the journal aside (`apply-journal-<session>.jsonl`) so that a new apply starts one. */
  archive(): string | undefined {
    if (!existsSync(this.path)) return undefined;
    const session = this.begin?.session ?? String(Date.now());
    const to = nodePath.join(this.dir, `apply-journal-${session}.jsonl`);
    renameSync(this.path, to);
    this.records.length = 0;
    return to;
  }
}

/** composemod's directory for a run over `paths`: `.composemod/` in the first path (a file's directory). */
export function stateDirectory(firstPath: string, isDirectory: boolean): string {
  return nodePath.join(isDirectory ? firstPath : nodePath.dirname(firstPath), ".composemod");
}
