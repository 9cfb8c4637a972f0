import type { Pair } from "yaml";
import { ComposeModel, readNetworks, serviceModel } from "./model";
import { keyValues } from "./values";

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

/**
 * The data of a file named by `extends: {file: ...}`, relative to the project: read and parsed
 * by the project's loader, which reports what it cannot read; none: not available.
 */
export type ReadRelative = (path: string, from: string | undefined) => Data | undefined;

function serviceFromFile(
  read: ReadRelative | undefined,
  file: string,
  service: string,
  from: string | undefined,
): Data | undefined {
  const data = read?.(file, from);
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
  // one file with nothing to inherit is its own merged view: only the anchors stay its own
  if (models.length === 1 && !(resolveExtends && models[0].services.some((s) => s.data.extends))) {
    const [model] = models;
    return {
      file: model.file,
      origin: model.origin,
      variables: model.variables,
      get style() {
        return model.style;
      },
      services: model.services,
      networks: model.networks,
      referencedAnchors: new Map(),
    };
  }
  const names: string[] = [];
  const data = new Map<string, Data>();
  const pairs = new Map<string, Pair>();
  // the file a service's `extends` comes from: its `file:` is relative to it
  const extendsIn = new Map<string, string | undefined>();
  for (const model of models) {
    for (const service of model.services) {
      if (service.data.extends !== undefined) extendsIn.set(service.name, model.origin);
      if (!data.has(service.name)) names.push(service.name);
      if (service.pair && !pairs.has(service.name)) pairs.set(service.name, service.pair);
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
      const base = serviceFromFile(read, ext.file, from, extendsIn.get(name));
      return base ? mergeServiceData(base, rest) : own;
    }
    if (seen.has(from) || !data.has(from)) return own;
    return mergeServiceData(inherited(from, new Set([...seen, from])), rest);
  };
  let networks: Data = {};
  for (const model of models)
    networks = { ...networks, ...asNetworkMapping(model.file.data.networks) };
  const variables = models[0].variables;
  return {
    file: models[0].file,
    variables,
    style: models[0].style,
    services: names.map((name) =>
      serviceModel(name, pairs.get(name), inherited(name, new Set([name])), variables),
    ),
    networks: readNetworks(networks, variables),
    referencedAnchors: new Map(),
  };
}
