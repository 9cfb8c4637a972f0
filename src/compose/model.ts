import {
  Alias,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  Node,
  Pair,
  Scalar,
  visit,
  YAMLMap,
} from "yaml";
import { detectStyle, FileStyle } from "../yaml/layout";
import type { ComposeFile } from "./compose-file";
import { parsePort, PortSpec } from "./ports";
import { keyValues, NO_VARIABLES, Variables, withDefaults } from "./values";

/** A top-level `networks` entry. */
export interface NetworkDecl {
  key: string;
  external: boolean;
  /** The Docker network name the key refers to when it is external. */
  realName: string;
  /** Declared with the legacy `external: {name: x}` form. */
  legacyExternal: boolean;
  /** The `name:` a network that is not external gives itself: every project that says it shares it. */
  fixedName?: string;
}

/** One network a service is attached to, with its per-network settings (aliases, ...). */
export interface Membership {
  key: string;
  settings: Record<string, unknown> | null;
}

export interface ServiceModel {
  name: string;
  /** The `name: {...}` pair under `services`; none for a service seen only through a merge of files. */
  pair: Pair | undefined;
  /** The service's own mapping; undefined when the service is an alias or empty. */
  node: YAMLMap | undefined;
  /** The service as data, merge keys applied. */
  data: Record<string, unknown>;
  /** Networks it is on, in order; null when `network_mode` rules them. */
  membership: Membership[] | null;
  /** True when it has no `networks` at all and so sits on the project's `default` network. */
  implicitNetworks: boolean;
  ports: PortSpec[];
  environment: Map<string, string | null>;
  /**
   * Its labels, with those of `deploy.labels` (what Traefik reads in swarm mode) where the
   * service's own labels do not have the key.
   */
  labels: Map<string, string | null>;
  /** The keys of `labels` that only `deploy.labels` has. */
  deployLabelKeys: ReadonlySet<string>;
  /** The variables its values are read with (the project's `.env`). */
  variables: Variables;
}

export interface ComposeModel {
  file: ComposeFile;
  /** The file's absolute path, when it was read from one: paths inside it are relative to its directory. */
  origin?: string;
  /** The variables its values are read with (the project's `.env`). */
  variables: Variables;
  style: FileStyle;
  services: ServiceModel[];
  networks: Map<string, NetworkDecl>;
  /** Anchors that some alias refers to, with those aliases: editing such a node changes every place that uses it. */
  referencedAnchors: Map<string, Alias[]>;
}

/** Reads the services, networks and anchors of a parsed compose file. */
export function buildModel(
  file: ComposeFile,
  variables: Variables = NO_VARIABLES,
  origin?: string,
): ComposeModel {
  const servicesNode = file.root.get("services", true);
  const servicesData = (file.data.services ?? {}) as Record<string, Record<string, unknown> | null>;
  const services: ServiceModel[] = [];
  if (isMap(servicesNode)) {
    for (const pair of servicesNode.items) {
      if (!isScalar(pair.key)) continue;
      // as the data has it: a `null` key is the empty string there
      const name = pair.key.value === null ? "" : String(pair.key.value);
      const data = servicesData[name] ?? {};
      services.push(serviceModel(name, pair, data, variables));
    }
  }
  let style: FileStyle | undefined;
  return {
    file,
    origin,
    variables,
    // read only when a file is edited: most files are not
    get style() {
      return (style ??= detectStyle(file.source, file.root));
    },
    services,
    networks: readNetworks(file.data.networks, variables),
    referencedAnchors: referencedAnchors(file),
  };
}

/** A service read from its data; `pair` ties it to its text when it has one in this file. */
export function serviceModel(
  name: string,
  pair: Pair | undefined,
  data: Record<string, unknown>,
  variables: Variables = NO_VARIABLES,
): ServiceModel {
  const node = pair && isMap(pair.value) ? pair.value : undefined;
  const networks = data.networks;
  let membership: Membership[] | null;
  if (data.network_mode != null) membership = null;
  else membership = readMembership(networks);
  // no networks, or an empty list or mapping: Compose puts the service on `default`
  const implicit = data.network_mode == null && membership !== null && membership.length === 0;
  if (implicit) membership = [{ key: "default", settings: null }];
  return {
    name,
    pair,
    node,
    data,
    membership,
    implicitNetworks: implicit,
    ports: Array.isArray(data.ports) ? data.ports.map((p) => parsePort(p, variables)) : [],
    environment: keyValues(data.environment),
    ...labelsOf(data),
    variables,
  };
}

