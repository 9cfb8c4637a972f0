import { stringify } from "yaml";
import type { AuditProject, AuditService, NetworkEntry } from "../analysis/audit-model";
import { reachRoleOf } from "../analysis/audit-project";
import { classifyProject, RoleOverrides } from "../analysis/classify";
import { DEFAULT_PLAN_OPTIONS, PlanOptions } from "../analysis/plan/options";
import { planProject } from "../analysis/plan/plan-project";
import { parseComposeFile } from "../compose/compose-file";
import { buildModel, ComposeModel } from "../compose/model";
import type { EngineState, LiveContainer } from "./read-engine";

export const PROJECT_LABEL = "com.docker.compose.project";
export const SERVICE_LABEL = "com.docker.compose.service";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1)$/;

/** The containers of one Compose project on the engine, by service. */
interface LiveProject {
  name: string;
  services: Map<string, LiveContainer[]>;
}

/**
 * The engine's containers grouped as Compose made them, by their `com.docker.compose.project`
 * and `com.docker.compose.service` labels; a container that Compose did not make is a project
 * of its own, named as the container.
 */
export function liveGroups(state: EngineState): LiveProject[] {
  const projects = new Map<string, LiveProject>();
  for (const c of state.containers) {
    const project = c.labels[PROJECT_LABEL] ?? c.name;
    const service = c.labels[SERVICE_LABEL] ?? c.name;
    let p = projects.get(project);
    if (!p) projects.set(project, (p = { name: project, services: new Map() }));
    p.services.set(service, [...(p.services.get(service) ?? []), c]);
  }
  return [...projects.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A value as the compose file that made it would hold it: a `$` is doubled, so that no variable
 * is read into it, and `True`/`False` are `true`/`false` again (Compose 1 writes a YAML boolean,
 * `traefik.enable: true`, as Python's `True`; Traefik reads both alike).
 */
const literal = (text: string) =>
  text === "True" || text === "False" ? text.toLowerCase() : text.replace(/\$/g, "$$$$");

function published(c: LiveContainer): { text: string; loopback: boolean }[] {
  return c.ports.map((p) => {
    const proto = p.protocol === "tcp" ? "" : `/${p.protocol}`;
    const ip = p.hostIp && p.hostIp !== "0.0.0.0" && p.hostIp !== "::" ? `${p.hostIp}:` : "";
    return {
      text: `${ip}${p.hostPort}:${p.containerPort}${proto}`,
      loopback: LOOPBACK.test(p.hostIp),
    };
  });
}

/** The names Docker's DNS answers for a container on a network besides its service's: its aliases, not its id. */
function aliases(c: LiveContainer, service: string, network: string): string[] {
  const attached = c.networks.find((n) => n.network === network);
  return (attached?.aliases ?? []).filter(
    (a) => a !== service && a !== c.name && !c.id.startsWith(a),
  );
}

/**
 * A project's running services as the compose file that would make them says them: image,
 * environment, labels (but Compose's own), networks with their aliases (the project's own
 * networks by their real name, the others external), network mode, published and exposed ports,
 * mounts, command, health check. What classification reads, from what the engine shows.
 */
function composeModelOf(
  project: LiveProject,
  state: EngineState,
  owner: Map<string, string | undefined>,
  serviceOf: Map<string, string>,
): ComposeModel {
  const services: Record<string, Record<string, unknown>> = {};
  const networks: Record<string, Record<string, unknown>> = {};
  for (const [name, containers] of project.services) {
    const c = containers[0];
    const data: Record<string, unknown> = { image: literal(c.image) };
    if (c.env.length) {
      data.environment = c.env.map((e) => {
        const eq = e.indexOf("=");
        return eq === -1 ? literal(e) : `${e.slice(0, eq)}=${literal(e.slice(eq + 1))}`;
      });
    }
    const labels = Object.entries(c.labels).filter(([k]) => !k.startsWith("com.docker.compose."));
    if (labels.length) data.labels = Object.fromEntries(labels.map(([k, v]) => [k, literal(v)]));
    const mode = c.networkMode;
    if (mode === "host" || mode === "none") data.network_mode = mode;
    else if (mode.startsWith("container:")) {
      const target = serviceOf.get(mode.slice(10));
      data.network_mode = target ? `service:${target}` : mode;
    } else {
      const onIt: Record<string, unknown> = {};
      for (const n of new Set(containers.flatMap((k) => k.networks.map((a) => a.network)))) {
        const extra = aliases(c, name, n);
        onIt[n] = extra.length ? { aliases: extra } : null;
        const own = owner.get(n) === project.name;
        const internal = state.networks.find((x) => x.name === n)?.internal === true;
        networks[n] = own
          ? { name: n, ...(internal ? { internal: true } : {}) }
          : { external: true, name: n };
      }
      data.networks = onIt;
    }
    const ports = containers.flatMap(published).map((p) => p.text);
    if (ports.length) data.ports = [...new Set(ports)];
    if (c.exposed.length) data.expose = c.exposed.map((e) => e.replace(/\/tcp$/, ""));
    if (c.mounts.length) data.volumes = c.mounts.map((target) => ({ type: "volume", target }));
    if (c.command.length) data.command = c.command.map(literal);
    if (c.entrypoint.length) data.entrypoint = c.entrypoint.map(literal);
    if (c.healthcheck.length) data.healthcheck = { test: c.healthcheck.map(literal) };
    services[name] = data;
  }
  const text = stringify({ services, networks }, { lineWidth: 0 });
  const parsed = parseComposeFile(text, `engine:${project.name}`);
  if (parsed.kind !== "ok") {
    throw new Error(`the running project ${project.name} reads as no compose file`);
  }
  return buildModel(parsed.file);
}

/**
 * The running projects of an engine as the audit sees them, so that the same findings come
 * from what runs as from the files: each service's role from the same decision table (read from
 * its image, labels, environment, ports and mounts), the real networks its containers are on
 * with their aliases, what they publish beyond the host, and the proxy network as the plan
 * would take it.
 */
export function liveProjects(
  state: EngineState,
  options: Partial<PlanOptions> & { overrides?: RoleOverrides } = {},
): AuditProject[] {
  const owner = new Map(state.networks.map((n) => [n.name, n.labels[PROJECT_LABEL]]));
  const internalOnly = new Set(state.networks.filter((n) => n.internal).map((n) => n.name));
  const serviceOf = new Map<string, string>();
  for (const c of state.containers) {
    const service = c.labels[SERVICE_LABEL] ?? c.name;
    serviceOf.set(c.id, service);
    serviceOf.set(c.name, service);
  }
  return liveGroups(state).map((project) => {
    const model = composeModelOf(project, state, owner, serviceOf);
    const { roles } = classifyProject(model, project.name, options.overrides);
    const plan = planProject(
      { model, roles, project: project.name },
      { ...DEFAULT_PLAN_OPTIONS, ...options },
    );
    const byName = new Map(model.services.map((s) => [s.name, s]));
    const services = [...project.services].map(([name, containers]): AuditService => {
      const c = containers[0];
      const mode = c.networkMode;
      const target = mode.startsWith("container:") ? serviceOf.get(mode.slice(10)) : undefined;
      const from = target ? (project.services.get(target) ?? []) : containers;
      const entries = new Map<string, NetworkEntry>();
      for (const k of from) {
        for (const a of k.networks) {
          if (entries.has(a.network)) continue;
          entries.set(a.network, {
            network: a.network,
            key: a.network,
            external: owner.get(a.network) !== project.name,
            ...(internalOnly.has(a.network) ? { internalOnly: true as const } : {}),
            aliases: target ? [] : aliases(k, name, a.network),
            ...(target ? { through: target } : {}),
          });
        }
      }
      // bound on 0.0.0.0 and on :: alike, a port is listed twice
      const seen = new Set<string>();
      const ports = containers
        .flatMap(published)
        .filter((p) => !seen.has(p.text) && seen.add(p.text));
      const service: AuditService = {
        name,
        role: reachRoleOf(roles, byName.get(name)!),
        networks: [...entries.values()],
        hostNetworkMode: mode === "host",
        published: ports.flatMap((p, index) => (p.loopback ? [] : [{ text: p.text, index }])),
        containers: containers.map((k) => k.name),
      };
      if (containers.length === 1 && c.name !== name) service.containerName = c.name;
      return service;
    });
    return {
      name: project.name,
      dir: "",
      files: [],
      services,
      proxyNetwork: plan.proxy.realName,
    };
  });
}
