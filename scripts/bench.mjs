// Benchmark: composemod beside the yaml parser floor of the same input, in interleaved repeats
// (min and median of each), with the peak RSS of the whole process tree. Figures and targets are
// printed; a missed target never changes the exit status, a broken run or a missing corpus does.
//
//   npm run bench                 every figure
//   npm run bench -- host big     only some (host, cache, big, edited, projects, single, audit)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchAudit, treeRss } from "./bench-audit.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const corpus = path.resolve(
  process.env.COMPOSEMOD_CORPUS || path.join(repo, "..", "shared", "corpus"),
);
const cli = path.join(repo, "dist", "cli.js");
const node = process.execPath;

const PROJECTS = 2000;
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const TARGETS = { host: 1.3, big: 3, cache: 0.3, single: 1.5, rssMb: 256, growth: 5 };
/** Directories outside the temporary one (a host in /dev/shm), removed at the end or on Ctrl-C. */
const alsoRemoved = [];
/** The hosts of the default against `-j 2`: the bench's own, and one of the size worker processes pay at. */
const HOST_SIZES = [PROJECTS, 50000];

// Runs in a fresh node, as the CLI does, so that both pay the same start-up: one parseDocument
// (and toJS) per compose file under the directory, or of the one file given. Without yaml's own
// duplicate-key check, which compares every pair of a mapping (36 s on a 5 MB file, 6 s
// without): the floor is the parse, not a quadratic step composemod does not take.
const FLOOR = `
const fs = require("fs");
const path = require("path");
const { parseDocument } = require(${JSON.stringify(path.join(repo, "node_modules", "yaml"))});
const walk = (p) => fs.statSync(p).isDirectory()
  ? fs.readdirSync(p).sort().flatMap((e) => walk(path.join(p, e)))
  : /\\.ya?ml$/.test(p) ? [p] : [];
let files = 0;
for (const file of walk(process.argv[1])) {
  const doc = parseDocument(fs.readFileSync(file, "utf8"), { merge: true, uniqueKeys: false });
  if (!doc.errors.length) doc.toJS({ maxAliasCount: -1 });
  files++;
}
process.stdout.write(String(files));
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

/** Runs `node ...args`; wall time around the whole child, peak RSS of its tree sampled every 20 ms. */
function measure(args, cwd) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(node, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let peak = 0;
    const timer = setInterval(() => {
      peak = Math.max(peak, treeRss(child.pid) / 1024);
    }, 20);
    child.on("close", (status, signal) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ seconds, peakKb: peak, status, signal, stdout, stderr });
    });
  });
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median };
}

function broken(label, run) {
  if (run.signal || (run.status !== 0 && run.status !== 1 && run.status !== 2)) {
    console.error(`bench: ${label} failed (${run.signal ?? `status ${run.status}`})`);
    console.error(run.stderr.trim().split("\n").slice(-15).join("\n"));
    return true;
  }
  return false;
}

/**
 * Runs each candidate and its floor in alternation, ROUNDS times, after one warm-up each;
 * `prepare` runs before every candidate run (a fresh copy of a host to write, say).
 */
async function compare(label, candidate, floor, { rounds = ROUNDS, prepare, target } = {}) {
  const runs = { candidate: [], floor: [] };
  for (let i = -1; i < rounds; i++) {
    if (prepare) {
      prepare();
      // the copy's writeback is not part of the run measured next
      spawnSync("sync");
    }
    const c = await measure(candidate.args, candidate.cwd);
    if (broken(`${label} (composemod)`, c)) throw new Error(label);
    const f = await measure(floor.args, floor.cwd);
    if (broken(`${label} (floor)`, f)) throw new Error(label);
    if (i >= 0) {
      runs.candidate.push(c);
      runs.floor.push(f);
    }
  }
  const c = stats(runs.candidate.map((r) => r.seconds));
  const f = stats(runs.floor.map((r) => r.seconds));
  const peak = Math.max(...runs.candidate.map((r) => r.peakKb)) / 1024;
  const ratio = c.median / f.median;
  const verdict =
    target === undefined
      ? ""
      : ratio <= target
        ? `, target <= ${target}x met`
        : `, target <= ${target}x MISSED`;
  console.log(
    `${label}: composemod ${c.median.toFixed(2)} s median (min ${c.min.toFixed(2)}), floor ${f.median.toFixed(2)} s median (min ${f.min.toFixed(2)}); ` +
      `ratio ${ratio.toFixed(2)}x (of the mins ${(c.min / f.min).toFixed(2)}x)${verdict}; peak RSS ${peak.toFixed(0)} MB (tree)`,
  );
  return { ratio, peak, median: c.median, last: runs.candidate.at(-1) };
}

function buildHost(dir, sources, projects = PROJECTS) {
  fs.mkdirSync(dir, { recursive: true });
  const width = String(projects).length;
  for (let i = 0; i < projects; i++) {
    const rel = sources[i % sources.length];
    const slug = rel
      .replace(/\.ya?ml$/i, "")
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, "-")
      .slice(0, 60);
    const project = path.join(dir, `p${String(i + 1).padStart(width, "0")}-${slug}`);
    fs.mkdirSync(project);
    fs.copyFileSync(path.join(corpus, rel), path.join(project, "docker-compose.yml"));
  }
}

/**
 * A compose file of `n` app+database pairs on one shared network, as a generated file is: each
 * app routed, publishing a port, with its database's address and a volume; about 240 bytes a
 * service, so 21,000 services make 5 MB.
 */
function bigFile(n) {
  const lines = ["services:"];
  for (let i = 0; i < n / 2; i++) {
    lines.push(
      `  app${i}:`,
      `    image: ghcr.io/example/app:${i}`,
      "    restart: unless-stopped",
      `    depends_on: [db${i}]`,
      "    environment:",
      `      VIRTUAL_HOST: app${i}.example.org`,
      `      DATABASE_URL: postgres://app:secret@db${i}:5432/app${i}`,
      "    volumes:",
      `      - ./data/app${i}:/var/lib/app`,
      "    ports:",
      `      - "${10000 + (i % 50000)}:80"`,
      "    networks: [proxy]",
      `  db${i}:`,
      "    image: postgres:16",
      "    restart: unless-stopped",
      "    environment:",
      "      POSTGRES_PASSWORD: secret",
      `      POSTGRES_DB: app${i}`,
      "    volumes:",
      `      - ./data/db${i}:/var/lib/postgresql/data`,
      "    networks: [proxy]",
    );
  }
  lines.push("networks:", "  proxy:", "    external: true");
  return lines.join("\n") + "\n";
}

