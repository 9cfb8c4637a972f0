import * as nodePath from "node:path";
import {
  hostIndex,
  HostIndex,
  hostSlice,
  ProjectFacts,
  projectFacts,
} from "../analysis/host-index";
import type { LoadedProject } from "../compose/load-project";
import { normalizeProjectName } from "../compose/project-name";
import type { Remember } from "./cache";
import { FileTexts } from "./file-texts";
import { displayPath } from "./read-files";
import { readProject } from "./read-project";

/** The fixed-name networks a project's services are on: `networks: {x: {name: common}}` that is not external. */
export function fixedNetworksOf(project: LoadedProject): string[] {
  const out: string[] = [];
  for (const service of project.merged.services) {
    for (const m of service.membership ?? []) {
      const decl = project.merged.networks.get(m.key);
      if (decl?.fixedName !== undefined && !decl.external) out.push(decl.fixedName);
    }
  }
  return out;
}

/**
 * True when a text may declare a network with a fixed name: an entry of its top-level
 * `networks:` with a `name:` and no `external`. A cheap look at the text, so that most files
 * are parsed once, by their rewrite; a flow-style block is always parsed.
 */
export function mayFixNames(text: string): boolean {
  const at = text.search(/^networks\s*:/m);
  if (at === -1) return false;
  const rest = text.slice(at).split(/\r?\n/);
  if (/[{[]/.test(rest[0].replace(/#.*$/, ""))) return true;
  let entry: string[] | undefined;
  let indent = -1;
  const fixed = (lines: string[] | undefined) =>
    lines !== undefined &&
    lines.some((l) => /^\s+name\s*:/.test(l)) &&
    !lines.some((l) => /^\s+external\s*:/.test(l));
  for (const line of rest.slice(1)) {
    if (/^\S/.test(line)) break;
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    const width = /^ */.exec(line)![0].length;
    if (indent === -1) indent = width;
    if (width === indent) {
      if (fixed(entry)) return true;
      entry = [];
      if (/\{/.test(line)) entry.push(line.replace(/^\s*[^:]+:\s*\{/, " ").replace(/,/g, "\n "));
    } else entry?.push(line);
  }
  return fixed(entry?.flatMap((l) => l.split("\n")));
}

/**
 * True when a text may put a service on a network other projects can be on: it says `external`,
 * declares a network with a fixed name, or includes other files. A cheap look at the text.
 */
export function mayBeShared(text: string): boolean {
  return /\bexternal\s*:/.test(text) || mayFixNames(text) || /^include\s*:/m.test(text);
}

/** What the host scan found: the index, and each unit's facts (none for a unit on no shared network). */
export interface HostScan {
  index: HostIndex;
  facts: (ProjectFacts | undefined)[];
}

/**
 * What the rewrite of each project needs to know of the others: which networks with a fixed
 * name several projects of the run are on, and on the networks several projects can be on,
 * who answers and who reaches which name. Only the projects whose files may put a service on
 * such a network are read for it. With `keepLoads` (a run of one project, whose rewrite follows
 * in this process), the project loaded here is kept in `texts` for the rewrite, read as the
 * rewrite reads it: its files editable only `within` the real paths the user named.
 */
export function scanHost(
  units: string[][],
  cwd: string,
  texts: FileTexts,
  remember: Remember = (_kind, _unit, compute) => compute(texts),
  keepLoads = false,
  within?: readonly string[],
): HostScan {
  const factsOf = (unit: string[], test: (texts: string[]) => boolean) => {
    const read = unit.map((file) => texts.read(file));
    if (!read.every((r) => "text" in r)) return undefined;
    if (!test(read.map((r) => (r as { text: string }).text))) return undefined;
    const found = remember("host-facts", unit, (reads) => {
      // read as the rewrite will read it, which takes the texts from here later
      const project = { take: (file: string) => reads.read(file), readText: reads.readText };
      const load = readProject(unit, project, (p) => displayPath(p, cwd), within);
      if (keepLoads) texts.keepLoad(unit, load);
      return load.kind === "ok" ? projectFacts(load.project.name, load.project.merged) : null;
    });
    return found ?? undefined;
  };
  const facts = units.map((unit) => factsOf(unit, (t) => t.some(mayBeShared)));
  // a project on no shared network of its own may still be joined: another project names one of
  // its networks as external (`npm_default`); those are read too
  const named = new Set<string>();
  for (const f of facts) for (const s of f?.shared ?? []) if (!s.private) named.add(s.network);
  const prefixes = new Set<string>();
  for (const n of named) {
    for (let at = n.indexOf("_"); at !== -1; at = n.indexOf("_", at + 1)) {
      prefixes.add(n.slice(0, at + 1));
    }
  }
  units.forEach((unit, i) => {
    if (facts[i]) return;
    const dirName = normalizeProjectName(nodePath.basename(nodePath.dirname(unit[0])));
    if (prefixes.has(`${dirName}_`)) facts[i] = factsOf(unit, () => true);
  });
  return { index: hostIndex(facts.filter((f): f is ProjectFacts => f !== undefined)), facts };
}

/** What a unit's outcome depends on of the other projects: the part of the index its plan reads. */
export function unitHost(scan: HostScan, i: number): unknown {
  const facts = scan.facts[i];
  return facts ? hostSlice(scan.index, facts) : undefined;
}
