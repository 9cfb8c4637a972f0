import { parse, stringify } from "yaml";

/** One service of a stand-in file: what it runs as and where it answers. */
export interface StandinService {
  name: string;
  /** The image name it keeps (interpolation resolved, digest dropped), tagged onto the stand-in. */
  image: string;
  /** The TCP port its httpd listens on. */
  port: number;
  /** What it answers with: `<project>/<service>`. */
  identity: string;
  networkMode?: string;
}

export interface StandinFile {
  text: string;
  services: StandinService[];
}

export interface StandinOptions {
  project: string;
  /** Real name of the host's shared network; external networks are pointed at it. */
  proxyNetwork: string;
  /** A free loopback port for each published port kept. */
  hostPort: () => number;
  /** Said in the first line of the file. */
  origin?: string;
}

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => !!v && typeof v === "object" && !Array.isArray(v);

// what each kind of data store listens on when the file names no port for it
const IMAGE_PORTS: [RegExp, number][] = [
  [/postgres|postgis|pgvecto|timescale/, 5432],
  [/mariadb|mysql/, 3306],
  [/redis|valkey|keydb|dragonfly/, 6379],
  [/mongo/, 27017],
  [/memcached/, 11211],
  [/elasticsearch|opensearch/, 9200],
];

/**
 * Rewrites a compose file into its stand-in: every service runs the stand-in image's httpd,
 * answering `<project>/<service>` on a port of its own, and keeps only what decides its networks
 * and its role (image, networks with aliases, network_mode, links, depends_on, VIRTUAL_HOST and
 * VIRTUAL_PORT, labels, x-composemod, ports remapped to free loopback ports). External networks
 * are pointed at the host's proxy network, networks used but not declared are declared as it, and
 * a file none of whose services is on it is put behind it as the article's second snippet does:
 * `networks: default: external: name: proxy`, with `default` added to explicit network lists.
 */
export function toStandinCompose(source: string, options: StandinOptions): StandinFile {
  const doc: unknown = parse(source, { merge: true, uniqueKeys: false });
  if (!isDict(doc) || !isDict(doc.services)) throw new Error("not a compose file with services");
  const out: Dict = {};
  for (const key of ["version", "name", "include", "x-composemod"]) {
    if (doc[key] !== undefined) out[key] = doc[key];
  }
  const networks = standinNetworks(doc.networks, options.proxyNetwork);
  const services: Dict = {};
  const standins: StandinService[] = [];
  for (const [name, raw] of Object.entries(doc.services)) {
    const service = isDict(raw) ? raw : {};
    const { data, standin } = standinService(name, service, options);
    services[name] = data;
    standins.push(standin);
    for (const key of networkKeys(data)) {
      if (key !== "default" && !(key in networks)) {
        networks[key] = { external: true, name: options.proxyNetwork };
      }
    }
  }
  out.services = services;
  if (!standins.some((s) => onProxy(services[s.name] as Dict, networks, options.proxyNetwork))) {
    networks.default = { external: { name: options.proxyNetwork } };
    for (const data of Object.values(services) as Dict[]) {
      if (data.network_mode !== undefined || data.networks === undefined) continue;
      if (Array.isArray(data.networks)) data.networks.push("default");
      else if (isDict(data.networks)) data.networks.default = null;
    }
  }
  if (Object.keys(networks).length) out.networks = networks;
  const header = options.origin ? `# stand-in of ${options.origin}\n` : "";
  return { text: header + stringify(out, { lineWidth: 0 }), services: standins };
}

function standinService(
  name: string,
  service: Dict,
  options: StandinOptions,
): { data: Dict; standin: StandinService } {
  const fallbackImage = `composemod-e2e/${options.project}-${name}`.toLowerCase();
  const image = standinImageName(service.image, fallbackImage);
  const data: Dict = { image };
  const networkMode = typeof service.network_mode === "string" ? service.network_mode : undefined;
  if (networkMode) data.network_mode = networkMode;
  if (Array.isArray(service.networks)) data.networks = service.networks.map(String);
  else if (isDict(service.networks)) {
    const nets: Dict = {};
    for (const [key, value] of Object.entries(service.networks)) {
      const aliases =
        isDict(value) && Array.isArray(value.aliases) ? value.aliases.map(String) : undefined;
      nets[key] = aliases ? { aliases } : isDict(value) ? {} : null;
    }
    data.networks = nets;
  }
  if (Array.isArray(service.links)) data.links = service.links.map(String);
  if (Array.isArray(service.depends_on)) data.depends_on = service.depends_on.map(String);
  else if (isDict(service.depends_on)) data.depends_on = Object.keys(service.depends_on);
  const environment = routingEnvironment(service.environment);
  if (environment) data.environment = environment;
  if (service.labels !== undefined) data.labels = service.labels;
  if (service["x-composemod"] !== undefined) data["x-composemod"] = service["x-composemod"];
  const ports = publishedPorts(service.ports, options.hostPort);
  if (ports.length) data.ports = ports;
  const port = servicePort(service, image);
  const identity = `${options.project}/${name}`;
  data.entrypoint = [
    "/bin/sh",
    "-c",
    networkMode === "host" ? "exec sleep 86400" : httpdScript(identity, port),
  ];
  return { data, standin: { name, image, port, identity, networkMode } };
}

/**
 * The shell command a stand-in container runs: busybox httpd on the port, serving the identity
 * as its index page, under a shell that ends on SIGTERM.
 */
