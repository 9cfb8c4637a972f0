import * as nodePath from "node:path";
import { isDataStore } from "../analysis/evidence";
import { parseComposeFile } from "../compose/compose-file";
import { serviceModel } from "../compose/model";
import { composeFileLine, SiblingDecision } from "../compose/project-files";
import { keyValues, parseDotEnv, Variables } from "../compose/values";
import type { Warning } from "../base/warning";
import type { Reads } from "./cache";

type Data = Record<string, unknown>;
const isObject = (v: unknown): v is Data => !!v && typeof v === "object" && !Array.isArray(v);

/** A compose file as the sibling rules read it: its services and top-level keys, as data. */
interface Sides {
  name: string;
  data: Data;
  services: Map<string, Data>;
}

/** How a compose file beside a base file stands to the base file's project. */
type Relation =
  /** Not a compose file composemod reads as such, or one the base file reads itself. */
  | { kind: "apart" }
  /** A project of its own that stands for the base file's: it redefines the base's services. */
  | { kind: "alternative"; redefined: string[] }
  /** A part of the base file's project: what it sets, as `service.key` and `+service` (added). */
  | { kind: "part"; touches: string[] }
  /** It only adds services, and nothing ties them to the base file's. */
  | { kind: "loose"; added: string[] };

const list = (names: string[]) => names.map((n) => `\`${n}\``).join(", ");

function readSides(reads: Reads, absolute: string): Sides | undefined {
  const read = reads.read(absolute);
  if (!("text" in read)) return undefined;
  const name = nodePath.basename(absolute);
  const parsed = parseComposeFile(read.text, name, { servicesOptional: true });
  if (parsed.kind !== "ok") return undefined;
  const data = parsed.file.data;
  const services = new Map<string, Data>();
  if (isObject(data.services)) {
    for (const [key, value] of Object.entries(data.services)) {
      services.set(key, isObject(value) ? value : {});
    }
  }
  return { name, data, services };
}

/** The services a service names: `depends_on`, `links`, `volumes_from`, `service:`, `extends`. */
function neighbours(service: Data): string[] {
  const out: string[] = [];
  const dependsOn = service.depends_on;
  if (Array.isArray(dependsOn)) out.push(...dependsOn.map(String));
  else if (isObject(dependsOn)) out.push(...Object.keys(dependsOn));
  if (Array.isArray(service.links)) out.push(...service.links.map((l) => String(l).split(":")[0]));
  if (Array.isArray(service.volumes_from)) {
    for (const v of service.volumes_from.map(String)) {
      if (!v.startsWith("container:")) out.push(v.replace(/^service:/, "").split(":")[0]);
    }
  }
  for (const key of ["network_mode", "pid", "ipc"]) {
    const value = service[key];
    if (typeof value === "string" && value.startsWith("service:")) out.push(value.slice(8));
  }
  const ext = service.extends;
  if (typeof ext === "string") out.push(ext);
  else if (isObject(ext) && ext.file === undefined && typeof ext.service === "string") {
    out.push(ext.service);
  }
  return out;
}

/** Whether a value names a host: `db`, `db:5432`, `postgres://u@db/x`, `http://web:8000`. */
function namesHost(value: string, host: string): boolean {
  const escaped = host.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|//|@)${escaped}(:\\d+)?($|[/?#])`).test(value.trim());
}

/** Whether a service of `from` names one of `to`: as a neighbour, or as a host in its environment. */
function names(from: Map<string, Data>, to: Map<string, Data>): boolean {
  for (const service of from.values()) {
    if (neighbours(service).some((n) => to.has(n))) return true;
    for (const [, value] of keyValues(service.environment)) {
      if (value !== null && [...to.keys()].some((t) => namesHost(value, t))) return true;
    }
  }
  return false;
}

/** The top-level `networks` or `volumes` keys that `services` use (named volumes, not paths). */
function usedKeys(services: Map<string, Data>, section: "networks" | "volumes"): string[] {
  const out: string[] = [];
  for (const service of services.values()) {
    const value = service[section];
    if (section === "networks") {
      if (Array.isArray(value)) out.push(...value.map(String));
      else if (isObject(value)) out.push(...Object.keys(value));
    } else if (Array.isArray(value)) {
      for (const v of value) {
        const source = isObject(v)
          ? v.source
          : String(v).split(":").length > 1
            ? String(v).split(":")[0]
            : undefined;
        if (typeof source === "string" && /^[\w][\w.-]*$/.test(source)) out.push(source);
      }
    }
  }
  return out;
}

/** How `sibling` stands to the base file's project. */
function relationOf(base: Sides, sibling: Sides, variables: Variables): Relation {
  if (typeof sibling.data.name === "string" && sibling.data.name !== base.data.name) {
    return { kind: "alternative", redefined: [] };
  }
  const touches: string[] = [];
  const redefined: string[] = [];
  const changed: string[] = [];
  const added = new Map<string, Data>();
  for (const [name, service] of sibling.services) {
    if (!base.services.has(name)) {
      added.set(name, service);
      touches.push(`+${name}`);
    } else if (service.image !== undefined || service.build !== undefined) redefined.push(name);
    else {
      changed.push(name);
      touches.push(...Object.keys(service).map((key) => `${name}.${key}`));
    }
  }
  if (redefined.length) return { kind: "alternative", redefined };
  // an override's way: services of the base, changed, and perhaps services added to them
  if (changed.length) return { kind: "part", touches };
  if (added.size === 0) return { kind: "apart" };
  const tied =
    names(added, base.services) ||
    names(base.services, added) ||
    usesWhatOnlyBaseDeclares(sibling, base, added) ||
    [...added].some(([name, data]) => isDataStore(serviceModel(name, undefined, data, variables)));
  return tied ? { kind: "part", touches } : { kind: "loose", added: [...added.keys()] };
}

