import { Membership, sameMembership } from "../../compose/model";
import type { Warning } from "../../report/warning";
import type { ServicePlan } from "./types";

/** Two services that shared a network, which the plan would part: `moved` leaves, `kept` may not follow. */
export interface LostConnection {
  moved: string;
  kept: string;
  /** The aliases of `kept` that `moved` would stop finding. */
  aliases?: string[];
}

export interface ConnectInput {
  /** Every service of the file, with the networks it is on before. */
  services: ServicePlan[];
  /** The services composemod may move (apps, databases, backends). */
  participating: ServicePlan[];
  /** Services with no `networks` of their own, on the project's `default` network. */
  implicit: ReadonlySet<string>;
  /** Services that keep every network they are on (a proxy in its own stack): only the internal network may join them. */
  pinned?: ReadonlySet<string>;
  /** Each moving service's own rule: the networks it keeps or joins, and those it leaves. */
  rules: Map<string, { next: Membership[]; gone: Membership[] }>;
  internal: string;
  /** What makes two keys one network: an external network's real name, else the key. */
  identity: (key: string) => string;
  isExternal: (key: string) => boolean;
}

/**
 * Completes the roles' rules so that any two services that shared a network before still share
 * one: the internal network joins them again (the pairs it cannot join are returned: the plan
 * must not be carried out). A service that has to be written out leaves the
 * implicit `default` network for the internal one, settings (aliases, ...) of a network a
 * service leaves move to the internal network, and a service composemod must not move keeps its
 * neighbours on the network they share with it.
 */
