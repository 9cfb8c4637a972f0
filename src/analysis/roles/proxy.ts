import type { ComposeModel, ServiceModel } from "../../compose/model";
import { acmeCompanionOf, isWebServer, proxyByName, proxyEvidence, tlsEdge } from "../evidence";
import type { RolePolicy } from "../plan/context";
import type { RoleRule } from "./types";

/**
 * The docker-gen or acme-companion that configures this nginx: it names it with `-notify-sighup`,
 * `NGINX_PROXY_CONTAINER`, `links` or `volumes_from`.
 */
function configuringCompanion(service: ServiceModel, model: ComposeModel): string | undefined {
  if (!isWebServer(service)) return undefined;
  const names = new Set([service.name]);
  if (typeof service.data.container_name === "string") names.add(service.data.container_name);
  for (const other of model.services) {
    if (other === service || !proxyEvidence(other)) continue;
    const words = [other.data.command]
      .flat()
      .map((w) => String(w ?? ""))
      .join(" ");
    const sighup = /-notify-sighup\s+(\S+)/.exec(words)?.[1];
    const env = other.environment.get("NGINX_PROXY_CONTAINER");
    const label = other.environment.get("NGINX_CONTAINER_LABEL");
    if (label && service.labels.has(label.split("=")[0])) return other.name;
    const listed = [other.data.links, other.data.volumes_from]
      .flatMap((v) => (Array.isArray(v) ? v : []))
      .map((v) =>
        String(v)
          .split(":")[0]
          .replace(/^container:/, ""),
      );
    if ([sighup, env, ...listed].some((n) => n !== undefined && n !== null && names.has(n))) {
      return other.name;
    }
  }
  return undefined;
}

/**
 * The rows that give the `proxy` role: the host's reverse proxy and its companions, which
 * discover other projects' containers, and a stack's own TLS edge, which a host proxy would
 * replace rather than route to.
 */
export const PROXY_ROWS: readonly RoleRule[] = [
  {
    code: "proxy",
    role: "proxy",
    summary:
      "the host's reverse proxy or a companion by image: nginx-proxy, docker-gen, acme-companion, Traefik, caddy-docker-proxy, Nginx Proxy Manager, SWAG; or an nginx-proxy built here (its companion label, or /tmp/docker.sock with 80/443 published)",
    match(service) {
      const why = proxyEvidence(service);
      return why ? { role: "proxy", reason: why } : undefined;
    },
  },
  {
    code: "proxy-companion",
    role: "proxy",
    summary: "the nginx that a docker-gen or acme-companion of the stack configures",
    match(service, project) {
      const companion = configuringCompanion(service, project.model);
      if (!companion) return undefined;
      return {
        role: "proxy",
        reason: `the nginx that \`${companion}\` configures (it discovers other projects' containers)`,
      };
    },
  },
  {
    code: "proxy-name",
    role: "proxy",
    summary:
      "named like the host's proxy, with no image or build of its own (it comes from another file)",
    match(service) {
      if (!proxyByName(service)) return undefined;
      return {
        role: "proxy",
        reason: "named like a reverse proxy, with no image or build to tell otherwise",
      };
    },
  },
  {
    code: "tls-edge",
    role: "proxy",
    summary:
      "the stack's own TLS edge: publishes 443 and serves TLS itself (a certificate, key or certificate directory, or an ACME client sharing its volumes); a host proxy would replace it",
    match(service, project) {
      const why = tlsEdge(service, project.model);
      if (!why) return undefined;
      return {
        role: "proxy",
        reason: `the stack's own TLS edge: ${why}; a host proxy would replace it, not route to it`,
      };
    },
  },
  {
    code: "acme-companion",
    role: "proxy",
    summary:
      "an ACME client (certbot, acme.sh, lego) that shares its volumes with the stack's TLS edge or proxy",
    match(service, project) {
      const edge = acmeCompanionOf(service, project.model);
      if (!edge) return undefined;
      return {
        role: "proxy",
        reason: `obtains the certificates of \`${edge}\`, the stack's TLS edge: part of that edge`,
      };
    },
  },
];

/**
 * The proxy stays as it is: other projects' apps join its networks. In its own stack, it and
 * the stack's other services keep every network they are on, and join the internal network
 * where a database of the stack leaves a shared one (the proxy's stack is planned as a whole).
 */
export const PROXY: RolePolicy = {
  role: "proxy",
  moves: false,
  holdsData: false,
  looksUp: true,
  entry: false,
  edge: true,
  moved: { rank: 2, text: "apps put on the proxy network" },
  done: [],
};
