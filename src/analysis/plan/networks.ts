import type { ComposeModel } from "../../compose/model";
import type { Classification } from "../roles/types";
import { othersOn, runSeesOthersOn } from "../host-index";
import { Networks, networkIdentity, PlanContext } from "./context";
import { DEFAULT_PROXY_NETWORK } from "./options";
import { detectProxyNetwork, freeKey } from "./proxy-network";
import type { ServicePlan } from "./types";

/** Why a project's networks cannot be read as it stands: a network used but declared nowhere. */
export interface Unexplained {
  key: string;
}

/**
 * What the project's networks are: which ones it shares with other projects, which one is the
 * proxy's, and the key that refers to the proxy network (an existing one, or a free one to
 * declare). A network used undeclared is a platform's shared network when a routed app is on
 * it (the file is a fragment that another file completes); any other undeclared network makes
 * the project unreadable as it stands.
 */
export function projectNetworks(
  ctx: PlanContext,
  roles: Map<string, Classification>,
  movable: ServicePlan[],
  proxies: ServicePlan[],
): Networks | Unexplained {
  const { model, options, project } = ctx;
  const routedOn = new Set<string>();
  for (const s of movable) if (s.routing) for (const m of s.before!) routedOn.add(m.key);
  const undeclared = [
    ...new Set(
      [...movable, ...proxies].flatMap((s) =>
        (s.before ?? [])
          .filter((m) => m.key !== "default" && !model.networks.has(m.key))
          .map((m) => m.key),
      ),
    ),
  ];
  const unexplained = undeclared.find((key) => !routedOn.has(key));
  if (unexplained !== undefined) return { key: unexplained };
  const fragment = undeclared;
  for (const key of fragment) {
    ctx.warn(
      "shared-network-kept",
      `network \`${key}\` is not declared here: taken for the proxy's network that a file merged with this one declares (a platform's, as runtipi's); set --proxy-network to name it`,
    );
  }
  const detected = options.proxyNetwork
    ? undefined
    : detectProxyNetwork(model, roles, fragment, (c) => ctx.policyOf(c).entry);
  const proxyName = options.proxyNetwork ?? detected?.name;
  if (detected?.others.length) {
    ctx.warn(
      "proxy-network-ambiguous",
      `took \`${proxyName}\` for the proxy network; \`${detected.others.join("`, `")}\` could be it too (set --proxy-network to choose)`,
    );
  }
  const existing = proxyName
    ? ([...model.networks.values()].find((d) => d.external && d.realName === proxyName)?.key ??
      fragment.find((key) => key === proxyName))
    : undefined;
  ctx.plan.proxy = {
    key: existing ?? freeKey(model, proxyName ?? DEFAULT_PROXY_NETWORK),
    realName: proxyName ?? DEFAULT_PROXY_NETWORK,
    declare: false,
    used: false,
  };
  return {
    fragment,
    proxyName,
    isShared: (key) => {
      const d = model.networks.get(key);
      if (d?.external || fragment.includes(key)) return true;
      // a fixed `name:` that another project of the run names too
      if (d?.fixedName !== undefined)
        return othersOn(options.host, d.fixedName, project).length > 0;
      // a network of the project's own that another project of the run joins as external
      return runSeesOthersOn(options.host, project, `${project}_${key}`);
    },
    isProxy: (key) => {
      if (proxyName === undefined) return false;
      const d = model.networks.get(key);
      return d
        ? d.external && d.realName === proxyName
        : fragment.includes(key) && key === proxyName;
    },
    isInternalOnly: (key) => internalOnly(model, key),
    identity: (key) => networkIdentity(model, key),
    realName: (key) => model.networks.get(key)?.realName ?? key,
  };
}

function internalOnly(model: ComposeModel, key: string): boolean {
  const cfg = (model.file.data.networks as Record<string, unknown> | undefined)?.[key];
  return !!cfg && typeof cfg === "object" && (cfg as Record<string, unknown>).internal === true;
}

/** Warnings about databases on networks with a fixed name: shared when another project names it too. */
export function warnFixedNames(ctx: PlanContext, databases: ServicePlan[]): void {
  for (const s of databases) {
    for (const m of s.before ?? []) {
      const decl = ctx.model.networks.get(m.key);
      if (!decl?.fixedName || decl.external) continue;
      const others = othersOn(ctx.options.host, decl.fixedName, ctx.project);
      ctx.warn(
        "shared-network-kept",
        others.length
          ? `leaves \`${decl.fixedName}\`, a network with a fixed name that ${others.map((p) => `\`${p}\``).join(", ")} name too`
          : `is on \`${decl.fixedName}\`, a network with a fixed name: every project that names it joins it (no other project of this run does; run composemod over them together to know)`,
        s.name,
      );
    }
  }
}
