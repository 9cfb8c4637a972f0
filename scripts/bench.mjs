// Benchmark: batch `--write` over a synthetic host built from the shared corpus, against the
// `yaml` parser floor, plus single-file start-up. It reports figures and targets; a missed target
// never changes the exit status, only a broken run does.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const corpus = path.resolve(
  process.env.COMPOSEMOD_CORPUS || path.join(repo, "..", "shared", "corpus"),
);
const cli = path.join(repo, "dist", "cli.js");
const node = process.execPath;

const PROJECTS = 2000;
const WARMUPS = 3;
const RUNS = 20;
const SINGLE_FILE = path.join(repo, "examples", "article-2-behind-proxy", "docker-compose.yml");
const TARGET_RATIO = 1.5;
const LIMIT_RATIO = 2;
const TARGET_RSS_MB = 256;
const TARGET_SINGLE_RATIO = 1.5;

// Runs in a fresh node, like the CLI, so both pay the same start-up; it walks the host the same
// way the synthetic host is laid out (one compose file per project directory).
const FLOOR_SCRIPT = `
const fs = require("fs");
const path = require("path");
const { parseDocument } = require("yaml");
const host = process.argv[1];
let files = 0;
let errors = 0;
for (const dir of fs.readdirSync(host).sort()) {
  const text = fs.readFileSync(path.join(host, dir, "docker-compose.yml"), "utf8");
  if (parseDocument(text).errors.length > 0) errors++;
  files++;
}
process.stdout.write(JSON.stringify({ files, errors }));
`;

function walk(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

function corpusComposeFiles() {
  return walk(corpus)
    .map((file) => path.relative(corpus, file).split(path.sep).join("/"))
    .filter((rel) => /\.ya?ml$/i.test(rel) && !`/${rel}`.includes("/invalid/"));
}

function newestMtime(dirs) {
  let newest = 0;
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const file of walk(dir)) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

// Measuring a stale bundle would report on code that is no longer there.
function ensureBuilt() {
  const sources = newestMtime([path.join(repo, "src"), path.join(repo, "transforms")]);
  if (fs.existsSync(cli) && fs.statSync(cli).mtimeMs >= sources) return true;
  console.log("building dist/ (dist/cli.js is missing or older than src/ or transforms/)");
  const result = spawnSync(node, [path.join("scripts", "build.mjs")], {
    cwd: repo,
    stdio: "inherit",
  });
  if (result.status === 0) return true;
  // build.mjs bundles before it writes type declarations, so a type error alone still leaves a
  // fresh bundle of the current sources, which is what is measured.
  if (fs.existsSync(cli) && fs.statSync(cli).mtimeMs >= sources) {
    console.log("warning: the build reported errors; measuring the fresh dist/cli.js it bundled");
    return true;
  }
  console.error("bench: the build failed; nothing measured");
  return false;
}

// GNU time reports the child's peak RSS without touching it; the preload is the fallback where
// /usr/bin/time is missing or is not GNU time (no -v / -o). Either way the figure is the largest
// single process: worker threads are counted, forked worker processes would not be summed.
function chooseRssMethod(tmp) {
  const probe = path.join(tmp, "time-probe.txt");
  if (fs.existsSync("/usr/bin/time")) {
    spawnSync("/usr/bin/time", ["-v", "-o", probe, node, "-e", ""], { stdio: "ignore" });
    if (fs.existsSync(probe) && /Maximum resident set size/.test(fs.readFileSync(probe, "utf8"))) {
      return { name: "/usr/bin/time -v", file: path.join(tmp, "rss.txt") };
    }
  }
  const preload = path.join(tmp, "maxrss-preload.cjs");
  fs.writeFileSync(
    preload,
    `process.on("exit", () => require("fs").writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n`,
  );
  return { name: "process.resourceUsage() preload", file: path.join(tmp, "rss.txt"), preload };
}

/** Runs `node ...args` once; wall time is taken here, in the parent, around the whole child. */
function runMeasured(args, rss) {
  fs.rmSync(rss.file, { force: true });
  const options = { cwd: repo, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 };
  let command = node;
  let argv = args;
  if (rss.preload) {
    argv = ["-r", rss.preload, ...args];
    options.env = { ...process.env, BENCH_RSS_FILE: rss.file };
  } else {
    command = "/usr/bin/time";
    argv = ["-v", "-o", rss.file, node, ...args];
  }
  const start = process.hrtime.bigint();
  const result = spawnSync(command, argv, options);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let rssKb = NaN;
  if (fs.existsSync(rss.file)) {
    const text = fs.readFileSync(rss.file, "utf8");
    const match = rss.preload
      ? /^(\d+)/.exec(text)
      : /Maximum resident set size[^:]*:\s*(\d+)/.exec(text);
    if (match) rssKb = Number(match[1]);
  }
  return {
    seconds,
    rssKb,
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
    error: result.error,
  };
}

function buildHost(tmp, sources) {
  const host = path.join(tmp, "host");
  fs.mkdirSync(host);
  const width = String(PROJECTS).length;
  const files = [];
  let bytes = 0;
  for (let i = 0; i < PROJECTS; i++) {
    const rel = sources[i % sources.length];
    const slug = rel
      .replace(/\.ya?ml$/i, "")
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, "-")
      .slice(0, 60);
    const dir = path.join(host, `p${String(i + 1).padStart(width, "0")}-${slug}`);
    fs.mkdirSync(dir);
    const file = path.join(dir, "docker-compose.yml");
    const content = fs.readFileSync(path.join(corpus, rel));
    fs.writeFileSync(file, content);
    files.push({ file, content });
    bytes += content.length;
  }
  return { host, files, bytes };
}

