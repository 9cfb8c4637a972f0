// Benchmark of `composemod audit` at host scale: synthetic hosts of 2,000 and 10,000 projects,
// every one of them on the one shared `proxy` network (the form the article starts from), each
// audited as a table, with --json and with --sarif. For each it prints the wall time (min and
// median of interleaved repeats), the CPU time of the whole process tree, the peak RSS of the
// whole process tree (the CLI and its workers, summed, sampled from /proc) and the bytes printed,
// then whether output grows linearly (bytes at 10,000 over bytes at 2,000 against 5x). Run it with
// `node scripts/bench-audit.mjs`; `benchAudit()` is what `npm run bench` can call.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(repo, "dist", "cli.js");

export const AUDIT_SIZES = [2000, 10000];
export const AUDIT_MODES = [[], ["--json"], ["--sarif"]];
export const TARGET_SECONDS = 10;
export const TARGET_RSS_MB = 256;

// Four stacks in turn, every service on `proxy`: the article's wiki (the proxy network as the
// default network), an app with its database and a loopback port, an app with a worker, a cache
// and a database, and one already migrated. Service names repeat across projects, as on a real
// host (`app`, `db`): Docker's DNS answers such a name with any project's service.
const STACKS = [
  (i) => `services:
  wiki-db:
    image: mariadb:11
    volumes:
      - ./mysql:/var/lib/mysql
    restart: always
  mediawiki:
    image: mediawiki:1.41
    depends_on:
      - wiki-db
    environment:
      VIRTUAL_HOST: wiki${i}.example.org
networks:
  default:
    external:
      name: proxy
`,
  (i) => `services:
  app:
    image: ghost:5
    environment:
      VIRTUAL_HOST: blog${i}.example.org
      database__connection__host: db
    networks: [proxy]
  db:
    image: mysql:8
    ports:
      - "127.0.0.1:${3306 + (i % 1000)}:3306"
    networks: [proxy]
networks:
  proxy:
    external: true
`,
  (i) => `services:
  app:
    image: ghcr.io/paperless-ngx/paperless-ngx:2
    environment:
      VIRTUAL_HOST: docs${i}.example.org
      PAPERLESS_REDIS: redis://broker:6379
    networks:
      - proxy
  worker:
    image: ghcr.io/paperless-ngx/paperless-ngx:2
    command: celery worker
    networks:
      - proxy
  broker:
    image: redis:7
    networks:
      - proxy
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: secret
    networks:
      - proxy
networks:
  proxy:
    external: true
`,
  (i) => `services:
  pad-db:
    image: postgres:16
    networks: [internal]
  etherpad:
    image: etherpad/etherpad:2
    environment:
      VIRTUAL_HOST: pad${i}.example.org
    networks: [internal, proxy]
networks:
  internal:
    driver: bridge
  proxy:
    external: true
`,
];

/** Writes a host of `count` projects under `dir`, one directory and one compose file each. */
export function syntheticHost(dir, count) {
  fs.rmSync(dir, { recursive: true, force: true });
  const width = String(count).length;
  for (let i = 0; i < count; i++) {
    const project = path.join(dir, `p${String(i).padStart(width, "0")}`);
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, "compose.yaml"), STACKS[i % STACKS.length](i));
  }
  return dir;
}

/** The process and all its descendants, read from /proc. */
function tree(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    let tasks = [];
    try {
      tasks = fs.readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = fs.readFileSync(`/proc/${out[i]}/task/${task}/children`, "utf8");
        for (const child of children.split(" ").filter(Boolean)) out.push(Number(child));
      } catch {
        // the task ended between the two reads
      }
    }
  }
  return out;
}

const PAGE = 4096;

/** The summed RSS of a process tree, in bytes: only the tree is read, found through each task's `children`. */
export function treeRss(pid) {
  let total = 0;
  for (const p of tree(pid)) {
    try {
      total += Number(fs.readFileSync(`/proc/${p}/statm`, "utf8").split(" ")[1]) * PAGE;
    } catch {
      // it ended
    }
  }
  return total;
}

/**
 * Runs `node dist/cli.js audit ARGS HOST` once under GNU time (CPU of the tree) while sampling
 * the tree's RSS every 10 ms; standard output is counted, not kept.
 */
