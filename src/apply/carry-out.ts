import { readFileSync } from "node:fs";
import type { ComposeRunner, ComposeTarget } from "./compose-cli";
import { digest, writeDurably } from "./durable";
import { ApplyEngine, EngineError } from "./engine";
import type { Step } from "./plan-types";

/** What carrying out a project's steps needs besides the engine. */
export interface StepContext {
  engine: ApplyEngine;
  /** The Compose that recreates containers, and the project as it must be given to it. */
  compose?: ComposeRunner;
  composeTarget?: ComposeTarget;
  /** New texts of the files a `write-files` step writes, by absolute path. */
  texts: Map<string, { before: string; after: string }>;
}

/** A step could not be done: what, and why. */
export class StepFailed extends Error {}

// what the engine says when a step was done already (by an apply that was killed half way)
const ALREADY_ON = /already exists in network|is already connected/i;
const NOT_ON = /is not connected to (the )?network|not connected/i;
const EXISTS = /already exists/i;
const NO_NETWORK = /network .* not found|no such network/i;

async function tolerate(f: () => Promise<void>, done: RegExp): Promise<void> {
  try {
    await f();
  } catch (error) {
    if (error instanceof EngineError && done.test(error.message)) return;
    throw error;
  }
}

/**
 * Carries out one step. Each can be run again after an apply killed half way: a file that
 * already holds its new text, a network that exists, a container already connected (or no
 * longer) are steps already done.
 */
export async function runStep(step: Step, ctx: StepContext): Promise<void> {
  const { engine } = ctx;
  switch (step.kind) {
    case "write-files": {
      const writes = step.files.flatMap((f) => {
        const now = readFileSync(f.path, "utf8");
        if (digest(now) === f.after) return [];
        const text = ctx.texts.get(f.path);
        if (!text || digest(now) !== f.before) {
          throw new StepFailed(`${f.shown} changed since the plan was made; left as it is`);
        }
        return [{ path: f.path, content: text.after, expected: now }];
      });
      if (writes.length) writeDurably(writes);
      return;
    }
    case "create-network":
      return tolerate(() => engine.createNetwork(step.network), EXISTS);
    case "connect":
      return tolerate(() => engine.connect(step.network, step.id, step.endpoint), ALREADY_ON);
    case "reconnect":
      await tolerate(() => engine.disconnect(step.network, step.id), NOT_ON);
      return engine.connect(step.network, step.id, step.endpoint);
    case "replace-network": {
      for (const m of step.members)
        await tolerate(() => engine.disconnect(step.network.name, m.id), NOT_ON);
      await tolerate(() => engine.removeNetwork(step.network.name), NO_NETWORK);
      await engine.createNetwork(step.network);
      for (const m of step.members) {
        await tolerate(() => engine.connect(step.network.name, m.id, m.endpoint), ALREADY_ON);
      }
      return;
    }
    case "recreate": {
      if (!ctx.compose || !ctx.composeTarget)
        throw new StepFailed("no Docker Compose to recreate containers with");
      const done = await ctx.compose.up(ctx.composeTarget, step.services);
      if (!done.ok) {
        const said = done.output.split("\n").filter(Boolean).slice(-3).join(" / ");
        throw new StepFailed(`${ctx.compose.describe} up failed: ${said}`);
      }
      return;
    }
    case "disconnect":
      return tolerate(() => engine.disconnect(step.network, step.id), NOT_ON);
  }
}
