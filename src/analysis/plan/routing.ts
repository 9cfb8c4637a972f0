import { entriesEditable } from "../../compose/editability";
import type { ServiceModel } from "../../compose/model";
import { parsePort } from "../../compose/ports";
import { normalizeProjectName } from "../../compose/project-name";
import type { Classification } from "../roles/types";
import { possibleWebPort, ProxyKind, typicalWebPort } from "../evidence";
import type { Networks, PlanContext, Routes, RoutingEntries } from "./context";
import { DEFAULT_PROXY_KIND } from "./options";
import type { ServicePlan } from "./types";

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
): RoutingEntries {
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

/**
 * With --virtual-host: the routing that puts each app nothing routes to yet behind the proxy,
 * where its ports look like HTTP and its environment or labels are its own to edit.
 */
export function planVirtualHosts(
  ctx: PlanContext,
  apps: ServicePlan[],
  roles: Map<string, Classification>,
): Routes {
  const { options, model, project, plan } = ctx;
  const routes: Routes = new Map();
  if (!options.virtualHost) return routes;
  const kind = options.proxyKind ?? proxyKindOf(roles) ?? DEFAULT_PROXY_KIND;
  for (const s of apps) {
    if (s.routing) continue;
    const svc = ctx.serviceOf(s.name);
    const port = routedPort(svc);
    if (port === undefined) {
      ctx.warn("edit-by-hand", "no routing added: none of its ports looks like HTTP", s.name);
      continue;
    }
    const host = hostFor(options.virtualHost, project, s.name);
    const entries = routingEntries(kind, host, port, project, s.name, plan.proxy.realName);
    const blocked = (["environment", "labels"] as const).find(
      (b) =>
        (b === "labels" ? entries.labels : entries.environment).length &&
        !entriesEditable(model, svc, b),
    );
    if (blocked) {
      ctx.warn(
        "edit-by-hand",
        `add the ${kind} routing by hand (its ${blocked} come from elsewhere)`,
        s.name,
      );
      continue;
    }
    routes.set(s.name, entries);
    s.routing = kind;
  }
  return routes;
}

/**
 * The entries an app gains: its --virtual-host routing, and `traefik.docker.network` for a
 * Traefik-routed app on two networks (without it Traefik picks either and answers 502 half the
 * time). A proxy network declared elsewhere has no known real name here: that label is left to
 * the user, with a warning, since a wrong name breaks routing.
 */
export function planRoutingEntries(
  ctx: PlanContext,
  nets: Networks,
  s: ServicePlan,
  routes: Routes,
): void {
  const svc = ctx.serviceOf(s.name);
  const { plan } = ctx;
  const route = routes.get(s.name);
  if (route) {
    s.addEnvironment.push(...route.environment.filter(([k]) => !svc.environment.has(k)));
    s.addLabels.push(...route.labels.filter(([k]) => !svc.labels.has(k)));
  }
  const needsLabel =
    s.routing === "traefik" &&
    s.after!.length > 1 &&
    !svc.labels.has("traefik.docker.network") &&
    !s.addLabels.some(([k]) => k === "traefik.docker.network") &&
    s.after!.some((m) => m.key === plan.proxy.key);
  if (!needsLabel) return;
  const swarmRouted = [...svc.deployLabelKeys].some((k) => k.startsWith("traefik."));
  if (swarmRouted) {
    ctx.warn(
      "edit-by-hand",
      `on two networks now: add traefik.docker.network=${plan.proxy.realName} to its deploy.labels (traefik.swarm.network with Traefik 3), where Traefik reads its labels in swarm mode`,
      s.name,
    );
  } else if (nets.fragment.includes(plan.proxy.key)) {
    ctx.warn(
      "edit-by-hand",
      `on two networks now: unless Traefik's own configuration names its network, add the label traefik.docker.network with the real name of \`${plan.proxy.key}\``,
      s.name,
    );
  } else if (entriesEditable(ctx.model, svc, "labels")) {
    s.addLabels.push(["traefik.docker.network", plan.proxy.realName]);
  } else {
    ctx.warn(
      "edit-by-hand",
      `add the label traefik.docker.network=${plan.proxy.realName} by hand (its labels come from elsewhere)`,
      s.name,
    );
  }
}
