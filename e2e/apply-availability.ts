import { spawn } from "node:child_process";
import type { Engine } from "./engine";
import { runOk } from "./exec";

/** An app the proxy must keep reaching: by its container's name (Compose 1 keeps it across a recreate), at its port. */
export interface Watched {
  identity: string;
  host: string;
  port: number;
}

/** When each app answered, in milliseconds since the epoch, and how often it was asked. */
export interface Answers {
  answered: Map<string, number[]>;
  asked: Map<string, number>;
}

const STOP_FILE = "/tmp/composemod-e2e-stop";
const SAFE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Asks every app, from inside the stand-in proxy on the proxy network, over and over (one HTTP
 * request by busybox nc, one-second timeout, then 0.2 s of rest, each app in a loop of its own),
 * and notes when each answered with its own identity. Only the suite's own containers are asked.
 */
export function watchApps(engine: Engine, proxy: string, apps: Watched[]) {
  const answers: Answers = { answered: new Map(), asked: new Map() };
  for (const a of apps) {
    if (!SAFE.test(a.host)) throw new Error(`not a name to probe: ${a.host}`);
    answers.answered.set(a.identity, []);
    answers.asked.set(a.identity, 0);
  }
  const script = [
    `rm -f ${STOP_FILE}`,
    `p() { while [ ! -e ${STOP_FILE} ]; do r=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 1 "$2" "$3" 2>/dev/null | tail -n 1); echo "$1 $r"; sleep 0.2; done; }`,
    ...apps.map((a, i) => `p ${i} ${a.host} ${a.port} &`),
    "wait",
  ].join("\n");
  const child = spawn("docker", ["exec", proxy, "sh", "-c", script], {
    env: engine.env,
    stdio: ["ignore", "pipe", "ignore"],
  });
  let rest = "";
  child.stdout.on("data", (d: Buffer) => {
    const now = Date.now();
    const lines = (rest + d.toString()).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      const m = /^(\d+) ?(.*)$/.exec(line.trim());
      const app = m && apps[Number(m[1])];
      if (!app) continue;
      answers.asked.set(app.identity, (answers.asked.get(app.identity) ?? 0) + 1);
      if (m[2].trim() === app.identity) answers.answered.get(app.identity)!.push(now);
    }
  });
  const ended = new Promise<void>((resolve) => child.on("close", () => resolve()));
  return {
    answers,
    /** Ends the loops inside the container, and this side with them. */
    async stop(): Promise<Answers> {
      await runOk("docker", ["exec", proxy, "touch", STOP_FILE], { env: engine.env }).catch(
        () => undefined,
      );
      await Promise.race([ended, new Promise((r) => setTimeout(r, 5000))]);
      child.kill("SIGKILL");
      return answers;
    },
  };
}

/**
 * The longest time each app went without answering within [from, to]: between two answers, or
 * from the start to the first, or from the last to the end. The whole window when it never did.
 */
export function longestGaps(answers: Answers, from: number, to: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [identity, times] of answers.answered) {
    const inside = times.filter((t) => t >= from && t <= to);
    const points = [from, ...inside, to];
    let gap = 0;
    for (let i = 1; i < points.length; i++) gap = Math.max(gap, points[i] - points[i - 1]);
    out.set(identity, gap / 1000);
  }
  return out;
}
