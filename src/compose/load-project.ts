import * as nodePath from "node:path";
import { Diagnostic, diagnosticAt, where } from "../base/diagnostic";
import { Warning } from "../base/warning";
import { parseYaml } from "../yaml/parse-yaml";
import { ComposeFile, parseComposeFile } from "./compose-file";
import { mergedModel, ReadRelative } from "./merge";
import { buildModel, ComposeModel } from "./model";
import { projectName, ProjectNameSource } from "./project-name";
import { SourceText } from "../base/source-text";
import {
  interpolate,
  MAX_INTERPOLATION_DEPTH,
  parseDotEnv,
  tooDeepInterpolation,
  Variables,
} from "./values";

/** A file as read from disk: how it is shown, where it is, what it holds. */
export interface SourceFile {
  path: string;
  absolute: string;
  text: string;
}

/** Reads a file by its absolute path: its text, or the error code of the failed read. */
export type ReadText = (absolute: string) => string | { code: string };

export type ProjectFileKind = "base" | "override" | "include";

/** One file of a loaded project, parsed and modelled. */
export interface LoadedFile extends SourceFile {
  kind: ProjectFileKind;
  file: ComposeFile;
  model: ComposeModel;
  /** False for a file composemod reads but never edits: an include from outside the project. */
  editable: boolean;
}

/** A project as Compose reads it: its files, its variables, its name, its merged view. */
export interface LoadedProject {
  dir: string;
  name: string;
  nameSource: ProjectNameSource;
  variables: Variables;
  /** The base file, its overrides, then the files they include, in Compose's order. */
  files: LoadedFile[];
  /** Every service as Compose merges it, with what it inherits through `extends`: what classification reads. */
  view: ComposeModel;
  /** Every service as its files say it, merged: what the plan works on. */
  merged: ComposeModel;
  /** Reads the files that services extend, for classifying the project again after a rewrite. */
  readExtended: ReadRelative;
  warnings: Warning[];
}

/**
 * A project as loaded, or why it cannot be: the file that fails and its error, or why it is not
 * a compose file; the rewrite makes each file's outcome of it.
 */
export type ProjectLoad =
  | { kind: "ok"; project: LoadedProject }
  | { kind: "failed"; failure: LoadFailure; files: SourceFile[]; name: string };

/** What makes a project fail to load: one file's error, or why it is not a compose file. */
export type LoadFailure = { path: string } & ({ diagnostic: Diagnostic } | { notCompose: string });

export interface LoadInput {
  /** Absolute path of the project directory: the directory of its first file. */
  dir: string;
  /** The base file and its overrides, in the order Compose reads them. */
  files: SourceFile[];
  readText: ReadText;
  /** How a path is shown in reports. */
  show: (absolute: string) => string;
  /**
   * Whether a file may be edited; by default a file named by `include:` only when its path lies
   * inside the project's directory.
   */
  editable?: (absolute: string, included: boolean) => boolean;
}

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\/|^git@/i;

/**
 * Loads a project the one way rewrite, audit and graph all see it: every file parsed through the
 * same guards, the project's `.env` read for `${VAR}` values and `COMPOSE_PROJECT_NAME`, the files
 * named by `include:` loaded as part of it, the files services `extends` read for classification,
 * and the project named as Compose names it. A file that cannot be read or parsed fails the
 * whole project: all of it is rewritten, or none.
 */
export function loadProject(input: LoadInput): ProjectLoad {
  const { dir, readText, show } = input;
  const editable =
    input.editable ??
    ((absolute: string, included: boolean) =>
      !included || !nodePath.relative(dir, absolute).startsWith(".."));
  const warnings: Warning[] = [];
  const failed = (
    failure: LoadFailure,
    name = projectName(dir, [], new Map()).name,
  ): ProjectLoad => ({ kind: "failed", failure, files: input.files, name });
  const envPath = nodePath.join(dir, ".env");
  const envText = readText(envPath);
  let variables: Variables = new Map();
  const deep = typeof envText === "string" ? tooDeepInterpolation(envText, true) : undefined;
  if (deep !== undefined) {
    // the project's files are left as they are; the error is the .env's, at its place there
    const first = input.files[0];
    const env = diagnosticAt(
      new SourceText(envText as string),
      show(envPath),
      deep,
      "interpolation-too-deep",
      "",
    );
    return failed({
      path: first.path,
      diagnostic: diagnosticAt(
        undefined,
        first.path,
        0,
        "interpolation-too-deep",
        `${where(env)}: the project's .env nests \`\${...}\` more than ${MAX_INTERPOLATION_DEPTH} levels deep, which no value needs; left as it is`,
      ),
    });
  }
  if (typeof envText === "string") variables = parseDotEnv(envText);
  else if (envText.code !== "ENOENT" && envText.code !== "ENOTDIR") {
    const first = input.files[0];
    return failed({
      path: first.path,
      diagnostic: diagnosticAt(
        undefined,
        first.path,
        0,
        "read-error",
        `cannot read the project's .env (${envText.code}); left as it is`,
      ),
    });
  }
  const files: LoadedFile[] = [];
  for (const [index, source] of input.files.entries()) {
    // an override may hold networks alone, a file that includes others no services of its own
    const parsed = parseComposeFile(source.text, source.path, {
      servicesOptional: index > 0 || /^include\s*:/m.test(source.text),
    });
    if (parsed.kind === "error") {
      return failed({ path: source.path, diagnostic: parsed.diagnostic });
    }
    if (parsed.kind === "skipped") {
      const name = input.files.length === 1 ? projectName(dir, [], variables).name : undefined;
      return failed({ path: source.path, notCompose: parsed.reason }, name);
    }
    files.push({
      ...source,
      kind: index === 0 ? "base" : "override",
      file: parsed.file,
      model: buildModel(parsed.file, variables, source.absolute),
      editable: editable(source.absolute, false),
    });
  }
  const included = loadIncludes(files, variables, readText, show, editable, warnings);
  if ("failure" in included) return failed(included.failure);
  files.push(...included.files);
  const extended = extendedFiles(dir, variables, readText, show, warnings);
  const { name, source: nameSource } = projectName(
    dir,
    files.filter((f) => f.kind !== "include").map((f) => f.file.data.name),
    variables,
  );
  const models = files.map((f) => f.model);
  return {
    kind: "ok",
    project: {
      dir,
      name,
      nameSource,
      variables,
      files,
      view: mergedModel(models, true, extended),
      merged: mergedModel(models, false),
      readExtended: extended,
      warnings,
    },
  };
}

