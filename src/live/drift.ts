import { AuditProject, networksOf } from "../analysis/audit-model";
import { Finding, FindingSink } from "../analysis/findings";

const list = (names: string[]) => (names.length ? names.map((n) => `\`${n}\``).join(", ") : "none");

/**
 * Containers whose networks differ from what their compose files now say: a stack rewritten (by
 * `composemod --write` or by hand) but not yet recreated. Each is a finding at the service's key
 * in its files, naming the networks it is on and the ones its files put it on. A project of the
 * engine that is not among the files, or a service of the files that is not running, is no drift.
 */
export function driftFindings(
  live: readonly AuditProject[],
  files: readonly AuditProject[],
): Finding[] {
  const sink = new FindingSink();
  const byName = new Map<string, AuditProject>();
  for (const p of files) if (!byName.has(p.name)) byName.set(p.name, p);
  for (const running of live) {
    const written = byName.get(running.name);
    if (!written) continue;
    const services = new Map(written.services.map((s) => [s.name, s]));
    for (const service of running.services) {
      const said = services.get(service.name);
      // a container in another's network namespace follows it: that one is recreated, and it with it
      if (!said || service.networks.some((n) => n.through !== undefined)) continue;
      const now = networksOf(service).sort();
      const then = networksOf(said).sort();
      if (now.join("\u0000") === then.join("\u0000")) continue;
      const recreate = written.dir ? ` in \`${written.dir}\`` : "";
      sink.add(
        // the drift is the engine's, whatever the rewrite does with the files
        { ...written, leftAlone: undefined },
        { ...said, role: service.role, containers: service.containers },
        "network-drift",
        `\`${service.name}\` runs on ${list(now)}, but its files now put it on ${list(then)}: \`docker compose up -d\`${recreate} recreates it as they say`,
        said.at,
      );
    }
  }
  return sink.findings;
}
