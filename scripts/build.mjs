// Bundles the CLI and the library into dist/ so that start-up loads one file.
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  logLevel: "warning",
  // read only by `audit --live`, and loaded only then: from node_modules, not the bundle
  external: ["dockerode"],
};

await build({
  ...common,
  entryPoints: ["src/bin.ts"],
  outfile: "dist/cli.js",
  banner: { js: "#!/usr/bin/env node" },
});
// the pool's worker process, beside the CLI
await build({ ...common, entryPoints: ["src/worker.ts"], outfile: "dist/worker.js" });
await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js" });

// Type declarations for the library's users.
const { execFileSync } = await import("node:child_process");
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
  stdio: "inherit",
});
