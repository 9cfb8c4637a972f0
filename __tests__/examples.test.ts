import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { resolveOptions, RunOptions } from "../src/cli/options";
import { parseCommandLine } from "../src/cli/program";
import { warningText } from "../src/base/warning";
import { FileResult, rewriteText } from "../src/rewrite/rewrite-project";
import { invariantsOfResult } from "./helpers/invariants";
import { FileTexts } from "../src/batch/file-texts";
import { projectUnits } from "../src/batch/units";
import { rewriteFiles } from "./helpers/project";
import { captureIO, tempTree } from "./helpers/tmp";

const root = path.resolve(__dirname, "..", "examples");

/**
 * An example is a directory with `docker-compose.yml` and `expected.yml`, or, for a project of
 * several files, `input/` and `expected/` trees (the first of `compose.yaml`,
 * `docker-compose.yml` in `input/` is the base file; `input/.env`, if any, is the project's and
 * is not rewritten). The files of `input/` are grouped into projects as a run of composemod on
 * the directory groups them. `options.json` gives command-line options (`{"args": [...]}`, any
 * option of the rewrite, read by composemod's own parser); `expected-report.json` the status,
 * reason and warnings of the base file.
 */
interface Example {
  name: string;
  files: { path: string; input: string; expected: string }[];
  /** The project's `.env`, for a project of several files. */
  env?: string;
  options: RunOptions;
  report?: { status: string; reason: string; warnings: string[] };
}

/** The options a run of composemod with the example's `options.json` args is given, from its own parser. */
function optionsOf(dir: string): Example["options"] {
  const file = path.join(dir, "options.json");
  const args: string[] = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).args : [];
  const io = captureIO(dir);
  const parsed = parseCommandLine([...args, "."], io);
  if (!("flags" in parsed) || parsed.command !== "rewrite") {
    throw new Error(`options.json of ${dir}: ${io.err() || "not options of the rewrite"}`);
  }
  return resolveOptions(parsed.flags, {}, undefined, parsed.paths, {
    format: "text",
    color: false,
  });
}

function load(name: string): Example {
  const dir = path.join(root, name);
  const read = (p: string) => readFileSync(path.join(dir, p), "utf8");
  const report = existsSync(path.join(dir, "expected-report.json"))
    ? JSON.parse(read("expected-report.json"))
    : undefined;
  if (existsSync(path.join(dir, "input"))) {
    const names = readdirSync(path.join(dir, "input"))
      .filter((n) => n !== ".env")
      .sort();
    const base = ["compose.yaml", "docker-compose.yml"].find((n) => names.includes(n))!;
    const ordered = [base, ...names.filter((n) => n !== base)];
    const files = ordered.map((n) => ({
      path: n,
      input: read(`input/${n}`),
      expected: read(`expected/${n}`),
    }));
    const env = existsSync(path.join(dir, "input", ".env")) ? read("input/.env") : undefined;
    return { name, files, env, options: optionsOf(dir), report };
  }
  const files = [
    {
      path: "docker-compose.yml",
      input: read("docker-compose.yml"),
      expected: read("expected.yml"),
    },
  ];
  return { name, files, options: optionsOf(dir), report };
}

// host examples (`host-*`, several projects) have a test of their own
const examples = readdirSync(root)
  .filter(
    (name) =>
      !name.startsWith("host-") &&
      (existsSync(path.join(root, name, "expected.yml")) ||
        existsSync(path.join(root, name, "expected"))),
  )
  .sort()
  .map(load);

/** Rewrites an example as the command line would: one file, or the project's files together. */
function rewrite(example: Example, texts: string[]): FileResult[] {
  if (example.files.length === 1) {
    return [rewriteText(texts[0], `examples/${example.name}/docker-compose.yml`, example.options)];
  }
  // each project of the directory as a run groups them; the files it includes are read with it
  const all = Object.fromEntries(example.files.map((f, i) => [f.path, texts[i]]));
  if (example.env !== undefined) all[".env"] = example.env;
  const results = projectsOf(all).flatMap((unit) =>
    rewriteFiles(
      unit.map((p) => ({ path: p, text: all[p] })),
      example.options,
      all,
    ),
  );
  return example.files.map((f) => results.find((r) => r.path === f.path)!);
}

/** The projects of a directory held in memory, as a run of composemod on it groups its files. */
function projectsOf(files: Record<string, string>): string[][] {
  const root = "/project-root";
  const texts = new FileTexts({ dotEnv: new Map([[root, ".env" in files]]) });
  for (const [p, text] of Object.entries(files)) texts.provide(path.join(root, p), { text });
  const names = Object.keys(files).filter((p) => p !== ".env");
  const { units } = projectUnits(
    names.map((p) => path.join(root, p)),
    texts,
  );
  return units.map((unit) => unit.map((f) => path.relative(root, f)));
}

test("there are examples for the judgement classes and the edit engine", () => {
  expect(examples.length).toBeGreaterThanOrEqual(30);
  expect(examples.filter((e) => e.name.startsWith("judgement-")).length).toBeGreaterThanOrEqual(22);
});

test("an example's options.json may give any option of the rewrite, as the command line reads it", () => {
  const dir = tempTree({
    "options.json": JSON.stringify({
      args: ["--modernize", "--driver", "overlay", "--no-egress", "--database", "cache"],
    }),
  });
  const options = optionsOf(dir);
  expect(options).toMatchObject({ modernize: true, driver: "overlay", noEgress: true });
  expect(options.overrides.get("cache")?.role).toBe("database");
  const bad = tempTree({ "options.json": JSON.stringify({ args: ["--ports", "sometimes"] }) });
  expect(() => optionsOf(bad)).toThrow(/Allowed choices are auto, comment, keep, rebind/);
});

describe.each(examples)("example $name", (example) => {
  const results = rewrite(
    example,
    example.files.map((f) => f.input),
  );
  const changed = example.files.some((f) => f.input !== f.expected);

  test("each file's output equals its expected file exactly", () => {
    expect(results.map((r) => r.error?.message)).toEqual(results.map(() => undefined));
    expect(results.map((r) => r.output)).toEqual(example.files.map((f) => f.expected));
    const statuses = results.map((r) => r.status);
    if (changed) expect(statuses).toContain("changed");
    else expect(statuses.every((s) => s === "unchanged" || s === "skipped")).toBe(true);
  });

  test("the report says what was done, and what the user should know", () => {
    const base = results[0];
    if (!example.report) {
      // without an expected report, at least a reason that names what happened
      expect(base.reason).not.toBe("");
      return;
    }
    expect({
      status: base.status,
      reason: base.reason,
      warnings: base.warnings.map(warningText),
    }).toEqual(example.report);
  });

  test("running on the output changes nothing", () => {
    const again = rewrite(
      example,
      example.files.map((f) => f.expected),
    );
    expect(again.map((r) => r.status).filter((s) => s === "changed")).toEqual([]);
    expect(again.map((r) => r.output)).toEqual(example.files.map((f) => f.expected));
  });

  test("the invariants hold for every file", () => {
    const putBehind =
      example.options.proxyNetwork !== undefined || example.options.virtualHost !== undefined;
    // a file left alone for a stated reason keeps what it had, as it was
    const problems = example.files.flatMap((f, i) =>
      results[i].status === "skipped"
        ? results[i].output === f.input
          ? []
          : [`${f.path}: skipped, yet changed`]
        : invariantsOfResult(f.input, results[i], putBehind).map((p) => `${f.path}: ${p}`),
    );
    expect(problems).toEqual([]);
  });
});
