import type { ServiceModel } from "../../compose/model";
import { NON_HTTP_PORTS, PortSpec } from "../../compose/ports";
import type { Warning } from "../../report/warning";
import type { PortsMode } from "./options";
import type { ServicePlan } from "./types";

/**
 * Which of a service's published ports the rewrite comments out: a database's beyond the host,
 * an app's that the proxy now carries. A backend keeps its ports (a mail server's 25 is meant
 * to be public), with a warning for each one open beyond the host.
 */
export function planPorts(
  s: ServicePlan,
  service: ServiceModel,
  mode: PortsMode,
  warnings: Warning[],
): void {
  if (s.role === "database") {
    s.commentPorts = indicesWhere(service.ports, (p) => !p.loopback);
  } else if (s.role === "backend") {
    for (const p of service.ports) {
      if (!p.loopback) {
        warnings.push({
          code: "backend-port-published",
          service: s.name,
          message: `publishes ${p.text} beyond the host (kept)`,
        });
      }
    }
  } else if (s.role === "app") planAppPorts(s, service, mode, warnings);
}

function planAppPorts(s: ServicePlan, service: ServiceModel, mode: PortsMode, warnings: Warning[]) {
  if (service.ports.length === 0 || mode === "keep") return;
  const routed = s.routing !== undefined;
  if (mode === "auto" && !routed) {
    warnings.push({
      code: "app-ports-kept",
      service: s.name,
      message:
        "ports kept: nothing routes to it through the proxy yet (add routing or use --ports comment)",
    });
    return;
  }
  s.commentPorts = indicesWhere(service.ports, (p) => mode === "comment" || isProxiedPort(p));
  for (const p of service.ports) {
    if (mode === "auto" && !isProxiedPort(p)) {
      warnings.push({
        code: "port-kept",
        service: s.name,
        message: `port ${p.text} kept: not a port an HTTP proxy carries`,
      });
    }
  }
}

function isProxiedPort(port: PortSpec): boolean {
  if (port.protocol !== "tcp") return false;
  return port.containerPort === undefined || !NON_HTTP_PORTS.has(port.containerPort);
}

function indicesWhere<T>(items: T[], test: (item: T) => boolean): number[] {
  return items.flatMap((item, i) => (test(item) ? [i] : []));
}
