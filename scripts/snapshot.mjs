#!/usr/bin/env node
// Writes every output composemod gives on a set of trees to a directory, one file per run, so
// that two builds can be compared with `diff -r`: the diff, the JSON report, --explain, the
// audit (table, JSON, SARIF), the graph (text, JSON) and the JSON report with options, over
// examples/ and, when it is beside the clone, ../shared/corpus and ../shared/stacks. Timings
// are taken out.
//
//   node scripts/snapshot.mjs OUT_DIR [CLI]      (CLI defaults to dist/cli.js of this clone)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = process.argv[2];
if (!out) {
  console.error("usage: node scripts/snapshot.mjs OUT_DIR [CLI]");
  process.exit(2);
}
const cli = process.argv[3] ?? path.join(repo, "dist", "cli.js");
const shared = path.resolve(repo, "..", "shared");
const trees = [["examples", path.join(repo, "examples")]];
for (const name of ["corpus", "stacks", "stacks-stage2"]) {
  if (existsSync(path.join(shared, name))) trees.push([name, path.join(shared, name)]);
}
const runs = [
  ["diff", []],
  ["json", ["--json"]],
  ["explain", ["--explain", "--no-color"]],
  [
    "json-options",
    ["--json", "--ports", "comment", "--internal-network", "backnet", "--modernize"],
  ],
  ["json-virtual-host", ["--json", "--virtual-host", "{service}.{project}.example.org"]],
  ["audit", ["audit", "--no-color"]],
  ["audit-json", ["audit", "--json"]],
  ["audit-sarif", ["audit", "--sarif"]],
  ["graph", ["graph", "--no-color"]],
  ["graph-json", ["graph", "--json"]],
];
const timing = /\b\d+(\.\d+)? s\b|"seconds":\s*[\d.]+/g;
mkdirSync(out, { recursive: true });
for (const [tree, dir] of trees) {
  for (const [name, args] of runs) {
    const r = spawnSync(process.execPath, [cli, ...args, "."], {
      cwd: dir,
      encoding: "utf8",
      maxBuffer: 1 << 30,
      env: { ...process.env, NO_COLOR: "1", COLUMNS: "200" },
    });
    const text = [
      `exit ${r.status}`,
      "--- stdout",
      r.stdout.replace(timing, "<time>"),
      "--- stderr",
      r.stderr.replace(timing, "<time>"),
    ].join("\n");
    writeFileSync(path.join(out, `${tree}.${name}.txt`), text);
    console.log(`${tree} ${name}: exit ${r.status}, ${r.stdout.length} bytes`);
  }
}
