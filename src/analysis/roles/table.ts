import type { RolePolicy } from "../plan/context";
import { APP, ELECTION_ROWS, ROUTED_ROWS } from "./app";
import { BACKEND, BACKEND_ROWS, BROKER_ROWS, SHARED_ROUTING_ROWS } from "./backend";
import { DATABASE, DATABASE_ROWS } from "./database";
import { GIVEN_ROWS } from "./given";
import { PROXY, PROXY_ROWS } from "./proxy";
import type { Role, RoleRule } from "./types";
import { IGNORED, SKIPPED, SKIPPED_ROWS } from "./untouched";

/**
 * The decision table, in order: the first row that matches a service gives it its role and its
 * reason (`--explain` and the JSON report show the row's code with the reason). The rows live
 * with the role they give: what the user says first, then what runs on the host's network,
 * the host's proxy and a stack's own edge, the data stores (an MQTT broker before them), the
 * routed apps, a routing that gives way to another, the entry election's tiers, and the
 * backends last.
 */
export const ROLE_RULES: readonly RoleRule[] = [
  ...GIVEN_ROWS,
  ...SKIPPED_ROWS,
  ...PROXY_ROWS,
  ...BROKER_ROWS,
  ...DATABASE_ROWS,
  ...ROUTED_ROWS,
  ...SHARED_ROUTING_ROWS,
  ...ELECTION_ROWS,
  ...BACKEND_ROWS,
];

/** What each role does in the rewrite. */
export const POLICIES: Readonly<Record<Role, RolePolicy>> = {
  app: APP,
  database: DATABASE,
  backend: BACKEND,
  proxy: PROXY,
  skipped: SKIPPED,
  ignore: IGNORED,
};
