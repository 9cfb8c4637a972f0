import { parseDocument } from "yaml";
import { ComposeModel, keyValues, readNetworks, serviceModel } from "./model";
import { MAX_ALIAS_COUNT } from "./parse";

type Data = Record<string, unknown>;
const isObject = (v: unknown): v is Data => !!v && typeof v === "object" && !Array.isArray(v);

/** `environment` and `labels` as a mapping, whichever form a file uses. */
function asMapping(value: unknown): Data {
  return isObject(value) ? value : Object.fromEntries(keyValues(value));
}

function asNetworkMapping(value: unknown): Data {
  if (Array.isArray(value)) return Object.fromEntries(value.map((k) => [String(k), null]));
  return isObject(value) ? value : {};
}

/** A service as Compose merges it from two files: mappings by key, ports and volumes appended. */
export function mergeServiceData(base: Data, over: Data): Data {
  const out: Data = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const was = out[key];
    if (key === "environment" || key === "labels") {
      out[key] = { ...asMapping(was), ...asMapping(value) };
    } else if (key === "networks") {
      out[key] = { ...asNetworkMapping(was), ...asNetworkMapping(value) };
    } else if ((key === "ports" || key === "volumes" || key === "expose") && Array.isArray(value)) {
      out[key] = [...(Array.isArray(was) ? was : []), ...value];
    } else if (isObject(was) && isObject(value)) {
      out[key] = { ...was, ...value };
    } else out[key] = value;
  }
  return out;
}

/** Reads a file named by `extends: {file: ...}`, relative to the compose file; none: not read. */
export type ReadRelative = (path: string) => string | undefined;

function serviceFromFile(
  read: ReadRelative | undefined,
  file: string,
  service: string,
): Data | undefined {
  const text = read?.(file);
  if (text === undefined) return undefined;
  const doc = parseDocument(text, { merge: true, logLevel: "error" });
  if (doc.errors.length) return undefined;
  const data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Data | null;
  const found = (data?.services as Data | undefined)?.[service];
  return isObject(found) ? found : undefined;
}

/**
 * The project as one compose file would say it: services and networks of every file merged.
 * With `resolveExtends`, a service also holds what it `extends` (in the project, or in another
 * file when `read` can read it): what classification looks at, not what is edited.
 */
export function mergedModel(
  models: ComposeModel[],
  resolveExtends: boolean,
  read?: ReadRelative,
): ComposeModel {
  const names: string[] = [];
  const data = new Map<string, Data>();
  for (const model of models) {
    for (const service of model.services) {
      if (!data.has(service.name)) names.push(service.name);
      data.set(service.name, mergeServiceData(data.get(service.name) ?? {}, service.data));
    }
  }
  const inherited = (name: string, seen: Set<string>): Data => {
    const own = data.get(name) ?? {};
    const ext = own.extends;
    if (!resolveExtends || !ext) return own;
    const { extends: _e, ...rest } = own;
    const from = typeof ext === "string" ? ext : isObject(ext) ? ext.service : undefined;
    if (typeof from !== "string") return own;
    if (isObject(ext) && typeof ext.file === "string") {
      const base = serviceFromFile(read, ext.file, from);
      return base ? mergeServiceData(base, rest) : own;
    }
    if (seen.has(from) || !data.has(from)) return own;
    return mergeServiceData(inherited(from, new Set([...seen, from])), rest);
  };
  let networks: Data = {};
  for (const model of models)
    networks = { ...networks, ...asNetworkMapping(model.file.data.networks) };
  return {
    file: models[0].file,
    style: models[0].style,
    services: names.map((name) => {
      const pair = models.map((m) => m.services.find((s) => s.name === name)?.pair).find((p) => p);
      return serviceModel(name, pair, inherited(name, new Set([name])));
    }),
    networks: readNetworks(networks),
    referencedAnchors: new Map(),
  };
}
