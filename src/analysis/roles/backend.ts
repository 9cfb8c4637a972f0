import type { Membership } from "../../compose/model";
import { isCron, mqttBroker, nonHttpServer, unreachable } from "../evidence";
import type { Networks, PlanContext, RolePolicy } from "../plan/context";
import { outgoingOn } from "../plan/cross-project";
import { keepReached, keepWayOut } from "../plan/membership";
import { warnBackendPorts } from "../plan/ports";
import { projectHostNames } from "../plan/references";
import type { ServicePlan } from "../plan/types";
import type { RoleRule } from "./types";

/** An MQTT broker: it serves devices outside Docker; comes before the data stores. */
export const BROKER_ROWS: readonly RoleRule[] = [
  {
    code: "mqtt-broker",
    role: "backend",
    summary:
      "an MQTT broker (Mosquitto, EMQX, VerneMQ, HiveMQ, NanoMQ): it serves devices outside Docker, so its ports stay",
    match(service) {
      const image = mqttBroker(service);
      if (!image) return undefined;
      return {
        role: "backend",
        reason: `an MQTT broker (${image}): it serves devices outside Docker, so its published ports stay; no web proxy carries its traffic`,
      };
    },
  },
];

/** A routed service that gives way to another answering the same host and path. */
export const SHARED_ROUTING_ROWS: readonly RoleRule[] = [
  {
    code: "routing-shared",
    role: "backend",
    summary:
      "answers a host name and path another service of the project answers too: that one is the app (one host on different paths is several apps)",
    match(service, project) {
      const shared = project.sharedHost.get(service.name);
      if (!shared) return undefined;
      return {
        role: "backend",
        reason: `its routing to ${shared.host} is shared with \`${shared.winner}\`, the app; a backend here`,
      };
    },
  },
];

/** The last rows: what is neither a data store nor the entry the proxy routes to. */
export const BACKEND_ROWS: readonly RoleRule[] = [
  {
    code: "behind-front",
    role: "backend",
    summary: "a service the entry depends on: it sits behind it",
    match(service, project) {
      const front = project.behind.get(service.name);
      return front
        ? { role: "backend", reason: `\`${front}\` depends on it: it sits behind it` }
        : undefined;
    },
  },
  {
    code: "not-http",
    role: "backend",
    summary:
      "a server of another protocol: mail, DNS, syslog, SNMP, TURN, RTMP, log shippers, VPN, game servers",
    match(service) {
      const what = nonHttpServer(service);
      return what
        ? { role: "backend", reason: `${what}: no proxy carries its traffic` }
        : undefined;
    },
  },
  {
    code: "scheduled",
    role: "backend",
    summary: "runs scheduled jobs (cron)",
    match(service) {
      return isCron(service)
        ? { role: "backend", reason: "runs scheduled jobs (cron)" }
        : undefined;
    },
  },
  {
    code: "unreachable",
    role: "backend",
    summary:
      "publishes ports but is only on `internal: true` networks, where nothing outside reaches it",
    match(service, project) {
      if (service.ports.length === 0 || !unreachable(project.model, service)) return undefined;
      return {
        role: "backend",
        reason: "only on internal: true networks: its published ports cannot be reached",
      };
    },
  },
  {
    code: "backend",
    role: "backend",
    summary: "everything else: workers, schedulers, converters, sidecars, init jobs",
    match() {
      return { role: "backend", reason: "not a data store and not the entry the proxy routes to" };
    },
  },
];

/**
 * The proxy networks a backend stays on because it reaches, there, a name its project does not
 * define (another project's container), with a warning; the others are returned.
 */
function keepReaching(
  ctx: PlanContext,
  nets: Networks,
  s: ServicePlan,
  gone: Membership[],
): Membership[] {
  if (gone.length === 0) return gone;
  const own = projectHostNames(ctx.model);
  const hasDataStore = ctx.plan.services.some((p) => p.before && ctx.policyOf(p).holdsData);
  const service = ctx.serviceOf(s.name);
  return gone.filter((m) => {
    const outgoing = outgoingOn(ctx, service, m, own, hasDataStore);
    if (outgoing.length === 0) return true;
    const names = outgoing.map(({ ref, answerers }) => {
      const host = ref.unknown ? `${ref.host} (${ref.via})` : `\`${ref.host}\` (${ref.via})`;
      return answerers.length
        ? `${host}, which ${answerers
            .slice(0, 3)
            .map((a) => `\`${a.project}/${a.service}\``)
            .join(", ")} answer${answerers.length === 1 ? "s" : ""} there`
        : host;
    });
    const certain = outgoing.some((o) => o.answerers.length > 0);
    ctx.warn(
      "cross-project-connection",
      `stays on \`${nets.realName(m.key)}\`: it reaches ${names.join(", ")}, which this project does not define: ${certain ? "another project's container on that network" : "most likely another project's container on that network"}, and moving it would cut that connection`,
      s.name,
    );
    return false;
  });
}

/**
 * A backend leaves the proxy network for the internal one; other networks it is on stay (an
 * external network other than the proxy's, with a warning). It stays on the proxy network where
 * a service of another project reaches it there, or where it reaches another project's
 * container there. Its published ports stay (a mail server's 25 is meant to be public).
 */
export const BACKEND: RolePolicy = {
  role: "backend",
  moves: true,
  holdsData: false,
  looksUp: true,
  entry: false,
  edge: false,
  moved: { rank: 1, text: "backends moved off the proxy network" },
  networks(ctx, nets, s) {
    const before = s.before!;
    let gone = keepReached(
      ctx,
      nets,
      s,
      before.filter((m) => nets.isProxy(m.key)),
    );
    gone = keepReaching(ctx, nets, s, gone);
    for (const m of before) {
      if (nets.isShared(m.key) && !nets.isProxy(m.key) && nets.proxyName) {
        ctx.warn(
          "shared-network-kept",
          `stays on network \`${nets.realName(m.key)}\`, which other projects share`,
          s.name,
        );
      }
    }
    const next = before.filter((m) => !gone.includes(m));
    return { next: keepWayOut(ctx, nets, next, gone), gone };
  },
  edits(ctx, _nets, s) {
    warnBackendPorts(s, ctx.serviceOf(s.name), ctx.plan.warnings);
  },
  sharedFinding: "backend-shared-with-other-project",
  done: [],
};
