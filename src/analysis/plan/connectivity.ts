import { Membership, sameMembership } from "../../compose/model";
import type { Warning } from "../../base/warning";
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
 * must not be carried out). A service that has to be written out leaves the implicit `default`
 * network for the internal one, settings (aliases, ...) of a network a service leaves move to
 * the internal network, and a service composemod must not move keeps its neighbours on the
 * network they share with it.
 */
export function connectServices(input: ConnectInput): {
  after: Map<string, Membership[]>;
  warnings: Warning[];
  /** Pairs the repair could not keep connected: one moves, the other must not be changed. */
  lost: LostConnection[];
} {
  const connection = new Connection(input);
  connection.moveSettings();
  connection.repairAll();
  connection.carryAliases();
  return { after: connection.after, warnings: connection.warnings, lost: connection.lost };
}

/** The networks of every service as the repair settles them, and what it found on the way. */
class Connection {
  readonly warnings: Warning[] = [];
  readonly lost: LostConnection[] = [];
  readonly after = new Map<string, Membership[]>();
  /** Identities of the networks each service is on after, kept until its list changes. */
  private readonly onAfterCache = new Map<string, Set<string>>();
  private readonly removed = new Map<string, Membership[]>();
  private readonly byName: Map<string, ServicePlan>;
  private readonly changeable: Set<string>;
  private readonly pinned: ReadonlySet<string>;
  /** The services on some network before. */
  private readonly all: ServicePlan[];
  /** Network identity -> the services on it before, so that only real neighbours are compared. */
  private readonly membersBefore = new Map<string, ServicePlan[]>();
  private readonly internalId: string;

  constructor(private readonly input: ConnectInput) {
    for (const [name, rule] of input.rules) {
      this.setAfter(name, rule.next);
      this.removed.set(name, rule.gone);
    }
    this.byName = new Map(input.services.map((s) => [s.name, s]));
    this.changeable = new Set(input.participating.map((s) => s.name));
    this.pinned = input.pinned ?? new Set<string>();
    this.all = input.services.filter((s) => s.before);
    for (const s of this.all) {
      for (const m of s.before!) {
        const id = input.identity(m.key);
        const list = this.membersBefore.get(id) ?? [];
        list.push(s);
        this.membersBefore.set(id, list);
      }
    }
    this.internalId = input.identity(input.internal);
  }

  private setAfter(name: string, list: Membership[]): void {
    this.after.set(name, list);
    this.onAfterCache.delete(name);
  }

  private current(name: string): Membership[] | null {
    return this.after.get(name) ?? this.byName.get(name)!.before;
  }

  private onAfter(name: string): Set<string> {
    let ids = this.onAfterCache.get(name);
    if (!ids) {
      ids = new Set(this.current(name)!.map((m) => this.input.identity(m.key)));
      this.onAfterCache.set(name, ids);
    }
    return ids;
  }

  private sharesAfter(a: string, b: string): boolean {
    const mine = this.onAfter(a);
    for (const id of this.onAfter(b)) if (mine.has(id)) return true;
    return false;
  }

  /** Puts the service on the internal network (merging `settings` into what it has there); true when that changed something. */
  private addInternal(name: string, settings: Record<string, unknown> | null = null): boolean {
    const { internal, implicit } = this.input;
    const list = this.after.get(name)!;
    const existing = list.find((m) => m.key === internal);
    if (existing) {
      if (!settings) return false;
      const merged = { key: internal, settings: mergeSettings(existing.settings, settings) };
      this.setAfter(
        name,
        list.map((m) => (m === existing ? merged : m)),
      );
      return true;
    }
    const entry = { key: internal, settings };
    this.setAfter(name, implicit.has(name) ? [entry, ...list] : [...list, entry]);
    return true;
  }

  /** Settings of networks a service leaves move to the internal network, and its neighbours there follow. */
  moveSettings(): void {
    const { participating, internal, identity } = this.input;
    for (const s of participating) {
      const moving = this.removed
        .get(s.name)!
        .map((m) => pickSettings(m.settings))
        .filter((x): x is Record<string, unknown> => x !== null);
      if (moving.length === 0) continue;
      this.addInternal(
        s.name,
        moving.reduce((a, b) => mergeSettings(a, b)!, {}),
      );
      if (moving.some((m) => m.ipv4_address || m.ipv6_address)) {
        this.warnings.push({
          code: "fixed-address-moved",
          service: s.name,
          message: `its fixed IP address moved to \`${internal}\`, which has no subnet configured; give it one or drop the address`,
        });
      }
      // every service that reached it on the network it leaves must be able to use the aliases
      for (const other of participating) {
        if (other === s) continue;
        const shared = this.removed
          .get(s.name)!
          .some((m) => other.before!.some((o) => identity(o.key) === identity(m.key)));
        if (shared) this.addInternal(other.name);
      }
    }
  }