export function httpdScript(identity: string, port: number): string {
  // PID 1 ignores signals it has no handler for: the trap lets `docker stop` end it at once
  return `trap 'exit 0' TERM; mkdir -p /www; echo '${identity}' > /www/index.html; httpd -f -p ${port} -h /www & wait`;
}

function standinNetworks(raw: unknown, proxyNetwork: string): Dict {
  const networks: Dict = {};
  if (!isDict(raw)) return networks;
  for (const [key, value] of Object.entries(raw)) {
    if (!isDict(value)) {
      networks[key] = null;
      continue;
    }
    const net: Dict = {};
    if (isDict(value.external)) net.external = { name: proxyNetwork };
    else if (value.external === true || value.external === "true") {
      net.external = true;
      net.name = proxyNetwork;
    }
    if (typeof value.name === "string" && !net.external) net.name = value.name;
    if (value.internal !== undefined) net.internal = value.internal;
    if (value.driver === "bridge") net.driver = "bridge";
    networks[key] = net;
  }
  return networks;
}

function networkKeys(service: Dict): string[] {
  if (Array.isArray(service.networks)) return service.networks.map(String);
  if (isDict(service.networks)) return Object.keys(service.networks);
  return [];
}

function onProxy(service: Dict, networks: Dict, proxyNetwork: string): boolean {
  if (service.network_mode !== undefined) return false;
  const keys = service.networks === undefined ? ["default"] : networkKeys(service);
  return keys.some((key) => {
    const net = networks[key];
    if (!isDict(net)) return false;
    const real = isDict(net.external) ? net.external.name : net.name;
    return !!net.external && real === proxyNetwork;
  });
}

/** The image name with `${VAR:-default}` read, other variables emptied and a digest dropped. */
export function standinImageName(image: unknown, fallback: string): string {
  const resolved = String(image ?? "")
    .trim()
    .replace(/\$\{([A-Za-z_]\w*)(:?-)([^}]*)\}/g, (_m, _v, _op, def: string) => def)
    .replace(/\$\{[^}]*\}|\$[A-Za-z_]\w*/g, "")
    .replace(/@sha256:[0-9a-f]+$/i, "")
    .replace(/:$/, "");
  return /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/.test(resolved)
    ? resolved
    : fallback;
}

function routingEnvironment(environment: unknown): unknown {
  const keep = (key: string) => /^VIRTUAL_(HOST|PORT)$/.test(key);
  if (Array.isArray(environment)) {
    const kept = environment.map(String).filter((e) => keep(e.split("=")[0]));
    return kept.length ? kept : undefined;
  }
  if (isDict(environment)) {
    const kept = Object.entries(environment).filter(([k]) => keep(k));
    return kept.length ? Object.fromEntries(kept) : undefined;
  }
  return undefined;
}

function defaultsRead(text: string): string {
  return text.replace(/\$\{[A-Za-z_]\w*:?-([^}]*)\}/g, "$1");
}

/** The container side of a port entry: `[ip:][host:]container[/proto]` or `{target, protocol}`. */
export function containerPort(entry: unknown): { port: number; protocol: string } | undefined {
  if (typeof entry === "number") return { port: entry, protocol: "tcp" };
  if (isDict(entry)) {
    const port = Number(defaultsRead(String(entry.target ?? "")));
    return Number.isInteger(port) && port > 0
      ? { port, protocol: String(entry.protocol ?? "tcp") }
      : undefined;
  }
  if (typeof entry !== "string") return undefined;
  const [spec, protocol = "tcp"] = defaultsRead(entry).split("/");
  const last = spec.split(":").pop() ?? "";
  const port = Number(last);
  return /^\d+$/.test(last) && port > 0 && port < 65536 ? { port, protocol } : undefined;
}

function publishedPorts(ports: unknown, hostPort: () => number): string[] {
  if (!Array.isArray(ports)) return [];
  const out: string[] = [];
  for (const entry of ports) {
    const c = containerPort(entry);
    if (!c) continue;
    out.push(`127.0.0.1:${hostPort()}:${c.port}${c.protocol === "tcp" ? "" : `/${c.protocol}`}`);
  }
  return out;
}

function servicePort(service: Dict, image: string): number {
  const env = service.environment;
  const virtualPort = Array.isArray(env)
    ? env
        .map(String)
        .find((e) => e.startsWith("VIRTUAL_PORT="))
        ?.split("=")[1]
    : isDict(env)
      ? env.VIRTUAL_PORT
      : undefined;
  const labels = service.labels;
  const labelPort = Array.isArray(labels)
    ? labels
        .map(String)
        .find((l) => /loadbalancer\.server\.port=/.test(l))
        ?.split("=")[1]
    : isDict(labels)
      ? Object.entries(labels).find(([k]) => k.endsWith("loadbalancer.server.port"))?.[1]
      : undefined;
  const published = Array.isArray(service.ports)
    ? service.ports.map(containerPort).find((p) => p?.protocol === "tcp")?.port
    : undefined;
  const exposed = Array.isArray(service.expose)
    ? service.expose.map((e) => Number(String(e).split("/")[0])).find((p) => p > 0)
    : undefined;
  for (const candidate of [virtualPort, labelPort, published, exposed]) {
    const port = Number(defaultsRead(String(candidate ?? "")));
    if (Number.isInteger(port) && port > 0 && port < 65536) return port;
  }
  return IMAGE_PORTS.find(([pattern]) => pattern.test(image))?.[1] ?? 80;
}