function jobsNote() {
  const help = spawnSync(node, [cli, "--help"], { cwd: repo, encoding: "utf8" }).stdout ?? "";
  const block = /--jobs\b[^\n]*(?:\n {6,}[^\n]*)*/.exec(help);
  if (!block) return null;
  const fallback = /default:?\s*([^)]+)\)/.exec(block[0].replace(/\s+/g, " "));
  const described = fallback ? `${fallback[1].trim()}, ` : "";
  return `--jobs not passed: CLI default (${described}${os.availableParallelism()} cores here)`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function onPath(command) {
  const result = spawnSync(command, ["--version"], { stdio: "ignore" });
  return !result.error && result.status === 0;
}

function shellQuote(s) {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Returns [cli, floor] timings in ms, each {median, min}, and the tool used. */
function timeSingleFile(file, tmp) {
  const commands = [
    [node, cli, file],
    [node, "-e", "require('yaml')"],
  ];
  if (onPath("hyperfine")) {
    const json = path.join(tmp, "hyperfine.json");
    const result = spawnSync(
      "hyperfine",
      [
        "--warmup",
        String(WARMUPS),
        "--runs",
        String(RUNS),
        "-N",
        "--style",
        "none",
        "--export-json",
        json,
        ...commands.map((c) => c.map(shellQuote).join(" ")),
      ],
      { cwd: repo, stdio: "ignore" },
    );
    if (result.status === 0 && fs.existsSync(json)) {
      const { results } = JSON.parse(fs.readFileSync(json, "utf8"));
      return {
        tool: "hyperfine",
        timings: results.map((r) => ({ median: r.median * 1000, min: r.min * 1000 })),
      };
    }
  }
  const once = ([command, ...args]) => {
    const start = process.hrtime.bigint();
    spawnSync(command, args, { cwd: repo, stdio: "ignore" });
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  for (let i = 0; i < WARMUPS; i++) commands.forEach(once);
  const samples = commands.map(() => []);
  // Interleaved so that any drift in machine load hits both commands alike.
  for (let i = 0; i < RUNS; i++) commands.forEach((c, j) => samples[j].push(once(c)));
  return {
    tool: "spawnSync + process.hrtime",
    timings: samples.map((s) => ({ median: median(s), min: Math.min(...s) })),
  };
}

function verdict(value, target, limit) {
  if (!Number.isFinite(value)) return "not measured";
  if (value <= target) return "met";
  if (limit !== undefined && value <= limit) return "missed target, within limit";
  return "missed";
}

const mb = (kb) => (Number.isFinite(kb) ? `${Math.round(kb / 1024)} MB` : "n/a");
const fixed = (n, digits = 2) => n.toFixed(digits);

function failedRun(label, run) {
  if (run.error || run.signal || (run.status !== 0 && run.status !== 2)) {
    const why =
      run.error?.message ?? (run.signal ? `signal ${run.signal}` : `status ${run.status}`);
    console.error(`bench: ${label} failed (${why})`);
    if (run.stderr) console.error(run.stderr.trim().split("\n").slice(-20).join("\n"));
    return true;
  }
  return false;
}

function main(tmp) {
  const sources = corpusComposeFiles();
  if (sources.length === 0) {
    console.log(`bench: no compose files in ${corpus}; nothing measured`);
    return 0;
  }
  if (!ensureBuilt()) return 1;
  const rss = chooseRssMethod(tmp);
  const jobs = jobsNote();

  const { host, files, bytes } = buildHost(tmp, sources);
  console.log(`node ${process.version}, ${os.platform()} ${os.arch()}, ${os.cpus().length} CPUs`);
  console.log(`corpus: ${corpus} (${sources.length} YAML files, */invalid/* left out)`);
  console.log(`peak RSS via ${rss.name}; batch wall times via spawnSync + process.hrtime`);

  // The floor reads the original files, so it runs before --write rewrites some of them.
  const floor = runMeasured(["-e", FLOOR_SCRIPT, host], rss);
  if (failedRun("the parser floor", floor)) return 1;
  const parsed = JSON.parse(floor.stdout);

  const write = runMeasured([cli, "--write", "--quiet", host], rss);
  if (failedRun("composemod --write", write)) return 1;
  const changed = files.filter(({ file, content }) => !fs.readFileSync(file).equals(content));
  const errors = (write.stderr.match(/^\S.*:\d+:\d+: .*\[[\w-]+\]$/gm) ?? []).length;

  const n = files.length;
  const ratio = write.seconds / floor.seconds;
  const rssMb = write.rssKb / 1024;
  console.log(
    `synthetic host: ${PROJECTS} projects, ${n} compose files, ${fixed(bytes / 1048576, 1)} MB ` +
      `(${changed.length} changed by the run, ${errors} reported as errors, exit status ${write.status})`,
  );
  console.log(
    `composemod --write: ${fixed(write.seconds)} s, ${Math.round(n / write.seconds)} files/s, ` +
      `peak RSS ${mb(write.rssKb)}${jobs ? ` [${jobs}]` : ""}`,
  );
  console.log(
    `parser floor (yaml parseDocument): ${fixed(floor.seconds)} s, ` +
      `${Math.round(parsed.files / floor.seconds)} files/s, peak RSS ${mb(floor.rssKb)} ` +
      `(${parsed.files} files, ${parsed.errors} with YAML errors)`,
  );
  console.log(
    `ratio: ${fixed(ratio)}x (target <= ${TARGET_RATIO}x, limit ${LIMIT_RATIO}x: ` +
      `${verdict(ratio, TARGET_RATIO, LIMIT_RATIO)})`,
  );
  console.log(
    `peak RSS: ${mb(write.rssKb)} (target < ${TARGET_RSS_MB} MB: ` +
      `${Number.isFinite(rssMb) ? (rssMb < TARGET_RSS_MB ? "met" : "missed") : "not measured"})`,
  );

  const single = path.join(tmp, "single", "docker-compose.yml");
  fs.mkdirSync(path.dirname(single));
  fs.copyFileSync(SINGLE_FILE, single);
  const check = spawnSync(node, [cli, single], { cwd: repo, encoding: "utf8" });
  const changes = /^\+\+\+ /m.test(check.stdout ?? "");
  const { tool, timings } = timeSingleFile(single, tmp);
  const [c, y] = timings;
  const singleRatio = c.median / y.median;
  console.log(
    `single file (${path.relative(repo, SINGLE_FILE)}, dry run${changes ? "" : ", NOT changed by composemod"}; ` +
      `${RUNS} runs after ${WARMUPS} warm-ups, ${tool}):`,
  );
  console.log(
    `  composemod ${Math.round(c.median)} ms median (min ${Math.round(c.min)}), ` +
      `node -e "require('yaml')" ${Math.round(y.median)} ms median (min ${Math.round(y.min)}), ` +
      `ratio ${fixed(singleRatio)}x (target <= ${TARGET_SINGLE_RATIO}x: ` +
      `${verdict(singleRatio, TARGET_SINGLE_RATIO)})`,
  );
  return 0;
}

if (!fs.existsSync(corpus)) {
  console.log(
    `bench: corpus not found at ${corpus}; set COMPOSEMOD_CORPUS or check out ../shared/corpus. Nothing measured.`,
  );
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "composemod-bench-"));
const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});
let status = 1;
try {
  status = main(tmp);
} finally {
  cleanup();
}
process.exitCode = status;
