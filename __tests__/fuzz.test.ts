import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { isAlias, isMap, isPair, isSeq, parseDocument } from "yaml";
import { run } from "../src/cli/program";
import { rewriteText } from "../src/rewrite/rewrite-project";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import { corpusDir, noteMissingCorpus, yamlFiles } from "./helpers/corpus";
import {
  aliasBombLines,
  LINKED_DIR,
  MUTATION_KINDS,
  MutatedInput,
  MutationKind,
  mutatedInput,
  Seed,
} from "./helpers/mutate";
import { captureIO, tempTree } from "./helpers/tmp";

const SEED = Number(process.env.COMPOSEMOD_FUZZ_SEED ?? 20260);
const COUNT = Number(process.env.COMPOSEMOD_FUZZ_COUNT ?? 2000);
const BATCH = 100;
/** A batch that takes longer than this is a hang in the making, not a slow machine. */
const STATUSES = ["changed", "unchanged", "skipped", "error"];
const STACK_TRACE = /\n\s+at /;
/**
 * A control character a terminal acts on: text output shows every one escaped (but for tab, line
 * feed and the return of a CRLF line, which a diff of a CRLF file keeps).
 */
const RAW_CONTROL = /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** As composemod parses; `logLevel` keeps yaml's warnings about odd keys out of the test output. */
const YAML_OPTIONS = { merge: true, uniqueKeys: true, logLevel: "error" } as const;

/** The file that inputs include through a link to outside the tree: one the rewrite would change. */
const LINKED_STACK = `services:
  linked-app:
    image: ghcr.io/example/wiki:3
    environment:
      VIRTUAL_HOST: linked.example.org
  linked-db:
    image: postgres:16
networks:
  default:
    external:
      name: proxy
`;

interface FileReport {
  path: string;
  status: string;
  reason: string;
  error?: { code: string; message: string };
}

const dir = corpusDir();
if (!dir) noteMissingCorpus("fuzz.test");
const describeFuzz = dir ? describe : describe.skip;

function loadSeeds(): Seed[] {
  const examples = path.resolve(__dirname, "..", "examples");
  const fromExamples = readdirSync(examples)
    .sort()
    .map((name) => path.join(examples, name, "docker-compose.yml"))
    .filter((file) => existsSync(file))
    .map((file) => ({ name: path.relative(examples, file), bytes: readFileSync(file) }));
  const fromCorpus = yamlFiles(dir!).map((name) => ({
    name: `corpus/${name}`,
    bytes: readFileSync(path.join(dir!, name)),
  }));
  return [...fromExamples, ...fromCorpus];
}

/** What the `yaml` library, independently of composemod, says is wrong with a text. */
function reparseProblem(text: string): string | undefined {
  try {
    // yaml's parser can throw, a RangeError on deep nesting, as well as report errors
    const doc = parseDocument(text, YAML_OPTIONS);
    if (doc.errors.length) return doc.errors[0].message;
    // composemod only writes files whose aliases expand to little (it refuses bombs)
    doc.toJS({ maxAliasCount: -1 });
  } catch (error) {
    return String(error);
  }
  return undefined;
}

/**
 * Whether the input is well-formed YAML whose aliases would expand it to more than a million
 * nodes: a true alias bomb, counted here with the parser's own alias resolution and no expansion.
 */
function isAliasBomb(bytes: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  const doc = parseDocument(text, YAML_OPTIONS);
  if (doc.errors.length) return false;
  const sizes = new Map<unknown, number>();
  const size = (node: unknown, depth: number): number => {
    if (!node || typeof node !== "object" || depth > 200) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, 1);
    let total = 1;
    if (isAlias(node)) total = size(node.resolve(doc), depth + 1);
    else if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) total += size(item.key, depth + 1) + size(item.value, depth + 1);
        else total += size(item, depth + 1);
      }
    }
    sizes.set(node, total);
    return total;
  };
  return size(doc.contents, 0) > 1_000_000;
}

