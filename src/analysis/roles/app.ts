import type { ComposeModel, ServiceModel } from "../../compose/model";
import { parsePort } from "../../compose/ports";
import {
  adminTool,
  commentedPorts,
  commentedRouting,
  dependencies,
  emptyRouting,
  imageOf,
  isEntryName,
  isInnerName,
  isWebServer,
  possibleWebPort,
  proxyNetworkName,
  routingDisabled,
  saysNothing,
  typicalWebPort,
} from "../evidence";
import type { RolePolicy } from "../plan/context";
import { planProjectAppPorts } from "../plan/ports";
import { planRoutingEntries } from "../plan/routing";
import type { RoleRule } from "./types";

/** The row of a service the proxy routes to, by what the service asks for itself. */
export const ROUTED_ROWS: readonly RoleRule[] = [
  {
    code: "routed",
    role: "app",
    summary:
      "the proxy routes to it: a VIRTUAL_HOST with a value, Traefik labels that enable a router, caddy labels (after ${VAR:-default} is read, and a passed-through VIRTUAL_HOST from the project's variables)",
    match(service, project) {
      const routing = project.routed.get(service.name);
      if (!routing || project.sharedHost.has(service.name)) return undefined;
      return {
        role: "app",
        reason: `routed by the proxy: ${routing.why}`,
        routing: routing.kind,
        routingUncertain: routing.uncertain,
      };
    },
  },
];

/** Names of one-shot jobs: they run and exit, nothing routes to them. */
const JOB_NAME =
  /(^|[-_])(init|setup|migrate|migrations?|backup|restore|seed|bootstrap)([-_]?\d+)?$/i;

/** Commands of workers: they take jobs from a queue, nothing routes to them. */
const WORKER_COMMAND = /\b(workers?|sidekiq|celery|beat|queue:work|rq|scheduler|consumer)\b/i;

/** Commands that only keep a container alive, or print something and exit: nothing answers. */
const IDLE_COMMAND =
  /^\s*(sleep\s+(infinity|\d+)|tail\s+-f\s+\/dev\/null|(echo|cat|env|printenv|true|date|ls)(\s.*)?)\s*$/;

/**
 * No entry, whatever else it shows: a worker, a one-shot job or an idle container (by its name,
 * image, command or restart policy), a service that starts only with a profile (an optional
 * part), or a provider service (a plugin Compose runs, no container).
 */
function noEntry(service: ServiceModel): boolean {
  const words = [service.data.command, service.data.entrypoint]
    .flat()
    .map((w) => String(w ?? ""))
    .join(" ");
  return (
    isInnerName(service) ||
    JOB_NAME.test(service.name) ||
    WORKER_COMMAND.test(words) ||
    IDLE_COMMAND.test(words) ||
    String(service.data.restart ?? "").startsWith("on-failure") ||
    service.data.profiles !== undefined ||
    service.data.provider !== undefined
  );
}

/** An image that only holds a place (alpine, busybox): it says nothing of a server. */
function placeholder(service: ServiceModel): boolean {
  const image = imageOf(service);
  return image !== undefined && saysNothing(service);
}

/**
 * The networks of the project's own that a service is on by name: not `default`, which every
 * service shares, and not an external one, which other projects share.
 */
function ownNetworks(model: ComposeModel, service: ServiceModel): string[] {
  return (service.membership ?? [])
    .map((m) => m.key)
    .filter((k) => k !== "default" && !model.networks.get(k)?.external);
}

/**
 * What the stack's own edge (its TLS edge, or a proxy it bundles) forwards to: what the edge
 * depends on, else a service on a network of the project's own that the edge is on.
 */
function edgeTarget(
  model: ComposeModel,
  service: ServiceModel,
  edges: readonly ServiceModel[],
): string | undefined {
  for (const edge of edges) {
    if (dependencies(edge).includes(service.name)) {
      return `the stack's own edge \`${edge.name}\` forwards to it (it depends on it)`;
    }
  }
  for (const edge of edges) {
    const shared = ownNetworks(model, edge).find((k) => ownNetworks(model, service).includes(k));
    if (shared) return `it shares \`${shared}\` with \`${edge.name}\`, the stack's own edge`;
  }
  return undefined;
}

/**
 * The external network named like a proxy's that the service is on, when the rest of the project
 * is on its own networks only: the service was put behind the proxy and the others were not.
 */
function aloneOnProxyNetwork(model: ComposeModel, service: ServiceModel): string | undefined {
  const external = (s: ServiceModel) =>
    (s.membership ?? []).filter((m) => model.networks.get(m.key)?.external);
  for (const m of external(service)) {
    const name = model.networks.get(m.key)!.realName;
    if (!proxyNetworkName(name)) continue;
    const others = model.services.filter((o) => !(o.membership ?? []).some((n) => n.key === m.key));
    if (others.length && others.every((o) => external(o).length === 0)) return name;
  }
  return undefined;
}

const published = (s: ServiceModel) => s.ports.filter((p) => !p.loopback);
const exposed = (s: ServiceModel) =>
  (Array.isArray(s.data.expose) ? s.data.expose : []).map((e) => parsePort(e, s.variables));

/**
 * The tiers of the entry election, in order: with no routing anywhere in the project, the
 * strongest tier of evidence that some service has makes it the app (see `elect` in
 * classify.ts for how candidates are weighed against each other within a tier).
 */
