import type { Plan } from "../analysis/plan/types";
import { escapeControl } from "../base/escape";
import type { Membership } from "../compose/model";
import type { FileReport } from "./file-report";
import { table, wrapText } from "./table";

/** Network keys, the proxy network's marked as such (`default (proxy)`). */
function membershipText(list: Membership[] | null, proxyKey?: string): string {
  if (list === null) return "-";
  return list.map((m) => (m.key === proxyKey ? `${m.key} (proxy)` : m.key)).join(", ");
}

/** A line that fits `width`, its continuations indented under its text (control characters escaped). */
function wrapped(raw: string, indent: string, width: number | undefined): string[] {
  const text = escapeControl(raw);
  if (width === undefined) return [indent + text];
  const room = Math.max(20, width - indent.length - 2);
  return wrapText(text, room).map((line, i) => (i === 0 ? indent : indent + "  ") + line);
}

/**
 * A project once, whatever number of files it is read from: each file with its status and
 * reason, then one table of the project's services (service, role, reason, networks before ->
 * after, what happens to its ports: commented out, rebound to 127.0.0.1, kept; its warnings),
 * then the warnings about the whole project; names and values with their control characters
 * escaped. Given a width (a terminal's), every line fits it,
 * long cells wrapped; the JSON report keeps each text whole.
 */
export function renderExplain(
  files: readonly FileReport[],
  plan: Plan | undefined,
  width?: number,
): string {
  const lines = files.flatMap((file) =>
    wrapped(`${file.path}: ${file.status}${file.reason ? ` (${file.reason})` : ""}`, "", width),
  );
  // a project that is not changed shows what it is, not what a plan it did not carry out said
  const changed = files.some((f) => f.status === "changed");
  const proxy =
    plan && (plan.proxy.used || plan.proxy.declare || !changed) ? plan.proxy.key : undefined;
  const byName = new Map(plan?.services.map((s) => [s.name, s]));
  // each service once: an override file names the base file's services again
  const services = new Map<string, FileReport["services"][string]>();
  for (const [name, service] of files.flatMap((f) => Object.entries(f.services))) {
    if (!services.has(name)) services.set(name, service);
  }
  const warnings = [
    ...new Map(files.flatMap((f) => f.warnings).map((w) => [`${w.service}\0${w.message}`, w])),
  ].map(([, w]) => w);
  const rows = [...services].map(([name, service]) => {
    const found = byName.get(name);
    const sp =
      found && !changed
        ? { ...found, networksChanged: false, commentPorts: [], rebindPorts: [] }
        : found;
    const networks = sp?.networksChanged
      ? `${membershipText(sp.before, proxy)} -> ${membershipText(sp.after, proxy)}`
      : membershipText(sp?.before ?? null, proxy);
    const dropped = sp ? sp.commentPorts.map((i) => sp.ports[i]) : [];
    const rebound = sp ? sp.rebindPorts.map((i) => sp.ports[i]) : [];
    const kept = sp
      ? sp.ports.filter((_p, i) => !sp.commentPorts.includes(i) && !sp.rebindPorts.includes(i))
      : [];
    const ports = [
      dropped.length ? `commented out: ${dropped.join(", ")}` : "",
      rebound.length ? `rebound to 127.0.0.1: ${rebound.join(", ")}` : "",
      kept.length ? `kept: ${kept.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    const said = warnings.filter((w) => w.service === name).map((w) => w.message);
    return [
      name,
      service.role,
      `${service.reason} [${service.rule}]`,
      networks || "-",
      ports || "-",
      said.join("; ") || "-",
    ].map(escapeControl);
  });
  if (rows.length) {
    lines.push(
      ...table(["SERVICE", "ROLE", "REASON", "NETWORKS", "PORTS", "WARNINGS"], rows, "  ", width),
    );
  }
  for (const warning of warnings) {
    if (warning.service === undefined || !services.has(warning.service)) {
      const text =
        warning.service !== undefined ? `${warning.service}: ${warning.message}` : warning.message;
      lines.push(...wrapped(`warning: ${text}`, "  ", width));
    }
  }
  return lines.join("\n") + "\n";
}