/** Whether a reason starts with `path:line:col: `, as every error's must. */
function hasLocation(reason: string, file: string): boolean {
  return reason.startsWith(`${file}:`) && /^:\d+:\d+: /.test(reason.slice(file.length));
}

function describeInput(input: MutatedInput): string {
  const kinds = input.steps.map((s) => s.kind).join("+");
  return `input ${input.index} (seed ${SEED}, from ${input.seedName}, ${kinds})`;
}

describeFuzz(`composemod on ${COUNT} mutated compose files (seed ${SEED})`, () => {
  let seeds: Seed[] = [];
  let rewritable: Seed[] = [];
  const used = new Map<MutationKind, number>();
  const statuses = new Map<string, number>();
  const codes = new Map<string, number>();

  beforeAll(() => {
    seeds = loadSeeds();
    rewritable = seeds.filter(
      (s) =>
        rewriteText(s.bytes.toString("utf8"), s.name, DEFAULT_PLAN_OPTIONS).status === "changed",
    );
  });

  const batches = Array.from({ length: Math.ceil(COUNT / BATCH) }, (_, b) => b * BATCH);
  test.each(batches)(
    "inputs from %i: exit 0 or 2, bad files untouched, changed files re-parse",
    async (first) => {
      const root = tempTree({});
      // what an include through a link leads to, outside the tree: never written
      const outside = tempTree({ "compose.yaml": LINKED_STACK });
      const inputs = new Map<string, MutatedInput>();
      for (let index = first; index < Math.min(first + BATCH, COUNT); index++) {
        const input = mutatedInput(SEED, index, seeds, rewritable);
        const file = `input-${String(index).padStart(5, "0")}/docker-compose.yml`;
        mkdirSync(path.join(root, path.dirname(file)));
        writeFileSync(path.join(root, file), input.bytes);
        if (input.steps.some((s) => s.kind === "include-link")) {
          symlinkSync(outside, path.join(root, path.dirname(file), LINKED_DIR));
        }
        inputs.set(file, input);
        for (const step of input.steps) {
          if (step.effective) used.set(step.kind, (used.get(step.kind) ?? 0) + 1);
        }
      }

      const io = captureIO(root);
      const status = await run(["--write", "--json", "."], io);

      const problems: string[] = [];
      const all = (JSON.parse(io.out()) as { files: FileReport[] }).files;
      // a file included through the link is reported with the input that includes it
      const linked = (f: FileReport) => f.path.includes(`/${LINKED_DIR}/`);
      expect(all.filter(linked).filter((f) => f.status === "changed")).toEqual([]);
      const report = { files: all.filter((f) => !linked(f)) };
      expect(report.files.map((f) => f.path).sort()).toEqual([...inputs.keys()].sort());
      const errors = all.filter((f) => f.status === "error").length;
      expect(status).toBe(errors > 0 ? 2 : 0);
      expect(io.err()).not.toMatch(STACK_TRACE);

      const changed: string[] = [];
      for (const file of report.files) {
        statuses.set(file.status, (statuses.get(file.status) ?? 0) + 1);
        const input = inputs.get(file.path)!;
        const what = `${file.path}: ${describeInput(input)}`;
        const now = readFileSync(path.join(root, file.path));
        if (!STATUSES.includes(file.status)) problems.push(`${what}: status ${file.status}`);
        if (STACK_TRACE.test(file.reason) || STACK_TRACE.test(file.error?.message ?? "")) {
          problems.push(`${what}: stack trace in ${JSON.stringify(file.reason)}`);
        }
        // (the parser's own stack on thousands of levels is another matter: deep-nesting's)
        const selfAnchor =
          input.steps.some((s) => s.kind === "self-anchor") &&
          !input.steps.some((s) => s.kind === "deep-nesting");
        if (
          file.error?.code === "internal-error" ||
          (selfAnchor && /Maximum call stack/.test(file.reason))
        ) {
          problems.push(`${what}: crashed: ${file.reason}`);
        }
        if (file.error) codes.set(file.error.code, (codes.get(file.error.code) ?? 0) + 1);
        if (file.status === "error" && !hasLocation(file.reason, file.path)) {
          problems.push(`${what}: error without path:line:col: ${file.reason}`);
        }
        if (file.status !== "changed" && !now.equals(input.bytes)) {
          problems.push(`${what}: ${file.status} but its bytes changed`);
        }
        if (file.status === "changed") {
          changed.push(file.path);
          const problem = reparseProblem(now.toString("utf8"));
          if (problem) problems.push(`${what}: written file does not parse: ${problem}`);
        }
        if (
          input.steps.some((s) => s.kind === "alias-bomb") &&
          file.status !== "error" &&
          // a file with no `services` is not a compose file: it is skipped unread
          input.bytes.includes("services") &&
          isAliasBomb(input.bytes)
        ) {
          problems.push(`${what}: alias bomb ended ${file.status}`);
        }
      }

      if (changed.length) {
        // a written host is a fixed point: checking it again finds nothing to change (the whole
        // host, since what a project's rewrite does depends on the others on its networks)
        const again = captureIO(root);
        const second = await run(["--check", "--json", "."], again);
        if (second === 1) problems.push("second run over the host found changes");
        const first = new Map(report.files.map((f) => [f.path, f.status]));
        for (const file of (JSON.parse(again.out()) as { files: FileReport[] }).files) {
          if (
            file.status === "changed" ||
            (file.status === "error" && first.get(file.path) !== "error")
          ) {
            const input = inputs.get(file.path)!;
            problems.push(
              `${file.path}: ${describeInput(input)}: second run ${file.status}: ${file.reason}`,
            );
          }
        }
      }

      // what a person reads (the tables, messages, code frames, diffs) holds no control
      // character as it is, nor a line that a name forged; the files are as --write left them
      for (const args of [["--explain", "."], ["."]]) {
        const text = captureIO(root);
        await run(args, text);
        const shown = text.out() + text.err();
        const raw = RAW_CONTROL.exec(shown);
        if (raw) {
          const around = shown.slice(Math.max(0, raw.index - 80), raw.index + 20);
          problems.push(`${args.join(" ")}: a raw control character in ${JSON.stringify(around)}`);
        }
        if (/^FAKE/m.test(shown)) problems.push(`${args.join(" ")}: a name forged a line`);
      }
      if (readFileSync(path.join(outside, "compose.yaml"), "utf8") !== LINKED_STACK) {
        problems.push("a file included through a link to outside the tree was written");
      }

      // messages can quote a megabyte of the input; the start says enough
      expect(problems.map((p) => (p.length > 400 ? `${p.slice(0, 400)}…` : p))).toEqual([]);
      // a hundred inputs can hold a hundred megabytes; the next batch needs the room
      rmSync(root, { recursive: true, force: true });
    },
    60_000,
  );

  test("every mutation kind changed some input, and some inputs reached the rewrite", () => {
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(COUNT);
    expect(MUTATION_KINDS.filter((kind) => !used.get(kind))).toEqual([]);
    // "every changed file re-parses" means little unless many files do change
    expect(statuses.get("changed") ?? 0).toBeGreaterThan(COUNT / 20);
    // self-referencing anchors reached the parser and were refused as such
    expect(codes.get("self-referencing-alias") ?? 0).toBeGreaterThan(0);
  });
});

