import { interpolate, NO_VARIABLES, Variables } from "./values";

/** One published port of a service, short or long syntax, as composemod reads it. */
export interface PortSpec {
  /** The text of the entry as written (short syntax) or a JSON rendering (long syntax). */
  text: string;
  hostIp: string | undefined;
  containerPort: number | undefined;
  protocol: string;
  /** Bound to loopback only: not reachable from other hosts. */
  loopback: boolean;
  /** Variables whose default decided how it reads: the environment may change that. */
  variables: string[];
}

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/i;

/** Splits `a:b:c` on colons that are not inside `${...}` or `[...]`. */
function splitColons(spec: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let bracket = false;
  let current = "";
  for (let i = 0; i < spec.length; i++) {
    const ch = spec[i];
    if (ch === "$" && spec[i + 1] === "{") depth++;
    else if (ch === "}" && depth > 0) depth--;
    else if (ch === "[") bracket = true;
    else if (ch === "]") bracket = false;
    if (ch === ":" && depth === 0 && !bracket) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function firstPort(range: string): number | undefined {
  const match = /^\s*(\d+)/.exec(range);
  return match ? Number(match[1]) : undefined;
}

/** A port entry as written, `${VAR:-default}` read with the project's variables. */
export function parsePort(entry: unknown, variables: Variables = NO_VARIABLES): PortSpec {
  if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
    const long = entry as Record<string, unknown>;
    const ip = long.host_ip == null ? undefined : interpolate(String(long.host_ip), variables);
    const hostIp = ip?.text;
    return {
      text: JSON.stringify(long),
      hostIp,
      containerPort: firstPort(interpolate(String(long.target ?? ""), variables).text),
      protocol: String(long.protocol ?? "tcp").toLowerCase(),
      loopback: hostIp !== undefined && LOOPBACK_HOST.test(hostIp),
      variables: ip ? [...ip.defaulted, ...ip.unknown] : [],
    };
  }
  const text = String(entry);
  const read = interpolate(text, variables);
  const [spec, protocol = "tcp"] = read.text.split("/");
  const parts = splitColons(spec);
  const container = parts[parts.length - 1];
  const hostIp = parts.length >= 3 ? parts.slice(0, parts.length - 2).join(":") : undefined;
  return {
    text,
    hostIp,
    containerPort: firstPort(container),
    protocol: protocol.toLowerCase(),
    loopback: hostIp !== undefined && LOOPBACK_HOST.test(hostIp.trim()),
    variables: [...read.defaulted, ...read.unknown],
  };
}

/** Container ports a reverse proxy typically routes HTTP to. */
export const HTTP_PORTS = new Set([
  80, 443, 2368, 3000, 3001, 4000, 5000, 5001, 5678, 8000, 8008, 8080, 8081, 8082, 8083, 8088, 8090,
  8096, 8443, 8888, 9000, 9001, 9080, 9443,
]);

/** Well-known ports of protocols a HTTP reverse proxy does not carry (ssh, mail, dns, mqtt, ...). */
export const NON_HTTP_PORTS = new Set([
  21, 22, 25, 53, 110, 143, 465, 587, 993, 995, 1883, 2222, 3478, 5222, 5269, 5349, 8883, 51820,
]);

/**
 * The container port among `ports` that looks like a web port: a typical HTTP port, else any TCP
 * port that is not a well-known port of another protocol (ssh, mail, dns, ...).
 */
export function webPort(ports: PortSpec[]): number | undefined {
  const tcp = ports.filter((p) => p.protocol === "tcp" && p.containerPort !== undefined);
  return (
    tcp.find((p) => HTTP_PORTS.has(p.containerPort!)) ??
    tcp.find((p) => !NON_HTTP_PORTS.has(p.containerPort!))
  )?.containerPort;
}