export const ELECTION_ROWS: readonly RoleRule[] = [
  {
    code: "commented-routing",
    role: "app",
    summary:
      "with no routing in the project: routing left commented out in its block says it is the entry",
    elect: {
      stated: true,
      pick: (s, { model }) =>
        commentedRouting(model, s)
          ? "its block holds routing left commented out for it"
          : undefined,
    },
  },
  {
    code: "empty-routing",
    role: "app",
    summary:
      "with no routing in the project: the one service with a VIRTUAL_HOST left empty for the user to fill in",
    elect: {
      stated: true,
      pick: (s, { emptyCarriers }) => {
        // an anchor that hands an empty VIRTUAL_HOST to several services says nothing of which one
        const why = emptyCarriers === 1 ? emptyRouting(s) : undefined;
        return why
          ? `${why}, on no other service: routing written for the user to fill in says it is the entry`
          : undefined;
      },
    },
  },
  {
    code: "edge-target",
    role: "app",
    summary:
      "with no routing in the project: what the stack's own edge forwards to (the edge depends on it, or they share a network of their own)",
    elect: { pick: (s, { model, edges }) => edgeTarget(model, s, edges) },
  },
  {
    code: "proxy-network",
    role: "app",
    summary:
      "with no routing in the project: already on an external network named like a proxy's that the rest of the project is not on",
    elect: {
      pick: (s, { model }) => {
        const network = aloneOnProxyNetwork(model, s);
        return network
          ? `already on \`${network}\`, an external network named like a proxy's, which the rest of the project is not on`
          : undefined;
      },
    },
  },
  {
    code: "web-port",
    role: "app",
    summary:
      "with no routing in the project: it publishes a typical web port (80, 443, 8080, 3000, ...)",
    elect: {
      pick: (s, { model }) => {
        const port = typicalWebPort(published(s));
        if (port !== undefined) {
          return `publishes web port ${port} and nothing in the project has proxy routing`;
        }
        // what composemod (or its user) commented out still says which service it was
        const was = typicalWebPort(commentedPorts(model, s));
        return was !== undefined
          ? `published web port ${was} (commented out now) and nothing in the project has proxy routing`
          : undefined;
      },
    },
  },
  {
    code: "web-server",
    role: "app",
    summary:
      "with no published web port in the project: a bundled web server, or it exposes a web port",
    elect: {
      pick: (s) => {
        if (isWebServer(s)) return `a bundled web server (${imageOf(s)})`;
        const port = typicalWebPort(exposed(s));
        return port !== undefined ? `exposes web port ${port}` : undefined;
      },
    },
  },
  {
    code: "loopback-web-port",
    role: "app",
    summary:
      "with no web port published beyond the host and no bundled web server: it publishes one on loopback, for a proxy on the host",
    elect: {
      pick: (s) => {
        const port = typicalWebPort(s.ports.filter((p) => p.loopback));
        return port !== undefined
          ? `publishes web port ${port} on loopback only, for a proxy on the host, and nothing in the project has proxy routing`
          : undefined;
      },
    },
  },
  {
    code: "only-port",
    role: "app",
    summary: "with no web port in the project: the one service that publishes a TCP port",
    elect: {
      alone: true,
      pick: (s) => {
        const port = possibleWebPort(s.ports);
        return port !== undefined ? `the one service that publishes a port (${port})` : undefined;
      },
    },
  },
  {
    code: "entry-name",
    role: "app",
    summary: "with no port in the project: the one service named like an entry (web, frontend, ui)",
    elect: {
      alone: true,
      pick: (s) => (isEntryName(s.name) ? "named like the project's entry (name only)" : undefined),
    },
  },
  {
    code: "sole-service",
    role: "app",
    summary:
      "with no port anywhere in the project: the one service that is not a data store, a worker, a job, an idle or optional service, or an admin tool",
    elect: {
      alone: true,
      pick: (s, { noPorts }) =>
        noPorts && !noEntry(s) && !placeholder(s) && !adminTool(s) && !routingDisabled(s)
          ? "the one service that is no data store, worker or job, in a project without ports or routing: the entry by elimination (weak evidence; an app keeps its place on a proxy network)"
          : undefined,
    },
  },
];

/**
 * An app is on the proxy network after the rewrite (it joins it where the project is behind a
 * shared proxy and it is not on it yet) and on the internal network where it shares anything
 * with a service that moves there; only the ports the proxy carries are commented out; with
 * --virtual-host it gains the routing it lacks, and routed by Traefik on two networks, the
 * label that names the one to use.
 */
export const APP: RolePolicy = {
  role: "app",
  moves: true,
  holdsData: false,
  looksUp: true,
  entry: true,
  edge: false,
  moved: { rank: 2, text: "apps put on the proxy network" },
  networks(ctx, nets, s, joinProxy) {
    const before = s.before!;
    if (!joinProxy || before.some((m) => nets.isProxy(m.key))) return { next: before, gone: [] };
    return { next: [...before, { key: ctx.plan.proxy.key, settings: null }], gone: [] };
  },
  edits(ctx, nets, s, mode) {
    if (mode.behind) planRoutingEntries(ctx, nets, s, mode.routes);
  },
  settle(ctx, nets, participating, mode) {
    if (mode.behind) planProjectAppPorts(ctx, nets, participating, mode.routes);
  },
  done: [
    {
      rank: 10,
      text: "routing added",
      when: (s) =>
        s.addEnvironment.length > 0 || s.addLabels.some(([k]) => k !== "traefik.docker.network"),
    },
    { rank: 13, text: "app ports commented out", when: (s) => s.commentPorts.length > 0 },
  ],
};