describe("alias bombs", () => {
  // how fast and in how little memory it ends is measured by `npm run bench`
  test("a billion-laughs file ends as an error at its position; a file that reuses anchors a lot is read", async () => {
    const bomb = `${aliasBombLines("")}\nservices:\n  app:\n    image: nginx\n    labels: *lol9\n`;
    const root = tempTree({
      "bomb/docker-compose.yml": bomb,
      "sentry/docker-compose.yml": anchorHeavyStack(400),
    });
    const io = captureIO(root);
    const status = await run(["--write", "--json", "."], io);
    expect(status).toBe(2);
    const files = (JSON.parse(io.out()) as { files: FileReport[] }).files;
    const byPath = Object.fromEntries(files.map((f) => [f.path, f]));
    expect(byPath["bomb/docker-compose.yml"].status).toBe("error");
    expect(byPath["bomb/docker-compose.yml"].reason).toMatch(
      /^bomb\/docker-compose\.yml:1:1: its aliases expand to [\d,]+ nodes from \d+: an alias bomb, not a compose file$/,
    );
    expect(readFileSync(path.join(root, "bomb/docker-compose.yml"), "utf8")).toBe(bomb);
    // yaml's own alias count refuses this file ("Excessive alias count"); its expansion is small
    expect(byPath["sentry/docker-compose.yml"].status).toBe("unchanged");
  });
});

