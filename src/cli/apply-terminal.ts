import { createInterface } from "node:readline";
import type { ApplyProgress, ApplyReport, ProjectOutcome } from "../apply/apply";
import type { RunIO } from "./io";
import { progressLine } from "./progress";

/** Asks a question on the terminal and says whether the answer was yes; none where there is no terminal. */
export type Confirm = (question: string) => Promise<boolean>;

/** Asks on the process's terminal: standard input and standard error must both be one. */
export function terminalConfirm(): Confirm | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return (question) =>
    new Promise((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      rl.question(question, (answer) => {
        rl.close();
        resolve(/^y(es)?$/i.test(answer.trim()));
      });
    });
}

const seconds = (s: number) => `${s.toFixed(1)} s`;

/** A project's outcome in one line, as standard error shows it. */
export function outcomeLine(o: ProjectOutcome): string {
  switch (o.outcome) {
    case "applied": {
      const skipped = o.checks.filter((c) => c.outcome === "skipped").length;
      return `applied: ${o.name} (${o.steps} steps, ${o.checks.length - skipped} checks passed${skipped ? `, ${skipped} could not be tried` : ""}; ${seconds(o.seconds)})`;
    }
    case "files-written":
      return `files written: ${o.name} (${o.reason})`;
    case "rolled-back":
      return `failed, put back: ${o.name}: ${o.reason}${o.problems.length ? `\n  could not put back: ${o.problems.join("; ")}` : ""}`;
    case "refused":
      return `refused: ${o.name}: ${o.reason}`;
    case "error":
      return `error: ${o.name}: ${o.reason}`;
    default:
      return "";
  }
}

/**
 * Progress on standard error: on a terminal, the line `composemod: 3/10 wiki: connect ... (12.3 s)`
 * redrawn in place, with each project's outcome printed above it; elsewhere, the outcomes only.
 */
export function applyProgress(
  io: RunIO,
  total: number,
  quiet: boolean,
): ApplyProgress & { end(): void } {
  const line = io.stderrIsTTY && !quiet ? progressLine(io, total) : undefined;
  const started = io.now();
  return {
    step(project, index, _total, what) {
      line?.update(index + 1, `${project}: ${what} (${seconds((io.now() - started) / 1000)})`);
    },
    done(outcome) {
      const text = outcomeLine(outcome);
      const shown =
        outcome.outcome === "rolled-back" ||
        outcome.outcome === "error" ||
        outcome.outcome === "refused" ||
        !quiet;
      if (!text || !shown) return;
      if (line) line.print("", text + "\n");
      else io.stderr(text + "\n");
    },
    end() {
      line?.end();
    },
  };
}

/** The closing line of an apply. */
export function applySummary(report: ApplyReport): string {
  const count = (o: ProjectOutcome["outcome"]) =>
    report.projects.filter((p) => p.outcome === o).length;
  const parts = [`${count("applied")} applied`, `${count("up-to-date")} up to date`];
  if (count("files-written"))
    parts.push(`${count("files-written")} with files written only (not running)`);
  if (count("not-running")) parts.push(`${count("not-running")} not running`);
  if (count("rolled-back")) parts.push(`${count("rolled-back")} failed and put back`);
  if (count("not-reached")) parts.push(`${count("not-reached")} not reached`);
  if (count("refused")) parts.push(`${count("refused")} refused`);
  if (count("error")) parts.push(`${count("error")} with errors`);
  return `composemod apply: ${report.projects.length} projects: ${parts.join(", ")} in ${seconds(report.seconds)}`;
}
