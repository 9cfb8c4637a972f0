import type { ApplyEngine } from "./engine";

/** A TCP connection tried from inside a container: to a name or an address, at a port. */
export interface Probe {
  host: string;
  port: number;
}

/** Whether it connected; `no-tool`: the container has nothing to try it with; `no-exec`: no shell. */
export type ProbeOutcome = "open" | "closed" | "no-tool" | "no-exec";

// what may stand unquoted in the script: names and addresses the engine gave
const SAFE = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/**
 * The shell script that tries each connection with what the container has (nc, curl, bash's
 * /dev/tcp, wget), three seconds each, all at once, printing `<index> open|closed|no-tool`.
 * Nothing is installed or pulled: a container without any of them says so.
 */
export function probeScript(probes: Probe[]): string {
  const lines = [
    "t() {",
    '  if command -v nc >/dev/null 2>&1; then if nc -w 3 "$2" "$3" </dev/null >/dev/null 2>&1; then echo "$1 open"; else echo "$1 closed"; fi',
    '  elif command -v curl >/dev/null 2>&1; then curl -s -o /dev/null -m 3 "http://$2:$3/"; case $? in 6|7|28) echo "$1 closed";; *) echo "$1 open";; esac',
    '  elif command -v bash >/dev/null 2>&1; then if timeout 3 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; then echo "$1 open"; else echo "$1 closed"; fi',
    '  elif command -v wget >/dev/null 2>&1; then o=$(wget -q -T 3 -O /dev/null "http://$2:$3/" 2>&1); if [ $? = 0 ]; then echo "$1 open"; else case "$o" in *refused*|*timed*|*"No route"*|*"bad address"*|*resolve*|*"Network is unreachable"*) echo "$1 closed";; *) echo "$1 open";; esac; fi',
    '  else echo "$1 no-tool"; fi',
    "}",
    ...probes.map((p, i) =>
      SAFE.test(p.host) ? `t ${i} ${p.host} ${p.port} &` : `echo "${i} closed"`,
    ),
    "wait",
  ];
  return lines.join("\n");
}

/** Reads the script's output back, probe by probe (a probe with no line did not connect). */
export function readProbes(count: number, output: string): ProbeOutcome[] {
  const out: ProbeOutcome[] = new Array(count).fill("closed");
  for (const line of output.split("\n")) {
    const m = /^(\d+) (open|closed|no-tool)$/.exec(line.trim());
    if (m && Number(m[1]) < count) out[Number(m[1])] = m[2] as ProbeOutcome;
  }
  return out;
}

/** Tries the connections from inside a running container. */
export async function probeFrom(
  engine: ApplyEngine,
  container: string,
  probes: Probe[],
): Promise<ProbeOutcome[]> {
  if (!probes.length) return [];
  const ran = await engine.exec(container, probeScript(probes), 15_000);
  // no shell: the exec itself failed (126, 127) and said nothing the script says
  if (!ran || (ran.exitCode >= 126 && !/^\d+ (open|closed|no-tool)$/m.test(ran.output))) {
    return probes.map(() => "no-exec");
  }
  return readProbes(probes.length, ran.output);
}