  /** Gives two services that lost their last shared network one again; true when something changed. */
  private repair(a: ServicePlan, b: ServicePlan): boolean {
    const { identity } = this.input;
    if (this.changeable.has(a.name) && this.changeable.has(b.name)) {
      const x = this.addInternal(a.name);
      const y = this.addInternal(b.name);
      return x || y;
    }
    const [moved, fixed] = this.changeable.has(a.name) ? [a, b] : [b, a];
    if (!this.changeable.has(moved.name)) return false;
    const back = fixed.before!.find(
      (m) =>
        moved.before!.some((o) => identity(o.key) === identity(m.key)) &&
        !this.removed.get(moved.name)!.some((r) => identity(r.key) === identity(m.key)),
    );
    if (back) {
      this.setAfter(moved.name, [
        ...this.after.get(moved.name)!,
        { key: back.key, settings: null },
      ]);
      return true;
    }
    this.lost.push({ moved: moved.name, kept: fixed.name });
    return false;
  }

  /** Rounds of repair until nothing changes: each round settles `default` and the pairs that parted. */
  repairAll(): void {
    for (let round = 0; round < this.all.length * 4 + 4; round++) {
      const settled = this.settleDefault();
      const repaired = this.repairPairs();
      if (!settled && !repaired) break;
    }
  }

  /**
   * A service that must be written out and is on the implicit `default` network leaves it for
   * the internal one (a lone service needs none); one with nothing left joins the internal
   * network. True when something changed.
   */
  private settleDefault(): boolean {
    const { participating, implicit, internal, isExternal } = this.input;
    let progress = false;
    for (const s of participating) {
      const list = this.after.get(s.name)!;
      if (list.length === 0) progress = this.addInternal(s.name) || progress;
      const replaced = list.findIndex((m) => m.key === "default" && !isExternal("default"));
      const differs = !sameMembership(this.current(s.name), s.before);
      if (implicit.has(s.name) && replaced !== -1 && differs && !this.pinned.has(s.name)) {
        const rest = list.filter((m) => m.key !== "default");
        const hasInternal = rest.some((m) => m.key === internal);
        // a lone service has nobody to talk to on a project network
        const alone = this.all.length === 1 && rest.length > 0;
        this.setAfter(
          s.name,
          hasInternal || alone ? rest : [{ key: internal, settings: null }, ...rest],
        );
        progress = true;
      }
    }
    return progress;
  }

  /** Every pair that shared a network before and shares none now is repaired; true when something changed. */
  private repairPairs(): boolean {
    let progress = false;
    for (const [id, members] of this.membersBefore) {
      if (members.length < 2) continue;
      // members on the internal network all meet there: a member on it need only be compared
      // with those that are not (kept until a repair changes who is)
      let outside: ServicePlan[] | undefined;
      for (const a of members) {
        if (this.onAfter(a.name).has(id)) continue;
        // `a` left this network: every other member it no longer meets anywhere gets repaired
        const pool = this.onAfter(a.name).has(this.internalId)
          ? (outside ??= members.filter((m) => !this.onAfter(m.name).has(this.internalId)))
          : members;
        for (const b of pool) {
          if (b === a || this.sharesAfter(a.name, b.name)) continue;
          if (this.repair(a, b)) {
            progress = true;
            outside = undefined;
          }
        }
      }
    }
    return progress;
  }

  /**
   * A service that stays on a network where it has aliases keeps them there; the services that
   * reached it by those names on that network and leave it find it by the same names on the
   * internal network.
   */
  carryAliases(): void {
    for (const [id, members] of this.membersBefore) {
      for (const s of members) {
        const own = s.before!.find((m) => this.input.identity(m.key) === id);
        const aliases = own?.settings?.aliases;
        if (!Array.isArray(aliases) || aliases.length === 0 || !this.onAfter(s.name).has(id))
          continue;
        const left = members.filter((t) => t !== s && !this.onAfter(t.name).has(id));
        if (left.length === 0) continue;
        if (!this.changeable.has(s.name)) {
          for (const t of left)
            this.lost.push({ moved: t.name, kept: s.name, aliases: [...aliases] });
          continue;
        }
        this.addInternal(s.name, { aliases: [...aliases] });
        for (const t of left) if (this.changeable.has(t.name)) this.addInternal(t.name);
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
