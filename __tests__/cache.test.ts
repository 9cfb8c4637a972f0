import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { defaultCacheLocation } from "../src/batch/cache";
import * as processUnitModule from "../src/batch/process-unit";
import { run } from "../src/cli/program";
import { corpusDir, noteMissingCorpus, yamlFiles } from "./helpers/corpus";
import { WIKI_BEHIND_PROXY, WIKI_WITH_PORT } from "./helpers/fixtures";
import { Random } from "./helpers/mutate";
import { captureIO, tempTree } from "./helpers/tmp";

/** The JSON report of a run, with its timing taken out; and its exit status. */
async function report(dir: string, args: string[]) {
  const io = captureIO(dir);
  const status = await run(["--json", ...args, "."], io);
  const parsed = JSON.parse(io.out());
  parsed.summary.seconds = 0;
  return { status, report: parsed, err: io.err() };
}

/** How many units a run processes (rather than takes from the cache), with --json unless told. */
async function processed(dir: string, args: string[], json = true): Promise<number> {
  const spy = jest.spyOn(processUnitModule, "processUnit");
  try {
    await run([...(json ? ["--json"] : []), ...args, "."], captureIO(dir));
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

const SHARED = (name: string) => `services:
  ${name}:
    image: ghcr.io/example/${name}:1
    environment:
      VIRTUAL_HOST: ${name}.example.org
    networks: [common]
  ${name}-db:
    image: postgres:16
    networks: [common]
networks:
  common:
    name: common-net
`;

describe("--cache", () => {
  test("a repeat run takes every outcome from the cache and reports exactly what a fresh run does", async () => {
    const dir = tempTree({
      "wiki/compose.yaml": WIKI_WITH_PORT,
      "blog/compose.yaml": WIKI_BEHIND_PROXY.replace(/wiki/g, "blog"),
      "broken/compose.yaml": "services:\n  app: [\n",
    });
    const cache = ["--cache", "--cache-location", path.join(dir, ".cache.json")];
    const fresh = await report(dir, []);
    const first = await report(dir, cache);
    const second = await report(dir, cache);
    expect(first).toEqual(fresh);
    expect(second).toEqual(fresh);
    expect(fresh.status).toBe(2);
    expect(await processed(dir, cache)).toBe(0);
    expect(await processed(dir, [])).toBe(3);
  });

  test("what an outcome is made of, changed, makes it be worked out again", async () => {
    const dir = tempTree({
      "wiki/compose.yaml": WIKI_WITH_PORT,
      "inc/compose.yaml":
        "include:\n  - db.yaml\n" + WIKI_BEHIND_PROXY.split("\n").slice(0, 5).join("\n") + "\n",
      "inc/db.yaml": "services:\n  db:\n    image: postgres:16\n",
      "ext/compose.yaml":
        "services:\n  app:\n    extends:\n      file: base.yaml\n      service: app\n    environment:\n      VIRTUAL_HOST: ext.example.org\n  db:\n    image: mariadb:11\nnetworks:\n  default:\n    external: true\n    name: proxy\n",
      "ext/base.yaml": "services:\n  app:\n    image: ghcr.io/example/ext:1\n",
    });
    const cache = ["--cache", "--cache-location", path.join(dir, ".cache.json")];
    const same = async () => {
      const cached = await report(dir, cache);
      expect(cached).toEqual(await report(dir, []));
      return cached;
    };
    await same();
    expect(await processed(dir, cache)).toBe(0);

    // the file itself
    appendFileSync(path.join(dir, "wiki/compose.yaml"), "  cache:\n    image: redis:7\n");
    expect(await processed(dir, cache)).toBe(1);
    await same();
    // a file it includes
    writeFileSync(path.join(dir, "inc/db.yaml"), "services:\n  db:\n    image: mysql:8\n");
    expect(await processed(dir, cache)).toBe(1);
    // a file one of its services extends
    writeFileSync(path.join(dir, "ext/base.yaml"), "services:\n  app:\n    image: ghost:5\n");
    expect(await processed(dir, cache)).toBe(1);
    // a .env that appears (the project's name), and one that changes
    writeFileSync(path.join(dir, "wiki/.env"), "COMPOSE_PROJECT_NAME=notes\n");
    const renamed = await same();
    expect(renamed.report.files.map((f: { project: string }) => f.project)).toContain("notes");
    writeFileSync(path.join(dir, "wiki/.env"), "COMPOSE_PROJECT_NAME=journal\n");
    expect(await processed(dir, cache)).toBe(1);
    await same();
    // an override file joins the project
    writeFileSync(
      path.join(dir, "wiki/compose.override.yaml"),
      'services:\n  app:\n    ports: ["9000:80"]\n',
    );
    await same();
    // an option
    expect(await processed(dir, [...cache, "--internal-network", "backend"])).toBe(3);
    // a file removed
    rmSync(path.join(dir, "inc/db.yaml"));
    const missing = await same();
    expect(missing.status).toBe(2);
  });

  test("which files are one project, changed, makes their outcomes be worked out again", async () => {
    const dir = tempTree({
      "rss/docker-compose.yml": WIKI_BEHIND_PROXY.replace(/wiki/g, "rss"),
      "rss/docker-compose-db.yml": "services:\n  rss-db:\n    image: postgres:17\n",
      "rss/db.yml": "services:\n  cache:\n    image: redis:7\n",
    });
    const cache = ["--cache", "--cache-location", path.join(dir, ".cache.json")];
    const same = async () => {
      const cached = await report(dir, cache);
      expect(cached).toEqual(await report(dir, []));
      return cached;
    };
    const units = (r: { report: { files: { path: string; project: string }[] } }) =>
      r.report.files.map((f) => f.path);
    expect(units(await same())).toEqual(["rss/docker-compose.yml", "rss/docker-compose-db.yml"]);
    expect(await processed(dir, cache)).toBe(0);
    // the fragment becomes an alternative: two projects
    writeFileSync(
      path.join(dir, "rss/docker-compose-db.yml"),
      "services:\n  rss:\n    image: ghcr.io/example/rss:2\n",
    );
    expect(await processed(dir, cache)).toBe(2);
    await same();
    // COMPOSE_FILE names the files
    writeFileSync(path.join(dir, "rss/.env"), "COMPOSE_FILE=docker-compose.yml:db.yml\n");
    const listed = await same();
    expect(units(listed)).toEqual([
      "rss/docker-compose.yml",
      "rss/db.yml",
      "rss/docker-compose-db.yml",
    ]);
    expect(await processed(dir, cache)).toBe(0);
  });

  test("a network with a fixed name that another project starts to use changes a cached project", async () => {
    const dir = tempTree({
      "one/compose.yaml": SHARED("one"),
      "two/compose.yaml": WIKI_BEHIND_PROXY,
    });
    const cache = ["--cache", "--cache-location", path.join(dir, ".cache.json")];
    const before = await report(dir, cache);
    writeFileSync(path.join(dir, "two/compose.yaml"), SHARED("two"));
    const after = await report(dir, cache);
    expect(after).toEqual(await report(dir, []));
    const one = (r: typeof before) =>
      r.report.files.find((f: { path: string }) => f.path === "one/compose.yaml");
    expect(one(after)).not.toEqual(one(before));
  });

  test("with --write, a change is written and never kept: the next run finds nothing to do", async () => {
    const dir = tempTree({ "wiki/compose.yaml": WIKI_WITH_PORT });
    const cache = ["--cache", "--cache-location", path.join(dir, ".cache.json")];
    expect(await run(["--write", "-q", ...cache, "."], captureIO(dir))).toBe(0);
    expect(readFileSync(path.join(dir, "wiki/compose.yaml"), "utf8")).toContain("- internal");
    const after = await report(dir, cache);
    expect(after.report.summary.changed).toBe(0);
    expect(await processed(dir, ["--check", ...cache], false)).toBe(1);
    expect(await processed(dir, ["--check", ...cache], false)).toBe(0);
    expect(await run(["--check", "-q", ...cache, "."], captureIO(dir))).toBe(0);
  });

  test("a damaged or unwritable cache is said so and the run goes on as without it", async () => {
    const dir = tempTree({ "wiki/compose.yaml": WIKI_WITH_PORT });
    const location = path.join(dir, "cache.json");
    writeFileSync(location, "{ not json");
    const damaged = await report(dir, ["--cache", "--cache-location", location]);
    expect(damaged.err).toMatch(/warning: the cache .*cache\.json: it is not a composemod cache/);
    expect(damaged.report).toEqual((await report(dir, [])).report);
    expect(readFileSync(location, "utf8")).toMatch(/^\{"format":/);
    // a cache file that cannot be written: a warning, the status of the run itself
    const blocked = path.join(dir, "blocked");
    writeFileSync(blocked, "a file where the cache directory would be");
    const io = captureIO(dir);
    expect(
      await run(["--check", "--cache", "--cache-location", path.join(blocked, "c.json"), "."], io),
    ).toBe(1);
    expect(io.err()).toMatch(
      /^would change: wiki\/compose.yaml\nwarning: the cache .*c\.json: cannot write it \(EEXIST\)\n/,
    );
  });

  test("the flags that go with it are checked before any file is read", async () => {
    const dir = tempTree({ "wiki/compose.yaml": WIKI_WITH_PORT });
    const io = captureIO(dir);
    expect(await run(["--cache-location", "c.json", "."], io)).toBe(2);
    expect(io.err()).toBe("error: --cache-location goes with --cache\n");
    const stdin = captureIO(dir, WIKI_WITH_PORT);
    expect(await run(["--cache", "-"], stdin)).toBe(2);
    expect(stdin.err()).toMatch(/--cache keeps the outcomes of files/);
    expect(existsSync(path.join(dir, "c.json"))).toBe(false);
  });

  test("the default location is the user's cache directory", () => {
    expect(defaultCacheLocation({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/u" })).toBe(
      "/x/cache/composemod/cache.json",
    );
    expect(defaultCacheLocation({ HOME: "/home/u" })).toBe("/home/u/.cache/composemod/cache.json");
    expect(defaultCacheLocation({ XDG_CACHE_HOME: "relative", HOME: "/home/u" })).toBe(
      "/home/u/.cache/composemod/cache.json",
    );
  });
});

const corpus = corpusDir();
const describeCorpus = corpus ? describe : describe.skip;
if (!corpus) noteMissingCorpus("cache.test.ts");

describeCorpus("--cache over real projects", () => {
  // a seeded walk of edits to a host of real projects; after each, the cached run must report
  // what a run without the cache does, file for file
  test("never hides a change: 40 edits to 60 corpus projects, cached and fresh runs agree", async () => {
    const sources = yamlFiles(corpus!).filter((f) => !f.startsWith("invalid/"));
    const rnd = new Random(20261201);
    const files: Record<string, string> = {};
    const projects: string[] = [];
    for (let i = 0; i < 60; i++) {
      const name = `p${String(i).padStart(2, "0")}`;
      projects.push(name);
      files[`${name}/compose.yaml`] = readFileSync(path.join(corpus!, rnd.pick(sources)), "utf8");
    }
    const dir = tempTree(files);
    const cache = ["--cache", "--cache-location", path.join(dir, ".cache.json")];
    await report(dir, cache);
    const kinds: Record<string, (project: string) => void> = {
      "another file": (p) =>
        copyFileSync(path.join(corpus!, rnd.pick(sources)), path.join(dir, p, "compose.yaml")),
      "a line dropped": (p) => {
        const file = path.join(dir, p, "compose.yaml");
        const lines = readFileSync(file, "utf8").split("\n");
        lines.splice(rnd.int(lines.length), 1);
        writeFileSync(file, lines.join("\n"));
      },
      "a .env": (p) =>
        writeFileSync(path.join(dir, p, ".env"), `COMPOSE_PROJECT_NAME=renamed-${rnd.int(5)}\n`),
      "an override": (p) =>
        writeFileSync(
          path.join(dir, p, "compose.override.yaml"),
          `services:\n  db:\n    image: postgres:16\n    ports: ["${5432 + rnd.int(9)}:5432"]\n`,
        ),
      "a shared fixed-name network": (p) =>
        writeFileSync(path.join(dir, p, "compose.yaml"), SHARED(p)),
      "a file that cannot be read": (p) => {
        const file = path.join(dir, p, "compose.yaml");
        if (process.getuid?.() === 0) writeFileSync(file, Buffer.from([0xc3, 0x28, 0x0a]));
        else chmodSync(file, 0o000);
      },
      "a file back to readable": (p) => {
        const file = path.join(dir, p, "compose.yaml");
        chmodSync(file, 0o644);
        writeFileSync(file, WIKI_WITH_PORT);
      },
      "a new project": () => {
        const name = `n${projects.length}`;
        projects.push(name);
        mkdirSync(path.join(dir, name));
        copyFileSync(path.join(corpus!, rnd.pick(sources)), path.join(dir, name, "compose.yaml"));
      },
    };
    const names = Object.keys(kinds);
    const done: string[] = [];
    for (let step = 0; step < 40; step++) {
      const kind = rnd.pick(names);
      const project = rnd.pick(projects);
      kinds[kind](project);
      done.push(`${kind} in ${project}`);
      const cached = await report(dir, cache);
      const fresh = await report(dir, []);
      expect({ step: done.join("; "), ...cached }).toEqual({ step: done.join("; "), ...fresh });
    }
    expect(await processed(dir, cache)).toBe(0);
  }, 120_000);
});