function runOnce(args, host) {
  return new Promise((resolve, reject) => {
    const times = path.join(os.tmpdir(), `composemod-bench-time-${process.pid}`);
    const start = process.hrtime.bigint();
    const child = spawn(
      "/usr/bin/time",
      ["-f", "%U %S", "-o", times, process.execPath, cli, "audit", ...args, host],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let bytes = 0;
    let stderr = "";
    let peak = 0;
    child.stdout.on("data", (chunk) => (bytes += chunk.length));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setInterval(() => (peak = Math.max(peak, treeRss(child.pid))), 10);
    child.on("error", reject);
    child.on("close", (status) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // GNU time says "Command exited with non-zero status 1" first when the audit found something
      const last = fs.readFileSync(times, "utf8").trim().split("\n").at(-1);
      const [user, sys] = last.split(/\s+/).map(Number);
      fs.rmSync(times, { force: true });
      if (status !== 0 && status !== 1) {
        reject(new Error(`audit ${args.join(" ")} exited ${status}: ${stderr.slice(-2000)}`));
      } else resolve({ seconds, cpu: user + sys, rss: peak, bytes, status });
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const label = (args) => ["audit", ...args].join(" ");

/**
 * Measures every size and mode `repeats` times, interleaved so that a change in the machine's
 * load hits them alike, and prints the figures. Returns them, with whether each met the target.
 */
export async function benchAudit({ repeats = 3, log = console.log } = {}) {
  if (!fs.existsSync(cli)) throw new Error("dist/cli.js is missing: npm run build first");
  if (!fs.existsSync("/usr/bin/time")) throw new Error("GNU time (/usr/bin/time) is needed");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "composemod-bench-audit-"));
  try {
    const hosts = new Map(AUDIT_SIZES.map((n) => [n, syntheticHost(path.join(tmp, `h${n}`), n)]));
    log(
      `node ${process.version}, ${os.cpus().length} CPUs; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}; ${repeats} interleaved runs each`,
    );
    const samples = new Map();
    for (let r = 0; r < repeats; r++) {
      for (const n of AUDIT_SIZES) {
        for (const args of AUDIT_MODES) {
          const key = `${n} ${label(args)}`;
          samples.set(key, [...(samples.get(key) ?? []), await runOnce(args, hosts.get(n))]);
        }
      }
    }
    const figures = [];
    for (const n of AUDIT_SIZES) {
      for (const args of AUDIT_MODES) {
        const runs = samples.get(`${n} ${label(args)}`);
        const f = {
          projects: n,
          command: label(args),
          minSeconds: Math.min(...runs.map((s) => s.seconds)),
          medianSeconds: median(runs.map((s) => s.seconds)),
          cpuSeconds: median(runs.map((s) => s.cpu)),
          peakRssMb: Math.max(...runs.map((s) => s.rss)) / 1048576,
          bytes: runs[0].bytes,
          status: runs[0].status,
        };
        f.met = f.medianSeconds <= TARGET_SECONDS && f.peakRssMb <= TARGET_RSS_MB;
        figures.push(f);
        log(
          `${String(n).padStart(6)} projects  ${f.command.padEnd(13)} ` +
            `${f.minSeconds.toFixed(2)} s min, ${f.medianSeconds.toFixed(2)} s median, ` +
            `${f.cpuSeconds.toFixed(2)} s CPU, peak RSS ${Math.round(f.peakRssMb)} MB (tree), ` +
            `${f.bytes.toLocaleString("en-US")} bytes, exit ${f.status}` +
            (n === Math.max(...AUDIT_SIZES)
              ? `  [target <= ${TARGET_SECONDS} s, <= ${TARGET_RSS_MB} MB: ${f.met ? "met" : "missed"}]`
              : ""),
        );
      }
    }
    const [small, large] = AUDIT_SIZES;
    for (const args of AUDIT_MODES) {
      const a = figures.find((f) => f.projects === small && f.command === label(args));
      const b = figures.find((f) => f.projects === large && f.command === label(args));
      log(
        `output of ${label(args)}: ${(b.bytes / a.bytes).toFixed(2)}x the bytes for ${large / small}x the projects`,
      );
    }
    return figures;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repeats = Number(process.env.BENCH_AUDIT_REPEATS ?? 3);
  const built = spawnSync(process.execPath, [path.join(repo, "scripts", "build.mjs")], {
    cwd: repo,
    stdio: "inherit",
  });
  if (built.status !== 0) process.exit(1);
  const figures = await benchAudit({ repeats });
  process.exitCode = figures.every((f) => f.projects !== Math.max(...AUDIT_SIZES) || f.met) ? 0 : 1;
}