/**
 * A stack in the manner of Sentry's self-hosted compose file: many services built from shared
 * defaults through merge keys whose anchors hold aliases themselves.
 */
function anchorHeavyStack(services: number): string {
  const lines = [
    "x-restart-policy: &restart_policy",
    "  restart: unless-stopped",
    "x-depends_on-healthy: &depends_on-healthy",
    "  condition: service_healthy",
    "x-depends_on-default: &depends_on-default",
    "  condition: service_started",
    "x-healthcheck-defaults: &healthcheck_defaults",
    "  interval: 30s",
    "  timeout: 1m30s",
    "  retries: 10",
    "x-sentry-defaults: &sentry_defaults",
    "  <<: *restart_policy",
    "  image: sentry-self-hosted-local",
    "  depends_on:",
    "    redis:",
    "      <<: *depends_on-healthy",
    "    postgres:",
    "      <<: *depends_on-healthy",
    "    memcached:",
    "      <<: *depends_on-default",
    "  healthcheck:",
    "    <<: *healthcheck_defaults",
    "services:",
    "  redis:",
    "    <<: *restart_policy",
    "    image: redis:6.2",
    "  postgres:",
    "    <<: *restart_policy",
    "    image: postgres:14",
    "  memcached:",
    "    <<: *restart_policy",
    "    image: memcached:1.6",
  ];
  for (let i = 0; i < services; i++) {
    lines.push(`  worker-${i}:`, "    <<: *sentry_defaults", `    command: run worker ${i}`);
  }
  return lines.join("\n") + "\n";
}

describe("deep nesting", () => {
  // In a child process: a fatal V8 error there kills that process, not the test runner.
  test("several deeply nested files: the process survives, exits 0 or 2, nothing crashes", () => {
    const cli = path.resolve(__dirname, "..", "dist", "cli.js");
    const files: Record<string, string> = {
      "flow/docker-compose.yml": `x: ${"[".repeat(5000)}${"]".repeat(5000)}\n`,
      "flow-map/docker-compose.yml": `x: ${"{a: ".repeat(5000)}1${"}".repeat(5000)}\n`,
      "compact-1/docker-compose.yml": `${"- ".repeat(1000)}x\n`,
      "compact-2/docker-compose.yml": `${"- ".repeat(1000)}x\n`,
      "compact-in-map/docker-compose.yml": `a:\n  ${"- ".repeat(3000)}x\nb: 1\n`,
    };
    const root = tempTree(files);
    const result = spawnSync(process.execPath, [cli, "--write", "--json", "."], {
      cwd: root,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.signal).toBeNull();
    expect([0, 2]).toContain(result.status);
    expect(result.stderr).not.toMatch(/FATAL ERROR|\n\s+at /);
    const report = JSON.parse(result.stdout) as { files: FileReport[] };
    expect(report.files.map((f) => f.path).sort()).toEqual(Object.keys(files).sort());
    const crashed = report.files.filter((f) => f.error?.code === "internal-error");
    expect(crashed.map((f) => f.reason)).toEqual([]);
    for (const file of report.files) {
      expect(STATUSES).toContain(file.status);
      if (file.status === "error") expect(hasLocation(file.reason, file.path)).toBe(true);
      if (file.status !== "changed") {
        expect(readFileSync(path.join(root, file.path), "utf8")).toBe(files[file.path]);
      }
    }
  });
});
