import * as nodePath from "node:path";
import { hostIndex, HostIndex } from "../analysis/host-index";
import { LoadedProject, loadProject, SourceFile } from "../compose/load-project";
import { FileTexts } from "./file-texts";
import { displayPath } from "./read-files";

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
 * What the rewrite of each project needs to know of the others: which networks with a fixed
 * name several projects of the run are on. Only the projects whose files may declare such a
 * network are read for it.
 */
export function scanHost(units: string[][], cwd: string, texts: FileTexts): HostIndex {
  const projects: { name: string; fixedNetworks: string[] }[] = [];
  for (const unit of units) {
    const files: SourceFile[] = [];
    for (const file of unit) {
      const read = texts.read(file);
      if (!("text" in read)) break;
      files.push({ path: displayPath(file, cwd), absolute: file, text: read.text });
    }
    if (files.length !== unit.length || !files.some((f) => mayFixNames(f.text))) continue;
    const load = loadProject({
      dir: nodePath.dirname(files[0].absolute),
      files,
      readText: texts.readText,
      show: (p) => displayPath(p, cwd),
    });
    if (load.kind === "ok") {
      projects.push({ name: load.project.name, fixedNetworks: fixedNetworksOf(load.project) });
    }
  }
  return hostIndex(projects);
}