export function connectServices(input: ConnectInput): {
  after: Map<string, Membership[]>;
  warnings: Warning[];
  /** Pairs the repair could not keep connected: one moves, the other must not be changed. */
  lost: LostConnection[];
} {
  const { services, participating, implicit, rules, internal, identity, isExternal } = input;
  const pinned = input.pinned ?? new Set<string>();
  const warnings: Warning[] = [];
  const lost: LostConnection[] = [];
  const after = new Map<string, Membership[]>();
  // identities of the networks each service is on after, kept until its list changes
  const onAfterCache = new Map<string, Set<string>>();
  const setAfter = (name: string, list: Membership[]) => {
    after.set(name, list);
    onAfterCache.delete(name);
  };
  const removed = new Map<string, Membership[]>();
  for (const [name, rule] of rules) {
    setAfter(name, rule.next);
    removed.set(name, rule.gone);
  }
  const byName = new Map(services.map((s) => [s.name, s]));
  const changeable = new Set(participating.map((s) => s.name));
  const current = (name: string): Membership[] | null =>
    after.get(name) ?? byName.get(name)!.before;
  const differs = (name: string) => !sameMembership(current(name), byName.get(name)!.before);
  const addInternal = (name: string, settings: Record<string, unknown> | null = null) => {
    const list = after.get(name)!;
    const existing = list.find((m) => m.key === internal);
    if (existing) {
      if (!settings) return false;
      const merged = { key: internal, settings: mergeSettings(existing.settings, settings) };
      setAfter(
        name,
        list.map((m) => (m === existing ? merged : m)),
      );
      return true;
    }
    const entry = { key: internal, settings };
    setAfter(name, implicit.has(name) ? [entry, ...list] : [...list, entry]);
    return true;
  };
  // settings of networks a service leaves move to the internal network
  for (const s of participating) {
    const moving = removed
      .get(s.name)!
      .map((m) => pickSettings(m.settings))
      .filter((x): x is Record<string, unknown> => x !== null);
    if (moving.length) {
      addInternal(
        s.name,
        moving.reduce((a, b) => mergeSettings(a, b)!, {}),
      );
      if (moving.some((m) => m.ipv4_address || m.ipv6_address)) {
        warnings.push({
          code: "fixed-address-moved",
          service: s.name,
          message: `its fixed IP address moved to \`${internal}\`, which has no subnet configured; give it one or drop the address`,
        });
      }
      // every service that reached it on the network it leaves must be able to use the aliases
      for (const other of participating) {
        if (other === s) continue;
        const shared = removed
          .get(s.name)!
          .some((m) => other.before!.some((o) => identity(o.key) === identity(m.key)));
        if (shared) addInternal(other.name);
      }
    }
  }
  const all = services.filter((s) => s.before);
  // network identity -> the services on it before, so that only real neighbours are compared
  const membersBefore = new Map<string, ServicePlan[]>();
  for (const s of all) {
    for (const m of s.before!) {
      const id = identity(m.key);
      const list = membersBefore.get(id) ?? [];
      list.push(s);
      membersBefore.set(id, list);
    }
  }
  const onAfter = (name: string) => {
    let ids = onAfterCache.get(name);
    if (!ids) {
      ids = new Set(current(name)!.map((m) => identity(m.key)));
      onAfterCache.set(name, ids);
    }
    return ids;
  };
  const internalId = identity(internal);
  const sharesAfter = (a: string, b: string) => {
    const mine = onAfter(a);
    for (const id of onAfter(b)) if (mine.has(id)) return true;
    return false;
  };
  /** Gives two services that lost their last shared network one again; true when something changed. */
  const repair = (a: ServicePlan, b: ServicePlan): boolean => {
    if (changeable.has(a.name) && changeable.has(b.name)) {
      const x = addInternal(a.name);
      const y = addInternal(b.name);
      return x || y;
    }
    const [moved, fixed] = changeable.has(a.name) ? [a, b] : [b, a];
    if (!changeable.has(moved.name)) return false;
    const back = fixed.before!.find(
      (m) =>
        moved.before!.some((o) => identity(o.key) === identity(m.key)) &&
        !removed.get(moved.name)!.some((r) => identity(r.key) === identity(m.key)),
    );
    if (back) {
      setAfter(moved.name, [...after.get(moved.name)!, { key: back.key, settings: null }]);
      return true;
    }
    lost.push({ moved: moved.name, kept: fixed.name });
    return false;
  };
  for (let round = 0; round < all.length * 4 + 4; round++) {
    let progress = false;
    for (const s of participating) {
      const list = after.get(s.name)!;
      if (list.length === 0) progress = addInternal(s.name) || progress;
      const replaced = list.findIndex((m) => m.key === "default" && !isExternal("default"));
      if (implicit.has(s.name) && replaced !== -1 && differs(s.name) && !pinned.has(s.name)) {
        const rest = list.filter((m) => m.key !== "default");
        const hasInternal = rest.some((m) => m.key === internal);
        // a lone service has nobody to talk to on a project network
        const alone = all.length === 1 && rest.length > 0;
        setAfter(
          s.name,
          hasInternal || alone ? rest : [{ key: internal, settings: null }, ...rest],
        );
        progress = true;
      }
    }
    for (const [id, members] of membersBefore) {
      if (members.length < 2) continue;
      // members on the internal network all meet there: a member on it need only be compared
      // with those that are not (kept until a repair changes who is)
      let outside: ServicePlan[] | undefined;
      for (const a of members) {
        if (onAfter(a.name).has(id)) continue;
        // `a` left this network: every other member it no longer meets anywhere gets repaired
        const pool = onAfter(a.name).has(internalId)
          ? (outside ??= members.filter((m) => !onAfter(m.name).has(internalId)))
          : members;
        for (const b of pool) {
          if (b === a || sharesAfter(a.name, b.name)) continue;
          if (repair(a, b)) {
            progress = true;
            outside = undefined;
          }
        }
      }
    }
    if (!progress) break;
  }
  carryAliases();
  return { after, warnings, lost };

  /**
   * A service that stays on a network where it has aliases keeps them there; the services that
   * reached it by those names on that network and leave it find it by the same names on the
   * internal network.
   */
  function carryAliases(): void {
    for (const [id, members] of membersBefore) {
      for (const s of members) {
        const own = s.before!.find((m) => identity(m.key) === id);
        const aliases = own?.settings?.aliases;
        if (!Array.isArray(aliases) || aliases.length === 0 || !onAfter(s.name).has(id)) continue;
        const left = members.filter((t) => t !== s && !onAfter(t.name).has(id));
        if (left.length === 0) continue;
        if (!changeable.has(s.name)) {
          for (const t of left) lost.push({ moved: t.name, kept: s.name, aliases: [...aliases] });
          continue;
        }
        addInternal(s.name, { aliases: [...aliases] });
        for (const t of left) if (changeable.has(t.name)) addInternal(t.name);
      }
    }
  }
}

function pickSettings(settings: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!settings) return null;
  return Object.keys(settings).length ? { ...settings } : null;
}

function mergeSettings(
  a: Record<string, unknown> | null,
  b: Record<string, unknown> | null,
): Record<string, unknown> | null {
  if (!a) return b;
  if (!b) return a;
  const out = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (key === "aliases" && Array.isArray(out.aliases) && Array.isArray(value)) {
      out.aliases = [...new Set([...out.aliases, ...value])];
    } else if (out[key] === undefined) out[key] = value;
  }
  return out;
}
