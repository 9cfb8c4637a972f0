import { legacyExternal } from "../../compose/editability";
import type { ComposeModel } from "../../compose/model";
import type { Warning } from "../../base/warning";
import type { Plan } from "./types";

/** Compose file versions whose networks have no `name:` key (2.0, 3.0-3.4). */
export function versionWithoutNetworkName(version: unknown): boolean {
  if (version === undefined || version === null) return false;
  const match = /^(\d+)(?:\.(\d+))?/.exec(String(version));
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2] ?? 0)];
  return (major === 2 && minor < 1) || (major === 3 && minor < 5);
}

/**
 * Which top-level networks the rewrite declares: the internal network when a service uses it
 * and the project has none of that name, the proxy network when a service joins it and no key
 * refers to it yet; with the warnings a user needs about them.
 */
export function planDeclarations(
  plan: Plan,
  usesKey: (key: string) => boolean,
  hasInternal: boolean,
  hasProxy: boolean,
): void {
  const warnings = plan.warnings;
  plan.internal.used = usesKey(plan.internal.key);
  plan.internal.declare = plan.internal.used && !hasInternal;
  if (plan.internal.declare && plan.internal.noEgress) {
    warnings.push({
      code: "no-egress",
      message: `\`${plan.internal.key}\` is internal: true: its members lose outbound traffic, and their published ports stop working`,
    });
  }
  plan.proxy.used = usesKey(plan.proxy.key);
  plan.proxy.declare = plan.proxy.used && !hasProxy;
  if (plan.proxy.declare) {
    const name = plan.proxy.realName;
    warnings.push({
      code: "proxy-network-must-exist",
      message: `\`${name}\` is declared as an external network: it must exist before \`docker compose up\` (the proxy's stack creates it, or \`docker network create ${name}\`)`,
    });
  }
}

/**
 * The legacy `external: {name: x}` networks that --modernize rewrites as `external: true` +
 * `name: x`: those written line for line; the others are kept with a warning, and all of them
 * in a file version that has no network `name:`.
 */
export function planModernize(model: ComposeModel, warnings: Warning[]): string[] {
  const legacy = [...model.networks.values()].filter((d) => d.legacyExternal).map((d) => d.key);
  if (legacy.length && versionWithoutNetworkName(model.file.data.version)) {
    warnings.push({
      code: "legacy-external-kept",
      message: `version ${String(model.file.data.version)} has no network \`name:\`; legacy external networks kept`,
    });
    return [];
  }
  const modern = legacy.filter((key) => legacyExternal(model, key));
  for (const key of legacy) {
    if (!modern.includes(key)) {
      warnings.push({
        code: "legacy-external-kept",
        message: `network \`${key}\`: its legacy external form is kept (modernize it by hand)`,
      });
    }
  }
  return modern;
}
