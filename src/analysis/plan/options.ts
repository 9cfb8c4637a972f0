import type { ProxyKind } from "../evidence";

export type PortsMode = "auto" | "comment" | "keep";
export const PORTS_MODES: readonly PortsMode[] = ["auto", "comment", "keep"];

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
}

/** The one set of defaults: the command line, the configuration and the library all start here. */
export const DEFAULT_PLAN_OPTIONS: Readonly<PlanOptions> = Object.freeze({
  internalNetwork: "internal",
  ports: "auto",
  driver: "bridge",
  noEgress: false,
  modernize: false,
});
