import * as nodePath from "node:path";

/** The file names Compose reads by itself, in its order of preference. */
export const BASE_FILE_NAMES = [
  "compose.yaml",
  "compose.yml",
  "docker-compose.yaml",
  "docker-compose.yml",
];
const OVERRIDE_FILE_NAME = /^(compose|docker-compose)\.override\.ya?ml$/;

/**
 * Groups files into what Compose reads together: a directory's base file with the override files
 * beside it. Every other file is a unit of its own. Units keep the order of their first file.
 */
export function groupProjects(files: string[]): string[][] {
  const byDir = new Map<string, string[]>();
  for (const file of files) {
    const dir = nodePath.dirname(file);
    const list = byDir.get(dir);
    if (list) list.push(file);
    else byDir.set(dir, [file]);
  }
  const unitOf = new Map<string, string[]>();
  for (const inDir of byDir.values()) {
    const names = inDir.map((f) => nodePath.basename(f));
    const baseName = BASE_FILE_NAMES.find((n) => names.includes(n));
    // Compose reads the override of the base file's own family: compose.* or docker-compose.*
    const family = baseName?.startsWith("docker-") ? "docker-compose" : "compose";
    const overrides = inDir.filter((f) => {
      const m = OVERRIDE_FILE_NAME.exec(nodePath.basename(f));
      return m !== null && m[1] === family;
    });
    if (baseName && overrides.length) {
      const unit = [inDir[names.indexOf(baseName)], ...overrides];
      for (const f of unit) unitOf.set(f, unit);
    }
  }
  const units: string[][] = [];
  const placed = new Set<string[]>();
  for (const file of files) {
    const unit = unitOf.get(file);
    if (!unit) units.push([file]);
    else if (!placed.has(unit)) {
      placed.add(unit);
      units.push(unit);
    }
  }
  return units;
}