/** Whether the added services use a network or volume that only the base file declares. */
function usesWhatOnlyBaseDeclares(sibling: Sides, base: Sides, added: Map<string, Data>): boolean {
  return (["networks", "volumes"] as const).some((section) => {
    const own = isObject(sibling.data[section]) ? (sibling.data[section] as Data) : {};
    const theirs = isObject(base.data[section]) ? (base.data[section] as Data) : {};
    return usedKeys(added, section).some((k) => k !== "default" && !(k in own) && k in theirs);
  });
}

/**
 * The names of the files the base file reads itself: those its services extend, and those it
 * includes (by name alone: `remote:cycle/compose-cycle.yaml` names the file beside it too).
 */
function readByBase(sides: Sides): Set<string> {
  const out = new Set<string>();
  for (const service of sides.services.values()) {
    const ext = service.extends;
    if (isObject(ext) && typeof ext.file === "string") out.add(nodePath.basename(ext.file));
  }
  const include = sides.data.include;
  for (const entry of Array.isArray(include) ? include : []) {
    const paths = typeof entry === "string" ? [entry] : isObject(entry) ? [entry.path].flat() : [];
    for (const p of paths) if (typeof p === "string") out.add(nodePath.basename(p));
  }
  return out;
}

function apart(file: string, base: string, why: string): [string, Warning] {
  const dir = nodePath.dirname(base);
  const name = nodePath.basename(file);
  const baseName = nodePath.basename(base);
  return [
    file,
    {
      code: "project-files-apart",
      message: `${why}, so it is read as a project of its own; if Compose starts the two together (\`docker compose -f ${baseName} -f ${name}\`), \`${composeFileLine(dir, [base, file])}\` in the directory's .env makes composemod read them as one project`,
    },
  ];
}

/**
 * Which compose files beside a base file are parts of its project: read with it as one project,
 * as `docker compose -f base -f part` reads them (the files of one directory share one project
 * name, and so its networks). A part changes services of the base file without an image of its
 * own (an override's way), or adds services that something ties to the base file's: a
 * dependency or a host name either way, a network or volume only the base file declares, or a
 * data store (the project's database in a file of its own, `docker-compose-db.yml`).
 *
 * A file that redefines the base file's services with images of their own is an alternative
 * to it (`docker-compose-rpi-arm.yml`), a project of its own. When in doubt, files stay apart,
 * with a warning that says what would read them together: beside an alternative (a directory
 * of variants or test scenarios: which file a part goes with is unclear), when two parts set
 * the same thing (`docker-compose.nginx.yml` and `docker-compose.without-nginx.yml`: two
 * choices, not two parts), and for added services that nothing ties to the base file's.
 */
export function siblingDecision(base: string, siblings: string[], reads: Reads): SiblingDecision {
  const decision: SiblingDecision = { fragments: [], warnings: [] };
  const baseSides = readSides(reads, base);
  // a base file with no services (Compose 1's format, say) is a part of nothing
  if (!baseSides || baseSides.services.size === 0) return decision;
  const env = reads.read(nodePath.join(nodePath.dirname(base), ".env"));
  const variables = "text" in env ? parseDotEnv(env.text) : new Map<string, string>();
  const referenced = readByBase(baseSides);
  const relations = siblings.map((file) => {
    const sides = referenced.has(nodePath.basename(file)) ? undefined : readSides(reads, file);
    return sides ? relationOf(baseSides, sides, variables) : ({ kind: "apart" } as const);
  });
  const alternatives = siblings.filter((_f, i) => relations[i].kind === "alternative");
  siblings.forEach((file, i) => {
    const relation = relations[i];
    const name = `\`${nodePath.basename(file)}\``;
    if (relation.kind === "loose") {
      decision.warnings.push(
        apart(
          file,
          base,
          `${name} adds ${list(relation.added)} beside \`${baseSides.name}\`, and nothing ties them to its services`,
        ),
      );
      return;
    }
    if (relation.kind !== "part") return;
    if (alternatives.length) {
      const [first] = alternatives;
      const redefined = (relations[siblings.indexOf(first)] as { redefined: string[] }).redefined;
      const how = redefined.length ? ` (it redefines ${list(redefined)})` : "";
      decision.warnings.push(
        apart(
          file,
          base,
          `${name} changes the project of \`${baseSides.name}\`, but \`${nodePath.basename(first)}\` beside it is an alternative to that file${how}, so which one it goes with is unclear`,
        ),
      );
      return;
    }
    // what this part sets that another part sets too
    const shared = new Set<string>();
    const rivals = siblings.filter((_other, k) => {
      const theirs = relations[k];
      if (k === i || theirs.kind !== "part") return false;
      const both = relation.touches.filter((t) => theirs.touches.includes(t));
      both.forEach((t) => shared.add(t.replace(/^\+/, "")));
      return both.length > 0;
    });
    if (rivals.length) {
      decision.warnings.push(
        apart(
          file,
          base,
          `${name} and ${list(rivals.map((f) => nodePath.basename(f)))} both set ${list([...shared])} of the project of \`${baseSides.name}\`: they are choices, not parts of one project`,
        ),
      );
      return;
    }
    decision.fragments.push(file);
  });
  return decision;
}
