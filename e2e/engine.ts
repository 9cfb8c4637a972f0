import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  writeFileSync,
  readFileSync,
  readdirSync,
  rmSync,
} from "node:fs";
import { request } from "node:http";
import * as path from "node:path";
import { onPath, runSync } from "./exec";
import { HostNetworkState, readHostNetworkState, restoreHostNetworkState } from "./host-network";
import { staticBusybox } from "./standin";

/** A dockerd of our own, on a socket of its own. */
export interface Engine {
  /** The daemon's socket path. */
  socket: string;
  /** `unix://<socket>`, the value of DOCKER_HOST for clients. */
  dockerHost: string;
  /** Environment for `docker` and `docker-compose`: this engine only, no user configuration. */
  env: NodeJS.ProcessEnv;
  pid: number;
  /** The temporary directory holding the daemon's state, removed by stop(). */
  dir: string;
  /** Stops the daemon and puts the host back as it was; safe to call twice. */
  stop(): Promise<void>;
}

const TOOLS = [
  "dockerd",
  "docker",
  "docker-compose",
  "iptables",
  "iptables-save",
  "iptables-restore",
  "ip",
];

/** Why no engine can be started here, or undefined when everything it needs is present. */
export function engineUnavailable(): string | undefined {
  if (process.platform !== "linux") return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return "not root (dockerd needs root)";
  const missing = TOOLS.filter((t) => !onPath(t));
  if (!staticBusybox()) missing.push("a static busybox (busybox-static)");
  if (missing.length)
    return `missing ${missing.join(", ")} (apt-get install docker.io docker-compose busybox-static iptables)`;
  return undefined;
}

/** The environment for Docker clients talking to `dockerHost` and to nothing else. */
export function clientEnv(dockerHost: string, configDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(DOCKER_|COMPOSE_)/.test(key)) env[key] = value;
  }
  return { ...env, DOCKER_HOST: dockerHost, DOCKER_CONFIG: configDir };
}

// exec-root holds unix sockets, whose paths are limited to about 100 bytes: short names
const ENGINE_DIR_PREFIX = "/tmp/cme-";
const STATE_FILE = "state.json";

interface EngineState {
  /** The process that started the engine and will stop it. */
  owner: number;
  pid?: number;
  before: HostNetworkState;
}

/**
 * Starts dockerd with its state in a fresh temporary directory and waits until it answers.
 * The host's forwarding switch, firewall tables and interfaces are read first (and kept in the
 * directory) and put back by stop(), which also runs on exit and on SIGINT, SIGTERM and SIGHUP.
 * Under jest those handlers never fire (a test file gets a copy of `process` that hears no
 * signals): an engine whose process died is stopped and cleaned up by the next startEngine(), or
 * by recoverAbandonedEngines(), which `npm run e2e` calls when jest has ended.
 */
