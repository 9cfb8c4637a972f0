import type { ServiceModel } from "../../compose/model";
import type { PortSpec } from "../../compose/ports";
import type { Warning } from "../../base/warning";
import {
  carriedPorts,
  imageBase,
  imageOf,
  possibleWebPort,
  routingOf,
  typicalWebPort,
} from "../evidence";
import type { Networks, PlanContext, Routes } from "./context";
import { routedPort } from "./routing";
import type { PortsMode } from "./options";
import { editsService, ServicePlan } from "./types";

/** Prefixes `127.0.0.1:` to a `HOST:CONTAINER` port; other forms are rebound by hand. */
export function rebindable(port: PortSpec): boolean {
  if (port.text.startsWith("{")) return false;
  return port.hostIp === undefined && /^[^:]+:[^:]+$/.test(port.text.split("/")[0]);
}

function variableNote(port: PortSpec): string {
  return port.variables.map((v) => `\${${v}}`).join(", ");
}

/**
 * A database's ports beyond the host are ended: bound to loopback when something on the host may
 * use them (`rebind`), else commented out. A port whose default is on loopback stays, with a
 * note that the environment may change that.
 */
export function planDatabasePorts(
  s: ServicePlan,
  service: ServiceModel,
  rebind: boolean,
  warnings: Warning[],
): void {
  const byDesign = rebind ? undefined : publishedByDesign(service);
  service.ports.forEach((p, i) => {
    if (p.loopback) {
      if (p.variables.length) {
        warnings.push({
          code: "port-variable",
          service: s.name,
          message: `${p.text} is on loopback by its default; the environment may change it (${variableNote(p)})`,
        });
      }
      return;
    }
    if (byDesign) {
      warnings.push({
        code: "database-port-kept",
        service: s.name,
        message: `publishes ${p.text} beyond the host (kept): ${byDesign}; bind it to 127.0.0.1 (--ports rebind) if nothing outside the host connects to it`,
      });
      return;
    }
    if (!rebind) {
      s.commentPorts.push(i);
      return;
    }
    if (rebindable(p)) s.rebindPorts.push(i);
    else {
      warnings.push({
        code: "edit-by-hand",
        service: s.name,
        message: `bind ${p.text} to 127.0.0.1 by hand: composemod rebinds only HOST:CONTAINER ports`,
      });
    }
  });
}

/** Log and metrics stores that agents outside Docker push to, over the port they publish. */
const PUSH_RECEIVERS =
  /^(loki|influxdb|victoria-logs|victorialogs|graphite|graphite-statsd|opentsdb)$/;

/** Connection poolers: the way in for database clients, in front of the database itself. */
const POOLERS = /^(pgbouncer|pgcat|odyssey|supavisor|pgpool|pgpool2|proxysql)$/;

/**
 * Why a data store publishes its port on purpose, if it does: a log or metrics store whose
 * published port is where agents outside Docker push to, or a connection pooler whose published
 * port is the stack's way in for database clients (the database behind it publishes nothing).
 * Such a port is kept, with a warning; a database server's own port is not of that kind.
 */
export function publishedByDesign(service: ServiceModel): string | undefined {
  const image = imageOf(service);
  if (!image) return undefined;
  const base = imageBase(image);
  if (PUSH_RECEIVERS.test(base)) {
    return "a log or metrics store that agents outside Docker push to";
  }
  if (POOLERS.test(base)) return "a connection pooler, the way in for database clients";
  return undefined;
}

/** A backend keeps its ports (a mail server's 25 is meant to be public), with a warning for each beyond the host. */
export function warnBackendPorts(s: ServicePlan, service: ServiceModel, warnings: Warning[]): void {
  for (const p of service.ports) {
    if (!p.loopback) {
      warnings.push({
        code: "backend-port-published",
        service: s.name,
        message: `publishes ${p.text} beyond the host (kept)`,
      });
    }
  }
}

/** How a routed app is reached once the rewrite is done. */
export interface AppReach {
  /** It is routed for sure and on the proxy network after the rewrite. */
  proxied: boolean;
  /** Container ports the proxy carries, where the service says so (VIRTUAL_PORT, loadbalancer port). */
  carried: number[];
}

/**
 * Which of an app's ports go: with `comment`, all of them; with `auto`, only those the proxy
 * carries for an app it routes (its VIRTUAL_PORT or Traefik port, else its one web port). The
 * others stay, with a warning that says why.
 */
export function planAppPorts(
  s: ServicePlan,
  service: ServiceModel,
  mode: PortsMode,
  reach: AppReach,
  warnings: Warning[],
): void {
  const warn = (message: string) =>
    warnings.push({
      code: s.commentPorts.length ? "port-kept" : "app-ports-kept",
      service: s.name,
      message,
    });
  if (service.ports.length === 0 || mode === "keep") return;
  if (mode === "comment") {
    s.commentPorts = service.ports.map((_p, i) => i);
    return;
  }
  if (!reach.proxied) {
    if (s.routing === undefined) {
      warn(
        "ports kept: nothing routes to it through the proxy yet (add routing or use --ports comment)",
      );
    } else
      warn("ports kept: the proxy may not reach it (its routing or its network is not certain)");
    return;
  }
  const carried = reach.carried.length
    ? reach.carried
    : [typicalWebPort(service.ports) ?? possibleWebPort(service.ports)].filter(
        (p): p is number => p !== undefined,
      );
  service.ports.forEach((p, i) => {
    if (
      p.protocol === "tcp" &&
      p.containerPort !== undefined &&
      carried.includes(p.containerPort)
    ) {
      s.commentPorts.push(i);
    }
  });
  for (const [i, p] of service.ports.entries()) {
    if (s.commentPorts.includes(i)) continue;
    const what =
      p.protocol !== "tcp"
        ? `${p.protocol.toUpperCase()}, which an HTTP proxy does not carry`
        : carried.length
          ? `the proxy carries only ${carried.join(", ")}`
          : "not a port an HTTP proxy carries";
    warnings.push({ code: "port-kept", service: s.name, message: `port ${p.text} kept: ${what}` });
  }
}

/**
 * The ports of the project's apps: only with a change that isolates the project (or with
 * --ports comment), and for an app the proxy is sure to reach on the proxy network after the
 * rewrite, only the ports it carries.
 */
export function planProjectAppPorts(
  ctx: PlanContext,
  nets: Networks,
  participating: ServicePlan[],
  routes: Routes,
): void {
  const isolating = participating.some(editsService);
  for (const s of participating) {
    if (!ctx.policyOf(s).entry) continue;
    const svc = ctx.serviceOf(s.name);
    const routing = routingOf(svc);
    if (!isolating && ctx.options.ports !== "comment") {
      if (svc.ports.length && s.routing === undefined) {
        ctx.warn(
          "app-ports-kept",
          "ports kept: nothing routes to it through the proxy yet (add routing or use --ports comment)",
          s.name,
        );
      }
      continue;
    }
    const proxied =
      routes.has(s.name) ||
      (routing !== undefined &&
        !routing.uncertain &&
        s.after!.some((m) => nets.isProxy(m.key) || m.key === ctx.plan.proxy.key));
    const carried = routes.has(s.name) ? [routedPort(svc)!] : carriedPorts(svc, routing);
    planAppPorts(s, svc, ctx.options.ports, { proxied, carried }, ctx.plan.warnings);
  }
}
