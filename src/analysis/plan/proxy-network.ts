import type { ComposeModel } from "../../compose/model";
import type { Classification } from "../roles/types";

const PROXY_LIKE_NAME = /proxy|traefik|caddy|nginx|web|edge|ingress|public|frontend/i;

/**
 * The shared network the project's routed services (else its apps) are already on: an external
 * network, or one they use undeclared (`fragment`, declared by a file merged with this one); the
 * one most of them share, a proxy-like name breaking a tie. Several candidates are reported, so
 * that the choice is never silent.
 */
export function detectProxyNetwork(
  model: ComposeModel,
  roles: Map<string, Classification>,
  fragment: readonly string[] = [],
  isEntry: (c: Classification) => boolean = () => false,
): { name: string; others: string[] } | undefined {
  const rank = (pick: (c: Classification) => boolean) => {
    const seen = new Map<string, number>();
    for (const service of model.services) {
      const c = roles.get(service.name);
      if (!c || !pick(c) || !service.membership) continue;
      for (const m of service.membership) {
        const decl = model.networks.get(m.key);
        const name = decl?.external ? decl.realName : fragment.includes(m.key) ? m.key : undefined;
        if (name !== undefined) seen.set(name, (seen.get(name) ?? 0) + 1);
      }
    }
    const score = (name: string) => seen.get(name)! * 2 + (PROXY_LIKE_NAME.test(name) ? 1 : 0);
    return [...seen.keys()].sort((a, b) => score(b) - score(a) || a.localeCompare(b));
  };
  const ranked = rank((c) => c.routing !== undefined);
  const names = ranked.length ? ranked : rank(isEntry);
  if (names.length) return { name: names[0], others: names.slice(1) };
  // a routed app on no shared network, in a file that declares one proxy-like external network:
  // that is the network it was meant to be on
  const routed = [...roles.values()].some((c) => isEntry(c) && c.routing !== undefined);
  const declared = [...model.networks.values()].filter((d) => d.external);
  if (routed && declared.length === 1 && PROXY_LIKE_NAME.test(declared[0].realName)) {
    return { name: declared[0].realName, others: [] };
  }
  return undefined;
}

/** `wanted`, or `wanted_2`, `wanted_3`, ... when the project already has a network of that name. */
export function freeKey(model: ComposeModel, wanted: string): string {
  if (!model.networks.has(wanted)) return wanted;
  for (let i = 2; ; i++) if (!model.networks.has(`${wanted}_${i}`)) return `${wanted}_${i}`;
}
