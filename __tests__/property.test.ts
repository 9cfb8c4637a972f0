import { parse } from "yaml";
import { hostIndex, projectFacts } from "../src/analysis/host-index";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import { loadProject } from "../src/compose/load-project";
import { rewriteProject } from "../src/rewrite/rewrite-project";
import { checkInvariants } from "./helpers/invariants";

/**
 * Generated hosts: a few projects of random services (apps routed or not, databases, workers,
 * a proxy of the project's own, services the user ignores, a host-network service, services
 * that merge an anchor), on random networks (the shared proxy network, a second shared network,
 * the project's own ones), with random references to services of their own project and of
 * others. Every plan that is written must keep the gates: the rewritten file is checked from its
 * text alone, not with composemod's model.
 */

const SEED = Number(process.env.COMPOSEMOD_PROPERTY_SEED ?? 1515);
const HOSTS = Number(process.env.COMPOSEMOD_PROPERTY_HOSTS ?? 300);

/** A small deterministic generator (mulberry32). */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}
type Random = ReturnType<typeof generator>;

const KINDS = ["app", "app", "db", "db", "worker", "proxy", "ignored", "host", "admin"] as const;
type Kind = (typeof KINDS)[number];

interface Service {
  name: string;
  kind: Kind;
  networks: string[] | null;
  env: Record<string, string>;
  ports: string[];
  anchored: boolean;
  container?: string;
}

interface Project {
  name: string;
  services: Service[];
  /** Top-level networks: key -> YAML text of its config. */
  networks: Map<string, string>;
  text: string;
}

function makeProject(r: Random, name: string, others: readonly Project[]): Project {
  const networks = new Map<string, string>();
  const keys: string[] = ["default"];
  const proxyForm = r.pick(["default", "key", "none"] as const);
  if (proxyForm === "default") networks.set("default", "    external: true\n    name: proxy");
  if (proxyForm === "key") {
    networks.set("proxy", "    external: true");
    keys.push("proxy");
  }
  if (r.chance(0.3)) {
    networks.set("backend", "    external: true");
    keys.push("backend");
  }
  if (r.chance(0.4)) {
    networks.set("front", "    {}");
    keys.push("front");
  }
  const count = r.int(2, 6);
  const services: Service[] = [];
  for (let i = 0; i < count; i++) {
    const kind = r.pick(KINDS);
    const svcName = `${kind}${i}`;
    const onNetworks = kind === "host" ? null : r.chance(0.4) ? null : pickSome(r, keys);
    services.push({
      name: svcName,
      kind,
      networks: kind === "host" ? null : onNetworks,
      env: {},
      ports:
        kind === "app" && r.chance(0.5)
          ? ["8080:80"]
          : kind === "db" && r.chance(0.3)
            ? ["5432:5432"]
            : [],
      anchored: kind === "worker" && r.chance(0.5),
      container: kind === "db" && r.chance(0.5) ? `${name}-${svcName}` : undefined,
    });
  }
  // references: to a database of the project, and now and then to one of another project
  for (const s of services) {
    if (s.kind === "db" || s.kind === "proxy" || s.kind === "host") continue;
    const own = services.filter((t) => t.kind === "db");
    if (own.length && r.chance(0.7)) s.env.DB_HOST = r.pick(own).name;
    const foreign = others.flatMap((p) => p.services.filter((t) => t.container));
    if (foreign.length && r.chance(0.2)) s.env.BACKUP_HOST = r.pick(foreign).container!;
  }
  const project: Project = { name, services, networks, text: "" };
  project.text = render(project);
  return project;
}

function pickSome(r: Random, keys: string[]): string[] {
  const out = keys.filter(() => r.chance(0.5));
  return out.length ? out : [r.pick(keys)];
}

function render(p: Project): string {
  const lines: string[] = [];
  const anchored = p.services.some((s) => s.anchored);
  if (anchored) {
    lines.push("x-worker: &worker", "  image: x/worker", "  restart: unless-stopped", "");
  }
  lines.push("services:");
  for (const s of p.services) {
    lines.push(`  ${s.name}:`);
    if (s.anchored) lines.push("    <<: *worker");
    else lines.push(`    image: ${imageOf(s.kind)}`);
    if (s.kind === "proxy")
      lines.push("    volumes: [/var/run/docker.sock:/var/run/docker.sock:ro]");
    if (s.kind === "ignored") lines.push("    x-composemod: {role: ignore}");
    if (s.kind === "host") lines.push("    network_mode: host");
    if (s.container) lines.push(`    container_name: ${s.container}`);
    const env = { ...s.env };
    if (s.kind === "app" && s.name.endsWith("0")) env.VIRTUAL_HOST = `${p.name}.example.org`;
    if (Object.keys(env).length) {
      lines.push("    environment:");
      for (const [k, v] of Object.entries(env)) lines.push(`      ${k}: ${v}`);
    }
    if (s.ports.length) lines.push("    ports:", ...s.ports.map((x) => `      - "${x}"`));
    if (s.networks) lines.push("    networks:", ...s.networks.map((n) => `      - ${n}`));
  }
  if (p.networks.size) {
    lines.push("networks:");
    for (const [key, cfg] of p.networks) {
      lines.push(cfg.trim() === "{}" ? `  ${key}: {}` : `  ${key}:\n${cfg}`);
    }
  }
  return lines.join("\n") + "\n";
}

function imageOf(kind: Kind): string {
  switch (kind) {
    case "app":
      return "x/web-app";
    case "db":
      return "postgres:16";
    case "proxy":
      return "traefik:v3";
    case "admin":
      return "adminer";
    case "host":
      return "x/host-agent";
    default:
      return "x/worker";
  }
}