/**
 * A dry run over hosts of corpus projects with the default options beside `-j 2`, in
 * alternation: time and peak RSS of the process tree, output read as it is printed. The default
 * must be the better of the two at each size. A large host is written to /dev/shm when there is
 * one, and removed after.
 */
async function defaultAgainstWorkers(tmp, sources) {
  const shm = "/dev/shm";
  const base = fs.existsSync(shm) ? fs.mkdtempSync(path.join(shm, "composemod-bench-")) : tmp;
  if (base !== tmp) alsoRemoved.push(base);
  try {
    for (const projects of HOST_SIZES) {
      const host = path.join(base, `projects-${projects}`);
      buildHost(host, sources, projects);
      const rounds = projects > PROJECTS ? Math.min(ROUNDS, 2) : ROUNDS;
      const runs = { default: [], j2: [] };
      for (let i = -1; i < rounds; i++) {
        for (const [name, extra] of [
          ["default", []],
          ["j2", ["-j", "2"]],
        ]) {
          // the warm-up round only at the small size: a large host is a run of its own
          if (i < 0 && projects > PROJECTS) continue;
          const run = await measure([cli, ...extra, host], repo);
          if (broken(`${projects} projects (${name})`, run)) throw new Error("projects");
          if (i >= 0) runs[name].push(run);
        }
      }
      const figures = (name) => {
        const { median, min } = stats(runs[name].map((r) => r.seconds));
        const peak = Math.max(...runs[name].map((r) => r.peakKb)) / 1024;
        return { median, min, peak };
      };
      const d = figures("default");
      const j = figures("j2");
      // on two cores from 10,000 projects the default is `-j 2` itself: the two differ by noise
      const same = os.availableParallelism() === 2 && projects >= 10000;
      const better = d.median <= j.median * 1.05 && d.peak <= j.peak * 1.1;
      console.log(
        `dry run over ${projects.toLocaleString("en-US")} projects from the corpus: default ${d.median.toFixed(2)} s median (min ${d.min.toFixed(2)}), peak RSS ${d.peak.toFixed(0)} MB; ` +
          `-j 2 ${j.median.toFixed(2)} s median (min ${j.min.toFixed(2)}), peak RSS ${j.peak.toFixed(0)} MB (tree); ` +
          (same
            ? "the default is -j 2 here (the same run: any difference is noise)"
            : `the default ${better ? "as good or better (target met)" : "NOT the better (target MISSED)"}`),
      );
      fs.rmSync(host, { recursive: true, force: true });
    }
  } finally {
    if (base !== tmp) fs.rmSync(base, { recursive: true, force: true });
  }
}

