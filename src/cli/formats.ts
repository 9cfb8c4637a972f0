import type { CommandName } from "./commands";

/** Every output format, one word for it across the commands. */
export const FORMATS = ["text", "json", "sarif", "mermaid", "dot"] as const;
export type Format = (typeof FORMATS)[number];

/** What each command can print, its default first. */
export const COMMAND_FORMATS: Record<CommandName, readonly Format[]> = {
  // text: the unified diff (or, with --explain, the tables)
  rewrite: ["text", "json"],
  audit: ["text", "json", "sarif"],
  graph: ["text", "mermaid", "dot", "json"],
  // text: the plan, progress and the summary; json: the plan and the outcome
  apply: ["text", "json"],
  rollback: ["text", "json"],
};
