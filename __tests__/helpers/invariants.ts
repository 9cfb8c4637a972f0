import { diffArrays } from "diff";
import { isMap, isScalar, parse, parseDocument } from "yaml";

/**
 * The invariants of a rewrite, checked from the two texts alone with plain parsing, not with
 * composemod's model: a second opinion on what the engine did.
 */
export interface InvariantInput {
  before: string;
  after: string;
  /** Service name -> role, as the report gives it. */
  roles: Record<string, string>;
  /** Real name of the proxy network. */
  proxy: string;
  /** The run was asked to put the project behind a proxy (--virtual-host, --proxy-network). */
  putBehind?: boolean;
  /** Backends the rewrite keeps on the proxy network because they reach another project there. */
  keptOnProxy?: string[];
}

type Dict = Record<string, unknown>;

const LOOPBACK = /^\s*(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?):/;

function networksOf(service: Dict | null): string[] | null {
  if (!service) return ["default"];
  if (service.network_mode != null) return null;
  const n = service.networks;
  if (n == null) return ["default"];
  if (Array.isArray(n)) return n.map(String);
  return Object.keys(n as Dict);
}

function realName(networks: Dict, key: string): { external: boolean; name: string } {
  const cfg = networks[key] as Dict | null | undefined;
  if (!cfg || typeof cfg !== "object") return { external: false, name: `project:${key}` };
  const ext = cfg.external;
  if (ext && typeof ext === "object") {
    return { external: true, name: String((ext as Dict).name ?? cfg.name ?? key) };
  }
  if (ext === true) return { external: true, name: String(cfg.name ?? key) };
  return { external: false, name: `project:${key}` };
}

function publicPorts(ports: unknown): unknown[] {
  if (!Array.isArray(ports)) return [];
  return ports.filter((p) => {
    if (p && typeof p === "object") {
      const ip = String((p as Dict).host_ip ?? "");
      return !/^(127\.|::1|localhost)/.test(ip);
    }
    // `${VAR:-default}` read as its default, as Compose does without the variable
    return !LOOPBACK.test(String(p).replace(/\$\{\w+:?-([^}]*)\}/g, "$1"));
  });
}

function strip(data: Dict): string {
  const services: Dict = {};
  for (const [name, svc] of Object.entries((data.services ?? {}) as Dict)) {
    const copy = { ...((svc ?? {}) as Dict) };
    for (const key of ["networks", "ports", "labels", "environment"]) delete copy[key];
    services[name] = copy;
  }
  const { networks: _n, ...rest } = data;
  return JSON.stringify({ ...rest, services });
}

function entries(value: unknown): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (Array.isArray(value)) {
    for (const item of value) {
      const [k, ...v] = String(item).split("=");
      out.set(k, v.length ? v.join("=") : null);
    }
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Dict)) out.set(k, v == null ? null : String(v));
  }
  return out;
}

/** What a rewrite may add to labels or environment: the proxy's routing, nothing else. */
const ADDABLE =
  /^(traefik\.enable|traefik\.docker\.network|traefik\.http\.(routers|services)\..+|caddy(\..+)?|VIRTUAL_HOST|VIRTUAL_PORT|LETSENCRYPT_HOST|LETSENCRYPT_EMAIL)$/;

