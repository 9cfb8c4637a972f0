import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";

/** The shared corpus of real compose files: $COMPOSEMOD_CORPUS, else ../shared/corpus beside the repo. */
export function corpusDir(): string | undefined {
  const candidates = [
    process.env.COMPOSEMOD_CORPUS,
    path.resolve(__dirname, "..", "..", "..", "shared", "corpus"),
  ].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p) && statSync(p).isDirectory());
}

/** Every YAML file under a directory, sorted, as paths relative to it. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) out.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return out;
}

/** Logs once, visibly, that a corpus-based test is skipped. */
export function noteMissingCorpus(suite: string): void {
  // eslint-disable-next-line no-console
  console.warn(
    `${suite}: skipped — the shared corpus was not found (set COMPOSEMOD_CORPUS or place it at ../shared/corpus)`,
  );
}