async function main(tmp, only) {
  const want = (name) => only.length === 0 || only.includes(name);
  const sources = walk(corpus)
    .map((f) => path.relative(corpus, f).split(path.sep).join("/"))
    .filter((rel) => /\.ya?ml$/i.test(rel) && !`/${rel}`.includes("/invalid/"));
  if (sources.length === 0) throw new Error(`no compose files in ${corpus}`);
  const build = spawnSync(node, [path.join(repo, "scripts", "build.mjs")], {
    cwd: repo,
    stdio: "inherit",
  });
  if (build.status !== 0) throw new Error("the build failed");
  console.log(
    `node ${process.version}, ${os.platform()} ${os.arch()}, ${os.availableParallelism()} cores; ${ROUNDS} interleaved rounds after a warm-up`,
  );

  if (want("host") || want("cache")) {
    const pristine = path.join(tmp, "pristine");
    buildHost(pristine, sources);
    const host = path.join(tmp, "host");
    const fresh = () => {
      fs.rmSync(host, { recursive: true, force: true });
      fs.cpSync(pristine, host, { recursive: true });
    };
    const floor = { args: ["-e", FLOOR, pristine], cwd: repo };
    if (want("host")) {
      const { last } = await compare(
        `--write over ${PROJECTS} projects from the corpus`,
        { args: [cli, "--write", "-q", host], cwd: repo },
        floor,
        { prepare: fresh, target: TARGETS.host },
      );
      const changed = walk(host).filter(
        (f) => !fs.readFileSync(f).equals(fs.readFileSync(f.replace(host, pristine))),
      ).length;
      console.log(`  (${changed} files changed by the run, exit status ${last.status})`);
    }
    if (want("cache")) {
      fresh();
      const cacheFile = path.join(tmp, "cache.json");
      const args = [cli, "--check", "-q", "--cache", "--cache-location", cacheFile, host];
      fs.rmSync(cacheFile, { force: true });
      const first = await measure(args, repo);
      if (broken("--check --cache (first)", first)) throw new Error("cache");
      await compare(
        `repeated --check --cache over ${PROJECTS} projects`,
        { args, cwd: repo },
        floor,
        {
          target: TARGETS.cache,
        },
      );
      console.log(`  (the first run, filling the cache: ${first.seconds.toFixed(2)} s)`);
    }
  }

  if (want("big")) {
    for (const [label, services] of [
      ["3,000 services", 3000],
      ["6,000 services", 6000],
      ["21,000 services", 21000],
    ]) {
      const file = path.join(tmp, "big", `${services}`, "compose.yaml");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, bigFile(services));
      const size = fs.statSync(file).size;
      await compare(
        `one file of ${label} (${(size / 1048576).toFixed(1)} MB), --check`,
        { args: [cli, "--check", "-q", file], cwd: repo },
        { args: ["-e", FLOOR, file], cwd: repo },
        { rounds: Math.min(ROUNDS, 3), target: TARGETS.big },
      );
    }
  }

  if (want("edited")) {
    // the big files' shape, every service edited, as a dry run shows it: the diff of every service
    const medians = [];
    for (const services of [2500, 10000]) {
      const file = path.join(tmp, "edited", `${services}`, "compose.yaml");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, bigFile(services));
      const size = fs.statSync(file).size;
      const { median } = await compare(
        `one file of ${services.toLocaleString("en-US")} services, every one edited (${(size / 1048576).toFixed(1)} MB), dry run with its diff`,
        { args: [cli, "-q", file], cwd: repo },
        { args: ["-e", FLOOR, file], cwd: repo },
        { rounds: Math.min(ROUNDS, 3), target: TARGETS.big },
      );
      medians.push(median);
    }
    const growth = medians[1] / medians[0];
    console.log(
      `  10,000 services against 2,500: ${growth.toFixed(2)}x the time for 4x the services, target <= ${TARGETS.growth}x ${growth <= TARGETS.growth ? "met" : "MISSED"}`,
    );
  }

  if (want("projects")) {
    await defaultAgainstWorkers(tmp, sources);
  }

  if (want("single")) {
    const file = path.join(repo, "examples", "article-2-behind-proxy", "docker-compose.yml");
    await compare(
      "one small file, dry run (start-up included)",
      { args: [cli, file], cwd: repo },
      {
        args: ["-e", `require(${JSON.stringify(path.join(repo, "node_modules", "yaml"))})`],
        cwd: repo,
      },
      { rounds: Math.max(ROUNDS, 10), target: TARGETS.single },
    );
  }

  if (want("audit")) {
    console.log("audit over synthetic hosts, every project on one shared network:");
    await benchAudit({ repeats: Math.min(ROUNDS, 3), log: (line) => console.log(`  ${line}`) });
  }
}

if (!fs.existsSync(corpus)) {
  console.error(
    `bench: the corpus is not at ${corpus} (set COMPOSEMOD_CORPUS or check out ../shared/corpus): nothing can be measured`,
  );
  process.exit(1);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "composemod-bench-"));
const cleanup = () => {
  for (const dir of [tmp, ...alsoRemoved]) fs.rmSync(dir, { recursive: true, force: true });
};
process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});
try {
  await main(tmp, process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  cleanup();
}
