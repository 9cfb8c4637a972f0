// Bundles the CLI and the library into dist/ so that start-up loads one file.
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: ["src/cli.ts"],
  outfile: "dist/cli.js",
  banner: { js: "#!/usr/bin/env node" },
});
await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js" });

// Type declarations for the library's users.
const { execFileSync } = await import("node:child_process");
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
  stdio: "inherit",
});
