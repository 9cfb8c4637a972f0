import { isDataStore } from "../evidence";
import type { RolePolicy } from "../plan/context";
import type { RoleRule } from "./types";

/** `network_mode` rules the service's networks: it cannot join any. */
export const SKIPPED_ROWS: readonly RoleRule[] = [
  {
    code: "network-mode",
    role: "skipped",
    summary: "`network_mode` is set: the service cannot join networks",
    match(service) {
      if (service.data.network_mode == null) return undefined;
      return {
        role: "skipped",
        reason: `network_mode: ${String(service.data.network_mode)} (it cannot join networks)`,
      };
    },
  },
];

/** What the rewrite does to a service it leaves as it is, and what that service is to the audit. */
const LEFT_AS_IT_IS = {
  moves: false,
  holdsData: false,
  looksUp: false,
  entry: false,
  edge: false,
  done: [],
} as const satisfies Partial<RolePolicy>;

/**
 * A service with `network_mode`: the rewrite leaves it as it is. A data store among them is
 * still a database to the audit: what it reaches, and who reaches it, is what a database's is.
 */
export const SKIPPED: RolePolicy = {
  role: "skipped",
  ...LEFT_AS_IT_IS,
  reachRole: (service) => (isDataStore(service) ? "database" : "skipped"),
};

/** A service its user said to leave alone: the rewrite leaves it as it is, and what it is, it is. */
export const IGNORED: RolePolicy = { role: "ignore", ...LEFT_AS_IT_IS };
