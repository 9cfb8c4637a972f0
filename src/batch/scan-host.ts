import * as nodePath from "node:path";
import { hostIndex, HostIndex } from "../analysis/host-index";
import { LoadedProject, loadProject, SourceFile } from "../compose/load-project";
import type { Remember } from "./cache";
import { FileTexts } from "./file-texts";
import { displayPath, ReadOutcome } from "./read-files";

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
 * Whether a unit's files may bring a fixed-name network into its project: declared in one of
 * them, or in a file one of them includes. Only such a project's outcome depends on the others.
 */
export function mayBringFixedNames(reads: readonly ReadOutcome[]): boolean {
  return reads.some((read) => {
    if (!("text" in read)) return false;
    let may = looked.get(read);
    if (may === undefined) {
      may = mayFixNames(read.text) || /^include\s*:/m.test(read.text);
      looked.set(read, may);
    }
    return may;
  });
}

/** What `mayBringFixedNames` found of a text as read: the host scan and the cache both ask. */
const looked = new WeakMap<ReadOutcome, boolean>();

/**
 * What the rewrite of each project needs to know of the others: which networks with a fixed
 * name several projects of the run are on. Only the projects whose files may declare such a
 * network, or include a file that may, are read for it.
 */
export function scanHost(
  units: string[][],
  cwd: string,
  texts: FileTexts,
  remember: Remember = (_kind, _unit, compute) => compute(texts),
): HostIndex {
  const projects: { name: string; fixedNetworks: string[] }[] = [];
  for (const unit of units) {
    const read = unit.map((file) => texts.read(file));
    if (!read.every((r) => "text" in r) || !mayBringFixedNames(read)) continue;
    const files: SourceFile[] = unit.map((file, i) => ({
      path: displayPath(file, cwd),
      absolute: file,
      text: (read[i] as { text: string }).text,
    }));
    const project = remember("fixed-networks", unit, (reads) => {
      for (const file of unit) reads.read(file);
      const load = loadProject({
        dir: nodePath.dirname(files[0].absolute),
        files,
        readText: reads.readText,
        show: (p) => displayPath(p, cwd),
      });
      return load.kind === "ok"
        ? { name: load.project.name, fixedNetworks: fixedNetworksOf(load.project) }
        : null;
    });
    if (project) projects.push(project);
  }
  return hostIndex(projects);
}
