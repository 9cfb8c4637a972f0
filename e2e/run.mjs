// `npm run e2e`: the end-to-end suite under its own jest configuration, then its summary line,
// printed last so that it is the one line to read. `--require-engine` (as CI passes) makes a
// machine where no Docker Engine can start a failure instead of a skip. When jest has ended, by
// a signal too, any engine it left running is stopped and the host put back.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const requireEngine = args.includes("--require-engine");
const summary = path.join(tmpdir(), `composemod-e2e-summary-${process.pid}.txt`);
const env = { ...process.env, COMPOSEMOD_E2E_SUMMARY: summary };
if (requireEngine) env.COMPOSEMOD_E2E_REQUIRE_ENGINE = "1";

const jest = spawn(
  process.execPath,
  [
    path.join(root, "node_modules", "jest", "bin", "jest.js"),
    ...["-c", "jest.e2e.config.js", "--runInBand"],
    ...args.filter((a) => a !== "--require-engine"),
  ],
  { cwd: root, env, stdio: "inherit" },
);
// a Ctrl-C reaches jest as well; a signal to this process alone is passed on
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => jest.kill(signal));
}
const status = await new Promise((resolve) => jest.on("exit", (code) => resolve(code ?? 1)));

if (process.getuid?.() === 0) {
  const recover = buildSync({
    entryPoints: [path.join(root, "e2e", "recover.ts")],
    bundle: true,
    platform: "node",
    write: false,
    logLevel: "warning",
  });
  spawnSync(process.execPath, ["-"], {
    input: recover.outputFiles[0].text,
    stdio: ["pipe", "inherit", "inherit"],
  });
}
if (existsSync(summary)) {
  process.stdout.write(readFileSync(summary, "utf8"));
  rmSync(summary, { force: true });
}
process.exitCode = status;
