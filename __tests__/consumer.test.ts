import { spawnSync } from "node:child_process";
import * as path from "node:path";

test("a user's TypeScript imports the public API by package name and type-checks against dist/types, without @types/node", () => {
  const repo = path.resolve(__dirname, "..");
  const tsc = path.join(repo, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(
    process.execPath,
    [tsc, "-p", path.join(__dirname, "consumer", "tsconfig.json")],
    { cwd: repo, encoding: "utf8" },
  );
  expect(result.stdout + result.stderr).toBe("");
  expect(result.status).toBe(0);
});
