import type { ProxyKind } from "../evidence";
import type { HostIndex } from "../host-index";

/**
 * What happens to published ports: `auto` comments out the ports the proxy carries for a routed
 * app, and ends a database's ports beyond the host (rebound to loopback when a host-network
 * service of the project may use them, else commented out); `comment` comments out every app
 * port too; `keep` leaves app ports; `rebind` binds database ports to loopback everywhere.
 */
export type PortsMode = "auto" | "comment" | "keep" | "rebind";
export const PORTS_MODES: readonly PortsMode[] = ["auto", "comment", "keep", "rebind"];

export const DRIVERS = ["bridge", "overlay"] as const;
export type Driver = (typeof DRIVERS)[number];

/** What decides the target state of a project, besides its files. */
export interface PlanOptions {
  /** Real name of the reverse proxy's network; detected from the project when absent. */
  proxyNetwork?: string;
  internalNetwork: string;
  ports: PortsMode;
  /** Driver of the internal network: `bridge`, or `overlay` for swarm stack files. */
  driver: Driver;
  /** Declare the internal network `internal: true`: no traffic to the outside. */
  noEgress: boolean;
  /** Put unrouted apps behind the proxy at this host: `{project}` and `{service}` are filled in. */
  virtualHost?: string;
  /** The proxy that routes: detected from the project when absent, else nginx-proxy. */
  proxyKind?: ProxyKind;
  /** Rewrite the legacy `external: {name: x}` as `external: true` and `name: x`. */
  modernize: boolean;
  /** What the run knows of the other projects on the host (networks they share by name). */
  host?: HostIndex;
  /**
   * The user chose to leave the project as it is (a `skip` remembered in its configuration):
   * why, in words a person reads, with where to undo it.
   */
  skipped?: string;
}

/** The proxy network's real name when the project does not show it and the user does not give it. */
export const DEFAULT_PROXY_NETWORK = "proxy";

/** The proxy that routes when the project does not say and the user does not give it. */
export const DEFAULT_PROXY_KIND: ProxyKind = "nginx-proxy";

/** The one set of defaults: the command line, the configuration and the library all start here. */
export const DEFAULT_PLAN_OPTIONS: Readonly<PlanOptions> = Object.freeze({
  internalNetwork: "internal",
  ports: "auto",
  driver: "bridge",
  noEgress: false,
  modernize: false,
});