function labelsOf(data: Record<string, unknown>): {
  labels: Map<string, string | null>;
  deployLabelKeys: Set<string>;
} {
  const labels = keyValues(data.labels);
  const deployLabelKeys = new Set<string>();
  const deploy = data.deploy;
  if (deploy && typeof deploy === "object" && (deploy as Record<string, unknown>).labels) {
    for (const [key, value] of keyValues((deploy as Record<string, unknown>).labels)) {
      if (labels.has(key)) continue;
      labels.set(key, value);
      deployLabelKeys.add(key);
    }
  }
  return { labels, deployLabelKeys };
}

function readMembership(networks: unknown): Membership[] {
  if (Array.isArray(networks)) return networks.map((key) => ({ key: String(key), settings: null }));
  if (networks && typeof networks === "object") {
    return Object.entries(networks as Record<string, unknown>).map(([key, settings]) => ({
      key,
      // `proxy:`, `proxy: {}` and `proxy: null` all mean: on it, with no settings
      settings:
        settings &&
        typeof settings === "object" &&
        !Array.isArray(settings) &&
        Object.keys(settings).length
          ? (settings as Record<string, unknown>)
          : null,
    }));
  }
  return [];
}

export function readNetworks(
  value: unknown,
  variables: Variables = NO_VARIABLES,
): Map<string, NetworkDecl> {
  const out = new Map<string, NetworkDecl>();
  if (!value || typeof value !== "object" || Array.isArray(value)) return out;
  for (const [key, config] of Object.entries(value as Record<string, unknown>)) {
    const cfg = (config && typeof config === "object" ? config : {}) as Record<string, unknown>;
    const ext = cfg.external;
    const legacyExternal = !!ext && typeof ext === "object" && !Array.isArray(ext);
    const external = legacyExternal || ext === true || ext === "true";
    const legacyName = legacyExternal ? (ext as Record<string, unknown>).name : undefined;
    const realName = withDefaults(String(legacyName ?? cfg.name ?? key), variables);
    const fixedName =
      !external && typeof cfg.name === "string" ? withDefaults(cfg.name, variables) : undefined;
    out.set(key, { key, external, realName, legacyExternal, fixedName });
  }
  return out;
}

function referencedAnchors(file: ComposeFile): Map<string, Alias[]> {
  const out = new Map<string, Alias[]>();
  if (!file.source.text.includes("*")) return out;
  visit(file.doc, {
    Alias(_key, node) {
      out.set(node.source, [...(out.get(node.source) ?? []), node]);
    },
  });
  return out;
}

/** The service's own `key: value` pair (not one it gets through a merge key). */
export function ownPair(service: ServiceModel, key: string): Pair<Scalar, Node | null> | undefined {
  if (!service.node) return undefined;
  return service.node.items.find((pair) => isScalar(pair.key) && pair.key.value === key) as
    Pair<Scalar, Node | null> | undefined;
}

/** The aliases that refer to an anchor on the node or on a node inside it. */
export function aliasesInto(model: ComposeModel, node: unknown): Alias[] {
  if (!node || typeof node !== "object" || model.referencedAnchors.size === 0) return [];
  const found: Alias[] = [];
  const check = (n: unknown) => {
    const anchor = (n as { anchor?: string }).anchor;
    if (anchor) found.push(...(model.referencedAnchors.get(anchor) ?? []));
  };
  check(node);
  if (isCollection(node)) {
    visit(node as Node, {
      Node(_key, n) {
        if (!isAlias(n)) check(n);
      },
    });
  }
  return found;
}

/** True when the node, or a node inside it, carries an anchor that an alias refers to. */
export function holdsReferencedAnchor(model: ComposeModel, node: unknown): boolean {
  return aliasesInto(model, node).length > 0;
}

/** Same networks with the same settings; order does not matter to Compose. */
export function sameMembership(a: Membership[] | null, b: Membership[] | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  const settings = new Map(b.map((m) => [m.key, JSON.stringify(m.settings)]));
  return a.every((m) => settings.get(m.key) === JSON.stringify(m.settings));
}
