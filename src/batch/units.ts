import * as nodePath from "node:path";
import {
  composeFileSetting,
  DirectoryFacts,
  groupProjectFiles,
  ProjectGrouping,
} from "../compose/project-files";
import { includedFiles } from "../compose/load-project";
import { NO_VARIABLES, parseDotEnv } from "../compose/values";
import { parseYaml } from "../yaml/parse-yaml";
import type { Reads, Remember } from "./cache";
import { FileTexts } from "./file-texts";
import { siblingDecision } from "./siblings";

/**
 * The files a file's top-level `include:` names, as its project's loader reads them (with the
 * `${VAR}` of the `.env` beside it); none when it has none, remote ones left out.
 */
function includedBy(file: string, reads: Reads): string[] {
  const read = reads.read(file);
  if (!("text" in read) || !/^include\s*:/m.test(read.text)) return [];
  const parsed = parseYaml(read.text, file);
  if (parsed.kind !== "ok") return [];
  const data = parsed.yaml.data as Record<string, unknown> | null;
  if (!Array.isArray(data?.include)) return [];
  const env = reads.readText(nodePath.join(nodePath.dirname(file), ".env"));
  const variables = typeof env === "string" ? parseDotEnv(env) : NO_VARIABLES;
  return includedFiles(data.include, variables, file).flatMap((f) => f.absolute ?? []);
}

/** What a directory holds beyond its files' names, read through `texts` (and remembered). */
function directoryFacts(texts: FileTexts, remember: Remember): DirectoryFacts {
  return {
    composeFile: (dir) => {
      const env = texts.peek(nodePath.join(dir, ".env"));
      return "text" in env ? composeFileSetting(env.text, dir) : undefined;
    },
    siblings: (base, siblings) =>
      remember("siblings", [base, ...siblings], (reads) => siblingDecision(base, siblings, reads)),
  };
}

/**
 * The units of a run, each the files Compose reads together, in discovery order (see
 * {@link groupProjectFiles}), with warnings on files read apart that may belong together. A
 * file that another unit of the run includes is part of that unit's project, not a project
 * of its own: it is read and rewritten with it, once. (Of units that only include each other,
 * the first stays.)
 */
export function projectUnits(
  files: string[],
  texts: FileTexts = new FileTexts(),
  remember: Remember = (_kind, _unit, compute) => compute(texts),
): ProjectGrouping {
  const grouping = groupProjectFiles(files, directoryFacts(texts, remember));
  return { units: absorbIncludes(grouping.units, texts, remember), warnings: grouping.warnings };
}

/** The units left once the files that others include are theirs. */
function absorbIncludes(units: string[][], texts: FileTexts, remember: Remember): string[][] {
  const unitOf = new Map<string, number>();
  units.forEach((unit, i) => unit.forEach((f) => unitOf.set(nodePath.resolve(f), i)));
  const includes = units.map((unit, i) => {
    const targets = new Set<number>();
    const read = texts.read(unit[0]);
    // most files include nothing, which a look at the text tells: nothing to remember of them
    if ("text" in read && !/^include\s*:/m.test(read.text)) return targets;
    for (const path of remember("includes", [unit[0]], (reads) => includedBy(unit[0], reads))) {
      const target = unitOf.get(path);
      if (target !== undefined && target !== i) targets.add(target);
    }
    return targets;
  });
  if (includes.every((t) => t.size === 0)) return units;
  const included = new Set(includes.flatMap((t) => [...t]));
  const absorbed = new Set<number>();
  const visit = (from: number) => {
    for (const target of includes[from]) {
      if (absorbed.has(target)) continue;
      absorbed.add(target);
      visit(target);
    }
  };
  units.forEach((_u, i) => {
    if (!included.has(i)) visit(i);
  });
  // a cycle that no other unit includes keeps its first unit
  units.forEach((_u, i) => {
    if (!absorbed.has(i) && included.has(i)) {
      visit(i);
      absorbed.delete(i);
    }
  });
  return units.filter((_u, i) => !absorbed.has(i));
}