export async function startEngine(
  options: {
    readyTimeoutMs?: number;
    /** more dockerd flags (`--debug`, ...) */ args?: string[];
  } = {},
): Promise<Engine> {
  for (const problem of recoverAbandonedEngines()) process.stderr.write(`e2e engine: ${problem}\n`);
  const before = readHostNetworkState();
  const dir = mkdtempSync(ENGINE_DIR_PREFIX);
  const socket = path.join(dir, "d.sock");
  const logFile = path.join(dir, "dockerd.log");
  const state: EngineState = { owner: process.pid, before };
  writeFileSync(path.join(dir, STATE_FILE), JSON.stringify(state));
  mkdirSync(path.join(dir, "config"));
  const log = openSync(logFile, "a");
  const child = spawn(
    "dockerd",
    [
      ...["--data-root", path.join(dir, "data"), "--exec-root", path.join(dir, "x")],
      ...["-H", `unix://${socket}`, "--pidfile", path.join(dir, "d.pid")],
      // names the engine cannot resolve go to loopback, never to the host's resolvers
      ...["--dns", "127.0.0.1"],
      ...["--shutdown-timeout", "2"],
      ...(options.args ?? []),
    ],
    // a group of its own: a Ctrl-C reaches us, and we stop the daemon in order
    { stdio: ["ignore", log, log], detached: true },
  );
  closeSync(log);
  const pid = child.pid!;
  writeFileSync(path.join(dir, STATE_FILE), JSON.stringify({ ...state, pid }));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on("exit", () => {
      exited = true;
      resolve();
    }),
  );

  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", stopNow);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    const problems = stopDaemon(pid, dir, before);
    if (problems.length) process.stderr.write(`e2e engine clean-up: ${problems.join("; ")}\n`);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stopNow();
    process.kill(process.pid, signal);
  };
  process.on("exit", stopNow);
  for (const signal of SIGNALS) process.once(signal, onSignal);

  const engine: Engine = {
    socket,
    dockerHost: `unix://${socket}`,
    env: clientEnv(`unix://${socket}`, path.join(dir, "config")),
    pid,
    dir,
    stop: async () => {
      stopNow();
      // until Node has reaped it, the daemon lingers as a zombie that pgrep still lists
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exit, new Promise((r) => (timer = setTimeout(r, 5000)))]);
      // a timer left running would keep the test process alive after the suite
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (!(await ping(socket))) {
    if (exited || Date.now() > deadline) {
      const tail = readFileSync(logFile, "utf8").split("\n").slice(-8).join("\n");
      stopNow();
      throw new Error(`dockerd did not start${exited ? " (it exited)" : ""}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return engine;
}

/**
 * Stops and cleans up the engines of earlier runs whose owning process is gone (killed before it
 * could stop them), restoring the host state each one read. Returns what it did.
 */
export function recoverAbandonedEngines(): string[] {
  const done: string[] = [];
  const parent = path.dirname(ENGINE_DIR_PREFIX);
  for (const name of readdirSync(parent)) {
    const dir = path.join(parent, name);
    if (!dir.startsWith(ENGINE_DIR_PREFIX)) continue;
    let state: EngineState;
    try {
      state = JSON.parse(readFileSync(path.join(dir, STATE_FILE), "utf8")) as EngineState;
    } catch {
      continue;
    }
    if (alive(state.owner)) continue;
    const pid = state.pid !== undefined && processesUsing(dir).includes(state.pid) ? state.pid : -1;
    const problems = stopDaemon(pid, dir, state.before);
    done.push(
      `cleaned up the engine an earlier run left in ${dir}${problems.length ? ` (${problems.join("; ")})` : ""}`,
    );
  }
  return done;
}

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(socket)) return resolve(false);
    const req = request({ socketPath: socket, path: "/_ping", timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/**
 * Stops the daemon by its pid (SIGTERM, then SIGKILL), then whatever it left running from its
 * directory (its containerd and shims), unmounts what is mounted below the directory, puts the
 * host's network state back and removes the directory. Synchronous, so exit handlers can use it.
 */
function stopDaemon(pid: number, dir: string, before: HostNetworkState): string[] {
  const problems: string[] = [];
  if (pid > 0) signal(pid, "SIGTERM");
  if (pid > 0 && !waitGone([pid], 20_000)) {
    problems.push(`dockerd ${pid} ignored SIGTERM, killed`);
    signal(pid, "SIGKILL");
    waitGone([pid], 5000);
  }
  const leftovers = processesUsing(dir);
  for (const p of leftovers) signal(p, "SIGTERM");
  if (!waitGone(leftovers, 5000)) for (const p of leftovers) signal(p, "SIGKILL");
  waitGone(leftovers, 5000);
  for (const mount of mountsBelow(dir)) {
    if (
      runSync("umount", [mount]) === undefined &&
      runSync("umount", ["-l", mount]) === undefined
    ) {
      problems.push(`could not unmount ${mount}`);
    }
  }
  problems.push(...restoreHostNetworkState(before, [pid, ...leftovers]));
  if (mountsBelow(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  else problems.push(`left ${dir} in place: still mounted`);
  return problems;
}

function signal(pid: number, name: NodeJS.Signals): void {
  if (pid <= 1) return;
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

function waitGone(pids: number[], timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (pids.some(alive)) {
    if (Date.now() > deadline) return false;
    Atomics.wait(pause, 0, 0, 100);
  }
  return true;
}

/** Processes whose command line names the directory: the daemon's containerd and shims. */
function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmdline.split("\0").some((arg) => arg.includes(`${dir}/`)) && alive(Number(entry))) {
        pids.push(Number(entry));
      }
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Mount points at or below the directory, deepest first. */
export function mountsBelow(dir: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((m): m is string => !!m && (m === dir || m.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
}
