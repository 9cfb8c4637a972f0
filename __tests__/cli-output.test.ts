import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { run } from "../src/cli/program";
import { WIKI_BEHIND_PROXY, WIKI_WITH_PORT } from "./helpers/fixtures";
import { captureIO, tempTree } from "./helpers/tmp";

const cli = path.resolve(__dirname, "..", "dist", "cli.js");
const withoutSeconds = (json: string) => json.replace(/"seconds": [\d.]+/, '"seconds": 0');

describe("standard input: - and --stdin-filepath", () => {
  test("- prints the diff of standard input, shown as <stdin>", async () => {
    const io = captureIO(tempTree({}), WIKI_WITH_PORT);
    expect(await run(["-"], io)).toBe(0);
    expect(io.out()).toMatch(/^--- a\/<stdin>\n\+\+\+ b\/<stdin>\n@@ /);
    expect(io.out()).toContain("+    # ports:\n");
  });

  test("--stdin-filepath names it: the path shown, the project, the configuration beside it", async () => {
    const dir = tempTree({ "wiki/composemod.config.json": '{"internalNetwork": "backnet"}' });
    const io = captureIO(dir, WIKI_BEHIND_PROXY);
    expect(await run(["--json", "--stdin-filepath", "wiki/compose.yaml"], io)).toBe(0);
    const [file] = JSON.parse(io.out()).files;
    expect(file).toMatchObject({ path: "wiki/compose.yaml", project: "wiki", status: "changed" });
    expect(file.diff).toContain("+      - backnet\n");
    expect(existsSync(path.join(dir, "wiki", "compose.yaml"))).toBe(false);
  });

  test("--write prints the rewritten text, the same as --write gives a file; --check exits 1", async () => {
    const dir = tempTree({ "wiki/compose.yaml": WIKI_WITH_PORT });
    const piped = captureIO(dir, WIKI_WITH_PORT);
    expect(await run(["--write", "--stdin-filepath", "wiki/compose.yaml", "-"], piped)).toBe(0);
    expect(readFileSync(path.join(dir, "wiki/compose.yaml"), "utf8")).toBe(WIKI_WITH_PORT);
    expect(await run(["--write", "-q", "wiki/compose.yaml"], captureIO(dir))).toBe(0);
    expect(piped.out()).toBe(readFileSync(path.join(dir, "wiki/compose.yaml"), "utf8"));
    expect(await run(["--check", "-"], captureIO(dir, WIKI_WITH_PORT))).toBe(1);
    // a text with nothing to change is printed as it is
    const unchanged = captureIO(dir, piped.out());
    expect(await run(["--write", "-"], unchanged)).toBe(0);
    expect(unchanged.out()).toBe(piped.out());
  });

  test("standard input that is not UTF-8 is an error, exit 2", async () => {
    const io = captureIO(tempTree({}), Buffer.from([0x73, 0x3a, 0x20, 0xff, 0x0a]));
    expect(await run(["-"], io)).toBe(2);
    expect(io.err()).toContain("<stdin>:1:4: not UTF-8 text");
  });

  test("the built binary reads its own standard input", () => {
    const result = spawnSync(process.execPath, [cli, "--stdin-filepath", "blog/compose.yaml"], {
      input: WIKI_WITH_PORT,
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^--- a\/blog\/compose.yaml\n/);
  });
});

describe("--list-different (-l)", () => {
  const files = {
    "a/compose.yaml": WIKI_WITH_PORT,
    "b/compose.yaml": "services:\n  web:\n    image: nginx\n",
    "c/compose.yaml": WIKI_BEHIND_PROXY,
  };

  test("prints the files that would change, one a line, and exits 1", async () => {
    const io = captureIO(tempTree(files));
    expect(await run(["-l", "."], io)).toBe(1);
    expect(io.out()).toBe("a/compose.yaml\nc/compose.yaml\n");
    expect(io.err()).not.toContain("would change");
  });

  test("with --write, the files it changed, exit 0; then nothing", async () => {
    const dir = tempTree(files);
    const io = captureIO(dir);
    expect(await run(["--write", "--list-different", "."], io)).toBe(0);
    expect(io.out()).toBe("a/compose.yaml\nc/compose.yaml\n");
    const again = captureIO(dir);
    expect(await run(["-l", "."], again)).toBe(0);
    expect(again.out()).toBe("");
  });
});

describe("-o / --output-file", () => {
  test("the diff, the JSON report, the SARIF and the graph go to the file, nothing to stdout", async () => {
    const dir = tempTree({
      "blog/compose.yaml": WIKI_BEHIND_PROXY,
      "wiki/compose.yaml": WIKI_WITH_PORT,
    });
    for (const [args, status] of [
      [[], 0],
      [["--json"], 0],
      [["audit", "--format", "sarif"], 1],
      [["graph", "--format", "dot"], 0],
    ] as const) {
      const direct = captureIO(dir);
      expect(await run([...args, "."], direct)).toBe(status);
      const io = captureIO(dir);
      expect(await run([...args, "-o", "reports/out.txt", "."], io)).toBe(status);
      expect(io.out()).toBe("");
      const written = readFileSync(path.join(dir, "reports/out.txt"), "utf8");
      expect(withoutSeconds(written)).toBe(withoutSeconds(direct.out()));
    }
  });

  test("a file that cannot be written is an error, exit 2", async () => {
    const dir = tempTree({ "wiki/compose.yaml": WIKI_WITH_PORT, "plain-file": "" });
    const io = captureIO(dir);
    expect(await run(["-o", "plain-file/out.diff", "wiki"], io)).toBe(2);
    expect(io.err()).toMatch(
      /error: cannot write the output file plain-file\/out.diff \(E(NOTDIR|EXIST)\)/,
    );
  });

  test("the output file gets no colour, even on a terminal", async () => {
    const dir = tempTree({ "wiki/compose.yaml": WIKI_WITH_PORT });
    await run(["-o", "out.diff", "wiki"], captureIO(dir), true, {});
    expect(readFileSync(path.join(dir, "out.diff"), "utf8")).not.toContain("\u001b[");
  });
});

describe("one --format vocabulary", () => {
  const dir = tempTree({
    "blog/compose.yaml": WIKI_BEHIND_PROXY,
    "wiki/compose.yaml": WIKI_WITH_PORT,
  });
  const out = async (args: string[]) => {
    const io = captureIO(dir);
    await run(args, io);
    return withoutSeconds(io.out());
  };

  test("--json and --sarif are --format json and --format sarif", async () => {
    expect(await out(["--format", "json", "."])).toBe(await out(["--json", "."]));
    expect(await out(["audit", "--format", "json", "."])).toBe(await out(["audit", "--json", "."]));
    expect(await out(["audit", "--format", "sarif", "."])).toBe(
      await out(["audit", "--sarif", "."]),
    );
    expect(await out(["--format", "text", "."])).toBe(await out(["."]));
  });

  test("graph --format json is the topology as data, before and after with --before-after", async () => {
    const topology = JSON.parse(await out(["graph", "--json", "."]));
    expect(Object.keys(topology).sort()).toEqual(["edges", "networks", "projects"]);
    const both = JSON.parse(await out(["graph", "--format", "json", "--before-after", "."]));
    expect(both.before).toEqual(topology);
    expect(both.after.networks.map((n: { name: string }) => n.name)).toContain("wiki_internal");
  });

  test("graph --before-after --format dot gives its two graphs two names", async () => {
    const dot = await out(["graph", "--format", "dot", "--before-after", "."]);
    expect(dot.match(/^graph \w+ \{$/gm)).toEqual(["graph before {", "graph after {"]);
  });
});
