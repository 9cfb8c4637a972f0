import * as v8 from "node:v8";
import * as vm from "node:vm";
import { rewriteRun } from "../src/batch/rewrite-run";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import { run } from "../src/cli/program";
import * as parseYamlModule from "../src/yaml/parse-yaml";
import { formatHunks, LineChange } from "../src/yaml/diff";
import { captureIO, tempTree } from "./helpers/tmp";

describe("a file where every service is edited", () => {
  test("its diff's hunks are made in one pass over its lines, not one pass a hunk", () => {
    // 2,000 changed lines, each its own hunk, between unchanged ones
    const changes: LineChange[] = [];
    for (let i = 0; i < 2000; i++) {
      for (let k = 0; k < 8; k++) changes.push({ kind: " ", text: `line ${i}.${k}\n` });
      changes.push({ kind: "-", text: `old ${i}\n` }, { kind: "+", text: `new ${i}\n` });
    }
    let reads = 0;
    const counted = new Proxy(changes, {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const hunks = formatHunks(counted, 3);
    expect(hunks.filter((l) => l.startsWith("@@"))).toHaveLength(2000);
    expect(hunks[0]).toBe("@@ -6,7 +6,7 @@");
    expect(hunks.at(-6)).toBe("@@ -17997,4 +17997,4 @@");
    // each line is looked at a few times; once a hunk would be 2,000 times
    expect(reads).toBeLessThan(5 * changes.length);
  });

  test("a run of one project parses its file once, and its result once to verify it", async () => {
    const services = Array.from(
      { length: 20 },
      (_v, i) =>
        `  app${i}:\n    image: ghcr.io/example/app:${i}\n    environment:\n      VIRTUAL_HOST: app${i}.example.org\n      DATABASE_URL: postgres://db${i}/app\n    ports:\n      - "${8000 + i}:80"\n    networks: [proxy]\n  db${i}:\n    image: postgres:16\n    networks: [proxy]\n`,
    );
    const text = `services:\n${services.join("")}networks:\n  proxy:\n    external: true\n`;
    const dir = tempTree({ "stack/compose.yaml": text });
    const parses = jest.spyOn(parseYamlModule, "parseYaml");
    try {
      const found = await rewriteRun(
        { paths: ["stack"] },
        {
          ...DEFAULT_PLAN_OPTIONS,
          write: false,
          check: false,
          json: false,
          explain: false,
          ignore: [],
          jobs: 1,
        },
        dir,
      );
      const statuses: string[] = [];
      await found.start({ outcome: (o) => statuses.push(o.status), warning: () => {} });
      expect(statuses).toEqual(["changed"]);
      expect(parses).toHaveBeenCalledTimes(2);
    } finally {
      parses.mockRestore();
    }
  });
});

describe("a host of many projects", () => {
  test("an outcome printed is let go: memory does not grow with the files printed", async () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    // each project's port carries a comment of 1 MB: its diff holds it twice, its text once
    const big = "x".repeat(1 << 20);
    const files: Record<string, string> = {};
    const count = 24;
    for (let i = 0; i < count; i++) {
      files[`p${String(i).padStart(2, "0")}/compose.yaml`] =
        `services:\n  app:\n    image: ghcr.io/example/wiki:3\n    environment:\n      VIRTUAL_HOST: wiki${i}.example.org\n    ports:\n      - "8080:80" # ${big}\n  db:\n    image: postgres:16\n`;
    }
    const dir = tempTree(files);
    const io = captureIO(dir);
    let printed = 0;
    const heap: number[] = [];
    io.stdout = (text) => {
      expect(text.length).toBeGreaterThan(2 << 20);
      printed++;
      // measured within the run, which prints from one loop: nothing else runs in between
      if (printed === 2 || printed === count) {
        gc();
        heap.push(process.memoryUsage().heapUsed);
      }
    };
    expect(await run(["--proxy-network", "proxy", "-j", "1", "."], io)).toBe(0);
    expect(printed).toBe(count);
    expect(io.err()).toContain(`${count} to change`);
    // holding the outcomes printed would hold 22 more diffs of 2 MB between the two
    expect(heap[1] - heap[0]).toBeLessThan(8 << 20);
  });
});
