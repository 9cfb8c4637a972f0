// A library user's code: it imports composemod by its package name, with no @types/node, and
// must type-check against the published declarations (dist/types).
import {
  auditHost,
  DEFAULT_PLAN_OPTIONS,
  loadHost,
  rewriteText,
  run,
  type FileResult,
  type Finding,
  type Report,
  type RewriteOptions,
  type RunIO,
  type Warning,
} from "composemod";

const options: RewriteOptions = { ...DEFAULT_PLAN_OPTIONS, ports: "comment" };
const result: FileResult = rewriteText("services: {}\n", "compose.yaml", options);
const warnings: Warning[] = result.warnings;
const texts: string[] = warnings.map((w) => (w.service ? `${w.service}: ${w.message}` : w.message));

const io: RunIO = {
  stdout: () => undefined,
  stderr: () => undefined,
  cwd: "/srv/stacks",
  now: () => 0,
};
const status: Promise<number> = run(["--check", "."], io);

async function audit(): Promise<Finding[]> {
  const host = await loadHost(["/srv/stacks"], "/", options);
  return auditHost(host);
}

export const used: [string[], Promise<number>, () => Promise<Finding[]>, Report | undefined] = [
  texts,
  status,
  audit,
  undefined,
];