function loaded(p: Project) {
  const absolute = `/host/${p.name}/compose.yaml`;
  const load = loadProject({
    dir: `/host/${p.name}`,
    files: [{ path: `${p.name}/compose.yaml`, absolute, text: p.text }],
    readText: () => ({ code: "ENOENT" }),
    show: (x) => x.replace("/host/", ""),
  });
  if (load.kind !== "ok") throw new Error(`generated project does not load:\n${p.text}`);
  return load.project;
}

function membership(service: Record<string, unknown> | null): string[] | null {
  if (service?.network_mode != null) return null;
  const n = service?.networks;
  if (n == null) return ["default"];
  return Array.isArray(n) ? n.map(String) : Object.keys(n as object);
}

function realName(networks: Record<string, any>, key: string, project: string): string {
  const cfg = networks[key];
  if (cfg && typeof cfg === "object" && cfg.external) return String(cfg.name ?? key);
  return `${project}_${key}`;
}

test("generated hosts: every written plan keeps the gates", () => {
  const r = generator(SEED);
  let written = 0;
  let gated = 0;
  const problems: string[] = [];
  for (let h = 0; h < HOSTS; h++) {
    const projects: Project[] = [];
    const count = r.int(1, 3);
    for (let i = 0; i < count; i++) projects.push(makeProject(r, `p${h}x${i}`, projects));
    const loadedProjects = projects.map(loaded);
    const host = hostIndex(loadedProjects.map((l) => projectFacts(l.name, l.merged)));
    projects.forEach((p, i) => {
      const result = rewriteProject(
        { kind: "ok", project: loadedProjects[i] },
        { ...DEFAULT_PLAN_OPTIONS, host },
      );
      const file = result.files[0];
      if (file.reasonCode.startsWith("would-")) gated++;
      if (file.status !== "changed") {
        if (file.output !== p.text) problems.push(`${p.name}: ${file.status} but the text changed`);
        return;
      }
      written++;
      const roles = Object.fromEntries(Object.entries(file.services).map(([n, s]) => [n, s.role]));
      // services the rewrite keeps where they are, and says so: another project reaches them
      // there, or nothing tells that network is the proxy's
      const kept = file.warnings
        .filter((w) => /cross-project-connection|shared-network-kept/.test(w.code))
        .map((w) => w.service);
      const before = parse(p.text, { merge: true }) as Record<string, any>;
      // an app on the proxy network before: only then must the apps be on it after
      const proxyName = result.plan!.proxy.realName;
      const wasBehind =
        !Object.values(roles).includes("proxy") &&
        Object.entries(before.services).some(
          ([name, svc]: [string, any]) =>
            roles[name] === "app" &&
            (membership(svc) ?? []).some(
              (k) =>
                before.networks?.[k]?.external &&
                realName(before.networks, k, p.name) === proxyName,
            ),
        );
      const found = checkInvariants({
        before: p.text,
        after: file.output,
        roles,
        proxy: result.plan!.proxy.realName,
        keptOnProxy: kept.filter((n): n is string => n !== undefined),
      }).filter(
        (x) =>
          // the proxy's own stack moves its databases only
          !(/^backend .* on the proxy network/.test(x) && Object.values(roles).includes("proxy")) &&
          !(/^app .* not on the proxy network/.test(x) && !wasBehind) &&
          !kept.some((n) => x === `database ${n} on an external network`),
      );
      // a name another project reaches over a shared network is still answered there
      const after = parse(file.output, { merge: true }) as Record<string, any>;
      for (const other of projects) {
        if (other === p) continue;
        for (const s of other.services) {
          for (const target of Object.values(s.env)) {
            const svc = p.services.find((t) => t.container === target);
            if (!svc) continue;
            const nets = (m: Record<string, any>, name: string) =>
              (membership(m.services[name]) ?? []).map((k) =>
                realName(m.networks ?? {}, k, p.name),
              );
            const theirs = new Set(
              (membership((parse(other.text, { merge: true }) as any).services[s.name]) ?? []).map(
                (k) => realName((parse(other.text) as any).networks ?? {}, k, other.name),
              ),
            );
            const met = nets(before, svc.name).filter(
              (n) => theirs.has(n) && !n.startsWith(`${p.name}_`),
            );
            const still = nets(after, svc.name);
            for (const n of met) {
              if (!still.includes(n))
                found.push(`${svc.name} left ${n}, where ${other.name}/${s.name} reaches it`);
            }
          }
        }
      }
      // a second run changes nothing
      const again = rewriteProject(
        { kind: "ok", project: loaded({ ...p, text: file.output }) },
        { ...DEFAULT_PLAN_OPTIONS, host },
      );
      if (again.files[0].status === "changed") found.push("a second run changes it again");
      for (const f of found)
        problems.push(`${p.name}: ${f}\n${p.text}\n--- after ---\n${file.output}`);
    });
  }
  if (process.env.PROPERTY_SUMMARY) console.log(problems.map((p) => p.split("\n")[0]).join("\n"));
  if (process.env.PROPERTY_SHOW)
    console.log(
      problems
        .filter((p) => p.includes(process.env.PROPERTY_SHOW!))
        .slice(0, 2)
        .join("\n=====\n"),
    );
  expect(problems.slice(0, 3)).toEqual([]);
  // the generator reaches both outcomes: plans written, and plans the gates stopped
  expect(written).toBeGreaterThan(HOSTS / 4);
  expect(gated).toBeGreaterThan(0);
});
