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