/** A file that an `include:` names: as written once `${VAR}` is read, and where it is, unless it is remote. */
export interface IncludedFile {
  path: string;
  absolute?: string;
}

/**
 * The files that a file's `include:` value names, in its order: each entry a path, or `path:`
 * as a path or a list, with the project's `${VAR}` read, relative to the file (`from`).
 */
export function includedFiles(
  include: unknown,
  variables: Variables,
  from: string,
): IncludedFile[] {
  if (!Array.isArray(include)) return [];
  const base = nodePath.dirname(from);
  return include.flatMap((entry) =>
    includePaths(entry).map((raw): IncludedFile => {
      const path = interpolate(raw, variables).text;
      return REMOTE.test(path) ? { path } : { path, absolute: nodePath.resolve(base, path) };
    }),
  );
}

/** The paths an `include:` entry names: a string, or `path:` as a string or a list. */
function includePaths(entry: unknown): string[] {
  if (typeof entry === "string") return [entry];
  if (entry && typeof entry === "object" && !Array.isArray(entry)) {
    const path = (entry as { path?: unknown }).path;
    return [path].flat().filter((p): p is string => typeof p === "string");
  }
  return [];
}

/**
 * The files that the project's files name in `include:`, and the files those include, each
 * once. A file that cannot be read or parsed is an error at the `include:` that names it.
 */
function loadIncludes(
  roots: LoadedFile[],
  variables: Variables,
  readText: ReadText,
  show: (absolute: string) => string,
  editable: (absolute: string, included: boolean) => boolean,
  warnings: Warning[],
): { files: LoadedFile[] } | { failure: LoadFailure } {
  const seen = new Set(roots.map((f) => f.absolute));
  const out: LoadedFile[] = [];
  const queue = [...roots];
  while (queue.length) {
    const from = queue.shift()!;
    const included = includedFiles(from.file.data.include, variables, from.absolute);
    if (included.length === 0) continue;
    const includeNode = from.file.root.get("include", true) as { range?: number[] } | undefined;
    const at = includeNode?.range?.[0] ?? 0;
    for (const { path, absolute } of included) {
      if (absolute === undefined) {
        warnings.push({
          code: "include-remote",
          message: `\`${path}\` is included from elsewhere; composemod does not read remote files`,
        });
        continue;
      }
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      const fail = (message: string): { failure: LoadFailure } => {
        const owner = roots.includes(from) ? from : roots[0];
        const offset = owner === from ? at : 0;
        return {
          failure: {
            path: owner.path,
            diagnostic: diagnosticAt(owner.file.source, owner.path, offset, "read-error", message),
          },
        };
      };
      const text = readText(absolute);
      if (typeof text !== "string") {
        return fail(`cannot read the included file \`${path}\` (${text.code}); left as it is`);
      }
      const shown = show(absolute);
      const parsed = parseComposeFile(text, shown, { servicesOptional: true });
      if (parsed.kind !== "ok") {
        const why = parsed.kind === "error" ? parsed.diagnostic.message : parsed.reason;
        const at = parsed.kind === "error" ? where(parsed.diagnostic) : shown;
        return fail(`the included file ${at} cannot be read (${why}); left as it is`);
      }
      const loaded: LoadedFile = {
        path: shown,
        absolute,
        text,
        kind: "include",
        file: parsed.file,
        model: buildModel(parsed.file, variables, absolute),
        editable: editable(absolute, true),
      };
      out.push(loaded);
      queue.push(loaded);
    }
  }
  return { files: out };
}

/**
 * Reads the files that services name in `extends: {file: ...}`, through the same guards, for
 * classification. A file that cannot be read leaves the service as its own file says it, with
 * a warning.
 */
function extendedFiles(
  dir: string,
  variables: Variables,
  readText: ReadText,
  show: (absolute: string) => string,
  warnings: Warning[],
): ReadRelative {
  const cache = new Map<string, Record<string, unknown> | undefined>();
  return (relative: string, from: string | undefined) => {
    const base = from ? nodePath.dirname(from) : dir;
    const absolute = nodePath.resolve(base, interpolate(relative, variables).text);
    if (cache.has(absolute)) return cache.get(absolute);
    let data: Record<string, unknown> | undefined;
    const text = readText(absolute);
    if (typeof text !== "string") {
      warnings.push({
        code: "extends-unreadable",
        message: `cannot read \`${relative}\`, which a service extends (${text.code}); classified without it`,
      });
    } else {
      const parsed = parseYaml(text, show(absolute));
      if (parsed.kind === "ok" && parsed.yaml.data && typeof parsed.yaml.data === "object") {
        data = parsed.yaml.data as Record<string, unknown>;
      } else {
        const why = parsed.kind === "error" ? parsed.diagnostic.message : "empty";
        warnings.push({
          code: "extends-unreadable",
          message: `\`${relative}\`, which a service extends, cannot be read (${why}); classified without it`,
        });
      }
    }
    cache.set(absolute, data);
    return data;
  };
}
