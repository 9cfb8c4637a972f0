// Builds dist/: the CLI, its worker and the library, each one file of composemod's own modules
// (so that start-up reads one file of ours), with the dependencies left to `require` from
// node_modules: they are the package's real dependencies, and the library's types use yaml's.
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });

const common = {
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "cjs",
  logLevel: "warning",
  // read only by `audit --live`, and loaded only then: from node_modules, not the bundle
  external: ["dockerode"],
};

// The command and its worker carry their dependencies inside: each process reads one file
// rather than resolving and compiling some eighty files of node_modules at every start.
// (jsonc-parser's `main` is a UMD build whose requires esbuild cannot follow: its ES modules are bundled)
const standalone = {
  ...common,
  packages: undefined,
  alias: { "jsonc-parser": "jsonc-parser/lib/esm/main.js" },
};
await build({
  ...standalone,
  entryPoints: ["src/bin.ts"],
  outfile: "dist/cli.js",
  banner: { js: "#!/usr/bin/env node" },
});
// the pool's worker process, beside the CLI
await build({ ...standalone, entryPoints: ["src/worker.ts"], outfile: "dist/worker.js" });
await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js" });

// Type declarations for the library's users.
const { execFileSync } = await import("node:child_process");
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
  stdio: "inherit",
});
