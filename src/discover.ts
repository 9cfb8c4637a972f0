import { promises as fs } from "node:fs";
import * as nodePath from "node:path";

/** File names a directory walk picks up as compose files. */
export const COMPOSE_FILE_NAME =
  /^(compose|docker-compose)(\.[\w.-]+)?\.ya?ml$|^[\w.-]+\.compose\.ya?ml$/;

const SKIPPED_DIRS = new Set([".git", "node_modules"]);

export interface Discovered {
  files: string[];
  /** Paths that do not exist or cannot be read, with the reason. */
  missing: { path: string; message: string }[];
}

/**
 * Expands the command line's paths: files are taken whatever their name, directories are walked
 * (without following symbolic links to directories) for compose file names. Order is stable.
 */
export async function discover(paths: string[]): Promise<Discovered> {
  const files: string[] = [];
  const missing: Discovered["missing"] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (!seen.has(file)) {
      seen.add(file);
      files.push(file);
    }
  };
  for (const path of paths) {
    let stat;
    try {
      stat = await fs.stat(path);
    } catch (error) {
      missing.push({ path, message: (error as NodeJS.ErrnoException).code ?? String(error) });
      continue;
    }
    if (stat.isDirectory()) {
      for (const file of await walk(path)) add(file);
    } else add(path);
  }
  return { files, missing };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = nodePath.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...(await walk(full)));
    } else if ((entry.isFile() || entry.isSymbolicLink()) && COMPOSE_FILE_NAME.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}
