// Jest's global setup: tests that spawn the built CLI must not run a stale dist/. Builds when
// any source is newer than the bundle (`npm test` builds first anyway; this covers `npx jest`).
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const repo = path.resolve(__dirname, "..");

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else latest = Math.max(latest, fs.statSync(full).mtimeMs);
  }
  return latest;
}

module.exports = async () => {
  const bundle = path.join(repo, "dist", "cli.js");
  const built = fs.existsSync(bundle) ? fs.statSync(bundle).mtimeMs : 0;
  const sources = Math.max(
    newest(path.join(repo, "src")),
    newest(path.join(repo, "transforms")),
    fs.statSync(path.join(repo, "package.json")).mtimeMs,
  );
  if (sources > built) {
    execFileSync(process.execPath, [path.join(repo, "scripts", "build.mjs")], {
      cwd: repo,
      stdio: "inherit",
    });
  }
};
