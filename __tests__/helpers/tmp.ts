import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { RunIO } from "../../src/cli/io";

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory with the given files, removed after the test file. */
export function tempTree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "composemod-test-"));
  created.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** An in-memory RunIO that records what a run prints; `stdin` is what standard input holds. */
export function captureIO(
  cwd: string,
  stdin?: string | Uint8Array,
): RunIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    cwd,
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    now: () => 0,
    readStdin: async () =>
      typeof stdin === "string" ? Buffer.from(stdin) : (stdin ?? Buffer.alloc(0)),
    out: () => out,
    err: () => err,
  };
}
