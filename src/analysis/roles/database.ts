import type { ServiceModel } from "../../compose/model";
import { dataStoreByName, dataStoreEvidence, imageOf, routingOf, setupVariable } from "../evidence";
import type { RolePolicy } from "../plan/context";
import { keepReached } from "../plan/membership";
import { warnFixedNames } from "../plan/networks";
import { planDatabasePorts } from "../plan/ports";
import type { RoleRule } from "./types";

/** Data-store ports a server publishes or exposes: with set-up variables, evidence of a server. */
const DATA_STORE_PORTS = new Set([1433, 3306, 5432, 6379, 9042, 11211, 27017]);

/**
 * A data store's own health check run against itself (`pg_isready -h 127.0.0.1`, `mysqladmin
 * ping`, `redis-cli ping`): a client checks the host it connects to, a server checks itself.
 */
function selfCheck(service: ServiceModel): string | undefined {
  const test = (service.data.healthcheck as { test?: unknown } | undefined)?.test;
  const words = [test]
    .flat()
    .map((w) => String(w ?? ""))
    .join(" ");
  const tool = SELF_CHECK_TOOL.exec(words)?.[1];
  if (!tool) return undefined;
  const host =
    /(?:\s-h\s*|--host[ =])["']?([^\s"']+)/.exec(words)?.[1] ??
    /\b(?:redis|rediss|mongodb|postgres(?:ql)?|mysql):\/\/(?:[^@/\s]*@)?([^:/\s]+)/.exec(
      words,
    )?.[1];
  return host === undefined || /^(127\.0\.0\.1|localhost|::1)$/.test(host) ? tool : undefined;
}

/** A data store's own client run as a command (not a word inside a URL or a name). */
const SELF_CHECK_TOOL =
  /(?:^|[\s;&|'"(])(pg_isready|mysqladmin|mariadb-admin|redis-cli|valkey-cli|keydb-cli|mongosh|mongo|cqlsh)(?=\s|$)/;

function listensOnDataStorePort(service: ServiceModel): number | undefined {
  const exposed = Array.isArray(service.data.expose) ? service.data.expose : [];
  const ports = [
    ...service.ports.map((p) => p.containerPort),
    ...exposed.map((e) => Number(/^\s*(\d+)/.exec(String(e))?.[1])),
  ];
  return ports.find((p) => p !== undefined && DATA_STORE_PORTS.has(p));
}

/** The rows that give the `database` role: anything that holds data other projects must not reach. */
export const DATABASE_ROWS: readonly RoleRule[] = [
  {
    code: "database",
    role: "database",
    summary:
      "a data store by its image, its data directory or the server its command starts: SQL and NoSQL servers, caches, search, time-series and log stores, object stores, brokers, connection poolers",
    match(service) {
      const why = dataStoreEvidence(service);
      return why ? { role: "database", reason: why } : undefined;
    },
  },
  {
    code: "database-check",
    role: "database",
    summary:
      "checks itself with a data store's own client (pg_isready, mysqladmin ping, redis-cli ping) against its own host",
    match(service) {
      const check = selfCheck(service);
      if (!check) return undefined;
      const port = listensOnDataStorePort(service);
      const listens = port !== undefined ? `listens on ${port} and ` : "";
      return {
        role: "database",
        reason: `${listens}checks itself with ${check} (a client would check the host it connects to)`,
      };
    },
  },
  {
    code: "database-setup",
    role: "database",
    summary:
      "a data store's set-up variables with a data-store name or port (clients carry such variables too)",
    match(service) {
      const port = listensOnDataStorePort(service);
      const variable = setupVariable(service);
      if (!variable) return undefined;
      if (port === undefined && !dataStoreByName(service)) return undefined;
      const also = port !== undefined ? `listens on ${port}` : `is named \`${service.name}\``;
      return { role: "database", reason: `sets ${variable} and ${also}` };
    },
  },
  {
    code: "database-name",
    role: "database",
    summary: "named like a data store, with an image that says nothing else (the weakest evidence)",
    match(service) {
      if (!dataStoreByName(service)) return undefined;
      const image = imageOf(service);
      return {
        role: "database",
        reason: `named like a data store; its ${image ? `image ${image}` : "build"} says nothing else (name only)`,
      };
    },
  },
];

/**
 * A database leaves every shared network for the internal one (other project-private networks
 * it is on are kept), unless a service of another project reaches it there by name; its ports
 * beyond the host end: commented out, or bound to loopback where something on the host uses
 * them. It needs no way out of its own.
 */
export const DATABASE: RolePolicy = {
  role: "database",
  moves: true,
  holdsData: true,
  looksUp: false,
  entry: false,
  edge: false,
  moved: { rank: 0, text: "databases isolated" },
  notes(ctx, _nets, s) {
    if (routingOf(ctx.serviceOf(s.name))) {
      ctx.warn(
        "database-routed",
        `has proxy routing but is a data store, so it leaves the proxy network; give it --app ${s.name} if the proxy must reach it`,
        s.name,
      );
    }
    warnFixedNames(ctx, [s]);
  },
  networks(ctx, nets, s) {
    const before = s.before!;
    const gone = keepReached(
      ctx,
      nets,
      s,
      before.filter((m) => nets.isShared(m.key)),
    );
    return { next: before.filter((m) => !gone.includes(m)), gone };
  },
  edits(ctx, _nets, s, mode) {
    planDatabasePorts(s, ctx.serviceOf(s.name), mode.rebind, ctx.plan.warnings);
  },
  sharedFinding: "database-shared-with-other-project",
  done: [
    { rank: 11, text: "database ports rebound to loopback", when: (s) => s.rebindPorts.length > 0 },
    { rank: 12, text: "database ports commented out", when: (s) => s.commentPorts.length > 0 },
  ],
};
