import type { ServiceModel } from "../../compose/model";
import { parsePort } from "../../compose/ports";
import { normalizeProjectName } from "../../compose/project-name";
import type { Classification } from "../classify";
import { possibleWebPort, ProxyKind, typicalWebPort } from "../evidence";

/** The proxy a file's routed services already speak to, if any. */
export function proxyKindOf(roles: Map<string, Classification>): ProxyKind | undefined {
  for (const c of roles.values()) if (c.routing) return c.routing;
  return undefined;
}

/** `{project}` and `{service}` filled in. */
export function hostFor(template: string, project: string, service: string): string {
  // the project as Compose names it (lower case); a `$` that starts no variable is doubled, as
  // Compose would read it as one (`~^app\..*$`), while `${DOMAIN}` stays a variable
  return template
    .replace(/\{project\}/g, normalizeProjectName(project))
    .replace(/\{service\}/g, service)
    .replace(/\$(?![{A-Za-z_$])/g, "$$$$");
}

/**
 * The container port the proxy should send traffic to: the app's published or exposed web port;
 * 80 when it has no port at all; none when its only ports are of other protocols (the proxy
 * must not route syslog or RTMP as HTTP).
 */
export function routedPort(service: ServiceModel): number | undefined {
  const exposed = Array.isArray(service.data.expose)
    ? service.data.expose.map((p) => parsePort(p, service.variables))
    : [];
  const ports = [...service.ports, ...exposed];
  if (ports.length === 0) return 80;
  return typicalWebPort(ports) ?? possibleWebPort(ports);
}

/** A name Traefik accepts for a router and a service. */
function routerName(project: string, service: string): string {
  return [normalizeProjectName(project), service]
    .filter(Boolean)
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** What each proxy needs to route `host` to a service's `port`. */
export function routingEntries(
  kind: ProxyKind,
  host: string,
  port: number,
  project: string,
  service: string,
  proxyNetwork: string,
): { environment: [string, string][]; labels: [string, string][] } {
  if (kind === "traefik") {
    const name = routerName(project, service);
    return {
      environment: [],
      labels: [
        ["traefik.enable", "true"],
        [`traefik.http.routers.${name}.rule`, `Host(\`${host}\`)`],
        [`traefik.http.services.${name}.loadbalancer.server.port`, String(port)],
        ["traefik.docker.network", proxyNetwork],
      ],
    };
  }
  if (kind === "caddy") {
    return {
      environment: [],
      labels: [
        ["caddy", host],
        ["caddy.reverse_proxy", `{{upstreams ${port}}}`],
      ],
    };
  }
  const environment: [string, string][] = [
    ["VIRTUAL_HOST", host],
    ["LETSENCRYPT_HOST", host],
  ];
  if (port !== 80) environment.push(["VIRTUAL_PORT", String(port)]);
  return { environment, labels: [] };
}
