import { rewriteRun } from "../src/batch/rewrite-run";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import * as parseYamlModule from "../src/yaml/parse-yaml";
import { formatHunks, LineChange } from "../src/yaml/diff";
import { tempTree } from "./helpers/tmp";

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
