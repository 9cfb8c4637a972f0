import { readFileSync } from "node:fs";
import * as path from "node:path";
import { rewriteText, FileResult } from "../src/rewrite/rewrite-project";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import { corpusDir, noteMissingCorpus, yamlFiles } from "./helpers/corpus";
import { invariantsOfResult, linesChangedOutsideBlocks } from "./helpers/invariants";

const dir = corpusDir();
if (!dir) noteMissingCorpus("corpus.test");
const files = dir ? yamlFiles(dir) : [];
const describeCorpus = dir ? describe : describe.skip;

describeCorpus("every file of the shared corpus", () => {
  const results = new Map<string, { input: string; result: FileResult }>();
  beforeAll(() => {
    for (const file of files) {
      const input = readFileSync(path.join(dir!, file), "utf8");
      const result = rewriteText(input, file, DEFAULT_PLAN_OPTIONS);
      results.set(file, { input, result });
    }
  });

  test("the corpus is there and large", () => {
    expect(files.length).toBeGreaterThan(500);
  });

  test("each file ends changed, unchanged, skipped with a reason, or error with line:col", () => {
    const bad: string[] = [];
    for (const [file, { result }] of results) {
      if (!["changed", "unchanged", "skipped", "error"].includes(result.status)) bad.push(file);
      if (result.status === "skipped" && !result.reason)
        bad.push(`${file}: skipped without a reason`);
      if (result.status === "error" && !/:\d+:\d+: /.test(result.reason))
        bad.push(`${file}: ${result.reason}`);
      if (result.status !== "changed" && result.output !== results.get(file)!.input) {
        bad.push(`${file}: ${result.status} but the text changed`);
      }
    }
    expect(bad).toEqual([]);
  });

  test("some files change, and none is an engine error", () => {
    const statuses = [...results.values()].map((r) => r.result.status);
    expect(statuses.filter((s) => s === "changed").length).toBeGreaterThan(10);
    const engine = [...results].filter(([, r]) => r.result.error?.code === "verify-failed");
    expect(engine.map(([f, r]) => `${f}: ${r.result.reason}`)).toEqual([]);
  });

  test("every changed file keeps everything but networks and ports and satisfies the invariants", () => {
    const problems: string[] = [];
    for (const [file, { input, result }] of results) {
      if (result.status !== "changed") continue;
      const found = [
        ...invariantsOfResult(input, result),
        ...linesChangedOutsideBlocks(input, result.output).map(
          (l) => `line changed outside the blocks: ${l}`,
        ),
      ];
      problems.push(...found.map((p) => `${file}: ${p}`));
    }
    expect(problems).toEqual([]);
  });

  test("a second run changes nothing", () => {
    const again: string[] = [];
    for (const [file, { result }] of results) {
      if (result.status !== "changed") continue;
      const second = rewriteText(result.output, file, DEFAULT_PLAN_OPTIONS);
      if (second.status === "changed" || second.output !== result.output) again.push(file);
    }
    expect(again).toEqual([]);
  });
});