/** Returns the broken invariants, in words; empty when the rewrite holds them all. */
export function checkInvariants({
  before,
  after,
  roles,
  proxy,
  putBehind = false,
  keptOnProxy = [],
}: InvariantInput): string[] {
  const problems: string[] = [];
  // test inputs are trusted: no alias limit (a Sentry-like file exceeds yaml's own count)
  const b = parse(before, { merge: true, maxAliasCount: -1 }) as Dict;
  const a = parse(after, { merge: true, maxAliasCount: -1 }) as Dict;
  const bn = (b.networks ?? {}) as Dict;
  const an = (a.networks ?? {}) as Dict;
  const bs = (b.services ?? {}) as Dict;
  const as = (a.services ?? {}) as Dict;
  if (strip(b) !== strip(a)) problems.push("something other than networks/ports changed");
  // behind a shared proxy: some service is on an external network
  const external = (nets: Dict) => Object.keys(nets).filter((k) => realName(nets, k).external);
  const behind = external(bn).length > 0;
  if (!behind && !putBehind && external(an).length > 0) {
    problems.push(`gained an external network (${external(an).join(", ")}) though it had none`);
  }
  for (const [key, value] of Object.entries(bn)) {
    const same = JSON.stringify(an[key]) === JSON.stringify(value);
    // --modernize: `external: {name: x}` may become `external: true` + `name: x`
    const was = realName(bn, key);
    const now = realName(an, key);
    const modernized = was.external && now.external && was.name === now.name;
    if (!same && !modernized) problems.push(`top-level network ${key} changed`);
  }
  for (const [name, role] of Object.entries(roles)) {
    const svc = as[name] as Dict | null;
    const nets = networksOf(svc);
    if (nets === null) continue;
    const real = nets.map((k) => realName(an, k));
    if (role === "database") {
      if (real.some((r) => r.external)) problems.push(`database ${name} on an external network`);
      if (publicPorts(svc?.ports).length)
        problems.push(`database ${name} publishes on all interfaces`);
    }
    if (
      role === "backend" &&
      !keptOnProxy.includes(name) &&
      real.some((r) => r.external && r.name === proxy)
    ) {
      problems.push(`backend ${name} on the proxy network`);
    }
    if ((behind || putBehind) && role === "app" && !real.some((r) => r.external)) {
      problems.push(`app ${name} not on the proxy network ${proxy}`);
    }
    const old = (bs[name] ?? {}) as Dict;
    for (const block of ["labels", "environment"]) {
      const was = entries(old[block]);
      const now = entries(svc?.[block]);
      for (const [k, v] of was)
        if (now.get(k) !== v) problems.push(`${name}: ${block} ${k} altered`);
      for (const k of now.keys()) {
        if (!was.has(k) && !ADDABLE.test(k)) problems.push(`${name}: ${block} ${k} added`);
      }
    }
    const portsBefore = (Array.isArray(old.ports) ? old.ports : []).map((p) => JSON.stringify(p));
    for (const p of Array.isArray(svc?.ports) ? svc!.ports : []) {
      // a database's port may be bound to loopback: 5432:5432 -> 127.0.0.1:5432:5432
      const rebound =
        role === "database" &&
        typeof p === "string" &&
        p.startsWith("127.0.0.1:") &&
        portsBefore.includes(JSON.stringify(p.slice("127.0.0.1:".length)));
      if (!portsBefore.includes(JSON.stringify(p)) && !rebound)
        problems.push(`${name}: port ${JSON.stringify(p)} added`);
    }
  }
  // services that shared a network still share one
  const names = Object.keys(bs).filter(
    (n) => networksOf(bs[n] as Dict) && networksOf(as[n] as Dict),
  );
  const ids = (data: Dict, nets: Dict, n: string) =>
    new Set(networksOf(data[n] as Dict)!.map((k) => realName(nets, k).name));
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const [s, t] = [names[i], names[j]];
      const shared = [...ids(bs, bn, s)].some((x) => ids(bs, bn, t).has(x));
      const still = [...ids(as, an, s)].some((x) => ids(as, an, t).has(x));
      if (shared && !still) problems.push(`${s} and ${t} no longer share a network`);
    }
  }
  // every comment survives
  for (const line of before.split(/\r?\n/)) {
    const hash = line.search(/(^|\s)#/);
    if (hash !== -1 && !after.includes(line.slice(hash).trim())) {
      problems.push(`comment lost: ${line.slice(hash).trim()}`);
    }
  }
  if (before.startsWith("\ufeff") !== after.startsWith("\ufeff")) problems.push("BOM changed");
  const allCrlf = (t: string) => t.includes("\r\n") && !/(^|[^\r])\n/.test(t);
  if (allCrlf(before) && !allCrlf(after)) problems.push("CRLF not kept");
  if (before.endsWith("\n") !== after.endsWith("\n")) problems.push("final newline habit changed");
  return problems;
}

/**
 * Lines that the rewrite removed or replaced outside the blocks it may edit (top-level
 * `networks`, and each service's `networks`, `ports`, `labels`, `environment`). Commenting a
 * line out counts as replacing it, so it must sit inside such a block too.
 */
export function linesChangedOutsideBlocks(before: string, after: string): string[] {
  const allowed = new Set<number>();
  const doc = parseDocument(before);
  const lineOf = (offset: number) => before.slice(0, offset).split("\n").length - 1;
  const mark = (pair: { key: any; value: any }) => {
    const start = lineOf(pair.key.range[0]);
    const end = pair.value?.range
      ? lineOf(Math.max(pair.value.range[1] - 1, pair.key.range[0]))
      : start;
    for (let l = start; l <= end; l++) allowed.add(l);
  };
  const root = doc.contents;
  if (isMap(root)) {
    for (const pair of root.items) {
      if (isScalar(pair.key) && pair.key.value === "networks") mark(pair);
      if (isScalar(pair.key) && pair.key.value === "services" && isMap(pair.value)) {
        for (const svc of pair.value.items) {
          if (!isMap(svc.value)) continue;
          for (const p of svc.value.items) {
            if (
              isScalar(p.key) &&
              ["networks", "ports", "labels", "environment"].includes(String(p.key.value))
            )
              mark(p);
          }
        }
      }
    }
  }
  const out: string[] = [];
  const beforeLines = before.split("\n");
  let offset = 0;
  for (const part of diffArrays(beforeLines, after.split("\n"))) {
    if (part.removed) {
      part.value.forEach((line, i) => {
        if (line.trim() !== "" && !allowed.has(offset + i)) out.push(`${offset + i + 1}: ${line}`);
      });
    }
    if (!part.added) offset += part.value.length;
  }
  return out;
}

/** The invariants of one `rewriteText` result against its input. */
export function invariantsOfResult(
  input: string,
  result: {
    output: string;
    services: Record<string, { role: string }>;
    plan?: { proxy: { realName: string } };
    warnings?: { code: string; service?: string }[];
  },
  putBehind = false,
): string[] {
  const roles = Object.fromEntries(Object.entries(result.services).map(([n, s]) => [n, s.role]));
  const keptOnProxy = (result.warnings ?? [])
    .filter((w) => w.code === "cross-project-connection" && w.service !== undefined)
    .map((w) => w.service!);
  return checkInvariants({
    before: input,
    after: result.output,
    roles,
    proxy: result.plan!.proxy.realName,
    putBehind,
    keptOnProxy,
  });
}
