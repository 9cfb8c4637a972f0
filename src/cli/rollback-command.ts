import { restoreProject } from "../apply/apply";
import { Journal, stateDirectory } from "../apply/journal";
import { takeLock } from "../apply/lock";
import { DEFAULT_WAIT_SECONDS } from "../apply/prove";
import { planRestore, readText, RestoreAction, writtenBy } from "../apply/restore";
import { ApplySeams, ApplySelected, reachEngine } from "./apply-seams";
import type { RunIO } from "./io";
import { existsSync, statSync } from "node:fs";
import * as nodePath from "node:path";

/** One action of a rollback, as a line. */
export function restoreLine(a: RestoreAction): string {
  switch (a.kind) {
    case "restore-file":
      return `~ restore ${a.shown}`;
    case "network-back":
      return `! make network ${a.network.name} again as it was, with ${a.members.length} container(s)`;
    case "remove-container":
      return `- remove ${a.name} (${a.why}; its volumes stay)`;
    case "rename":
      return `~ rename ${a.from} back to ${a.to}`;
    case "make-again":
      return `+ make ${a.container.name} again as it was, with its volumes`;
    case "connect":
      return `+ connect ${a.name} to ${a.network}`;
    case "reconnect":
      return `~ reconnect ${a.name} to ${a.network} with its names there`;
    case "disconnect":
      return `- disconnect ${a.name} from ${a.network}`;
    case "start":
      return `+ start ${a.name}`;
    case "remove-network":
      return `- remove network ${a.name}, which the apply made`;
  }
}

/**
 * `composemod rollback`: puts back every project the last apply touched, last first, as the
 * journal's snapshots say (files and containers), and checks by inspection that each is.
 * Returns the exit status: 0 put back (or nothing to undo), 1 not confirmed, 2 an error.
 */
export async function runRollbackCommand(
  s: ApplySelected,
  io: RunIO,
  env: Readonly<Record<string, string | undefined>>,
  seams: ApplySeams,
): Promise<number> {
  const first = nodePath.resolve(io.cwd, s.args[0]);
  const dir = stateDirectory(first, existsSync(first) && statSync(first).isDirectory());
  const journal = Journal.open(dir);
  if (journal.state === "none") {
    io.stderr(`error: no apply to roll back: there is no journal in ${dir}\n`);
    return 2;
  }
  if (journal.state === "rolled-back") {
    if (!s.flags.quiet)
      io.stderr(`composemod rollback: the last apply was rolled back already (${journal.path})\n`);
    return 0;
  }
  const engine = await reachEngine(seams, env.DOCKER_HOST, (text) => io.stderr(text));
  if (!engine) return 2;
  const snapshots = journal.snapshots().reverse();
  const now = {
    containers: await engine.containers(),
    networks: await engine.networks(),
    text: readText,
  };
  const plans = snapshots.map((snap) =>
    planRestore(snap, writtenBy(journal.startedSteps(snap.name)), now),
  );
  if (s.flags.json) {
    io.stdout(
      JSON.stringify(
        {
          journal: journal.path,
          projects: plans.map((p) => ({ ...p, actions: p.actions.map(restoreLine) })),
        },
        null,
        2,
      ) + "\n",
    );
  } else if (!s.flags.quiet) {
    const text = plans.map((p) =>
      [
        `${p.project}: ${p.actions.length ? `${p.actions.length} action(s)` : "as it was"}`,
        ...p.actions.map((a) => `  ${restoreLine(a)}`),
        ...p.problems.map((x) => `  cannot: ${x}`),
      ].join("\n"),
    );
    io.stdout(`composemod rollback of the apply in ${journal.path}\n\n${text.join("\n")}\n`);
  }
  if (s.flags.dryRun) return 0;
  if (!s.flags.yes) {
    if (!seams.confirm) {
      io.stderr(
        "not rolled back: there is no terminal to ask on; `--yes` rolls back, `--dry-run` prints what it would do\n",
      );
      return 1;
    }
    if (
      !(await seams.confirm(
        `Put back ${snapshots.length} project(s) on ${engine.endpoint}? [y/N] `,
      ))
    ) {
      io.stderr("not rolled back\n");
      return 1;
    }
  }
  const lock = takeLock(dir);
  if ("heldBy" in lock) {
    io.stderr(`error: another apply or rollback (process ${lock.heldBy}) is working on ${dir}\n`);
    return 2;
  }
  try {
    const at = () => new Date(seams.clock.epoch()).toISOString();
    journal.append({ t: "rollback-begin", at: at() });
    let problems = 0;
    for (const snap of snapshots) {
      const left = await restoreProject(engine, snap, journal.startedSteps(snap.name), {
        clock: seams.clock,
        waitMs: (s.flags.wait ?? DEFAULT_WAIT_SECONDS) * 1000,
      });
      journal.append({ t: "restored", project: snap.name, problems: left });
      problems += left.length;
      if (left.length) io.stderr(`not all put back: ${snap.name}: ${left.join("; ")}\n`);
      else if (!s.flags.quiet) io.stderr(`put back: ${snap.name}\n`);
    }
    journal.append({ t: "rollback-end", at: at(), problems });
    if (!s.flags.quiet) {
      io.stderr(
        `composemod rollback: ${snapshots.length} projects put back${problems ? `, ${problems} thing(s) could not be` : ""}\n`,
      );
    }
    return problems ? 2 : 0;
  } finally {
    lock.release();
  }
}
