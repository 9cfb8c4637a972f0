import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { runSync } from "./exec";

const IP_FORWARD = "/proc/sys/net/ipv4/ip_forward";

/** What dockerd changes on the host, read before it starts. */
export interface HostNetworkState {
  ipForward: string;
  /** `-P FORWARD ACCEPT` as `iptables -S FORWARD` prints it. */
  forwardPolicy: string;
  /** `iptables-save` output, empty when no table exists yet. */
  iptables: string;
  /** Network interfaces by name. */
  links: string[];
}

/** Reads the host's forwarding switch, firewall tables and interfaces. */
export function readHostNetworkState(): HostNetworkState {
  return {
    ipForward: readFileSync(IP_FORWARD, "utf8").trim(),
    forwardPolicy: forwardPolicy(),
    iptables: runSync("iptables-save", []) ?? "",
    links: readdirSync("/sys/class/net").sort(),
  };
}

/** The first line of `iptables -S FORWARD`: the chain's policy. */
export function forwardPolicy(): string {
  return (runSync("iptables", ["-S", "FORWARD"]) ?? "").split("\n")[0].trim();
}

/** Whether some dockerd other than the ones given is running (and so owns the DOCKER chains). */
export function otherDockerdRunning(except: number[] = []): boolean {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || except.includes(Number(entry))) continue;
    const stat = readIfThere(`/proc/${entry}/stat`);
    const match = stat && /^\d+ \((.*)\) (\S)/.exec(stat);
    if (match && match[1] === "dockerd" && match[2] !== "Z") return true;
  }
  return false;
}

/**
 * Puts the host back as `before` says: the forwarding switch, the firewall tables dockerd filled
 * and the bridges it left. While another dockerd runs, all of that is its too and stays as it is.
 * Returns what could not be restored.
 */
export function restoreHostNetworkState(before: HostNetworkState, ourPids: number[]): string[] {
  if (otherDockerdRunning(ourPids)) {
    return ["another dockerd is running: ip_forward, iptables and bridges left as they are"];
  }
  const problems: string[] = [];
  try {
    writeFileSync(IP_FORWARD, `${before.ipForward}\n`);
  } catch (err) {
    problems.push(`ip_forward: ${(err as Error).message}`);
  }
  const text = restoreText(before.iptables, runSync("iptables-save", []) ?? "");
  if (text && runSync("iptables-restore", [], text) === undefined) {
    problems.push("iptables-restore failed");
  }
  if (forwardPolicy() !== before.forwardPolicy) {
    const policy = before.forwardPolicy.split(/\s+/)[2] ?? "ACCEPT";
    runSync("iptables", ["-P", "FORWARD", policy]);
    if (forwardPolicy() !== before.forwardPolicy) problems.push("FORWARD policy not restored");
  }
  for (const link of readdirSync("/sys/class/net")) {
    if (!before.links.includes(link) && /^(docker0|br-[0-9a-f]{12})$/.test(link)) {
      if (runSync("ip", ["link", "delete", link]) === undefined) {
        problems.push(`could not delete interface ${link}`);
      }
    }
  }
  return problems;
}

/**
 * `iptables-restore` input that brings every table present `now` back to `before`: a table that
 * did not exist then is emptied, with ACCEPT on its built-in chains.
 */
export function restoreText(before: string, now: string): string {
  const beforeTables = tables(before);
  const out: string[] = [];
  for (const [name, lines] of tables(now)) {
    const earlier = beforeTables.get(name);
    if (earlier) {
      out.push(...earlier);
      continue;
    }
    out.push(`*${name}`);
    for (const line of lines) {
      const chain = /^:(\S+) (\S+)/.exec(line);
      if (chain && chain[2] !== "-") out.push(`:${chain[1]} ACCEPT [0:0]`);
    }
    out.push("COMMIT");
  }
  return out.length ? `${out.join("\n")}\n` : "";
}

function tables(save: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of save.split("\n")) {
    if (line.startsWith("#") || !line.trim()) continue;
    if (line.startsWith("*")) {
      current = [line];
      result.set(line.slice(1).trim(), current);
    } else current?.push(line);
  }
  return result;
}

function readIfThere(file: string): string | undefined {
  try {
    return existsSync(file) ? readFileSync(file, "utf8") : undefined;
  } catch {
    return undefined;
  }
}
