import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { run } from "../src/cli/program";
import { WIKI_WITH_PORT } from "./helpers/fixtures";
import { captureIO, tempTree } from "./helpers/tmp";

/** What a run prints, both streams, and its exit status. */
async function runIn(dir: string, args: string[]) {
  const io = captureIO(dir);
  const status = await run(args, io);
  return { status, out: io.out(), err: io.err() };
}

/** A project whose names hold a terminal title sequence, a bell and a forged line. */
const HOSTILE = `services:
  "web\\nFAKE: line":
    image: ghcr.io/example/web:1
    ports: ["8080:80"]
    environment:
      VIRTUAL_HOST: web.example.org
      DB_HOST: "db\\e]0;PWNED\\a"
    networks: ["proxy\\e]0;NET\\a", default]
  "db\\e]0;PWNED\\a":
    image: postgres:16
    ports: ["5432:5432"]
  "cache\\u009b2J":
    image: redis:7
networks:
  "proxy\\e]0;NET\\a":
    external: true
`;

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("control characters in names never reach the terminal raw", () => {
  const runs: [string, string[]][] = [
    ["the diff", []],
    ["--explain", ["--explain"]],
    ["--check", ["--check"]],
    ["--list-different", ["-l"]],
    ["audit", ["audit"]],
    ["graph", ["graph"]],
    ["graph --format mermaid", ["graph", "--format", "mermaid"]],
    ["graph --format dot", ["graph", "--format", "dot"]],
  ];
  test.each(runs)("%s", async (_name, args) => {
    const dir = tempTree({
      "stack/compose.yml": HOSTILE,
      // a directory whose name retitles the terminal, with a file that cannot be read
      "bad\u001b]0;DIR\u0007/compose.yml": 'services:\n  "x\\e[2J":\n    image: [\n',
    });
    const { out, err } = await runIn(dir, [...args, "."]);
    expect(out + err).not.toMatch(RAW_CONTROL);
    expect(out + err).not.toMatch(/^FAKE/m);
    // the names are there, escaped
    if (args[0] !== "-l" && args[0] !== "--check") {
      expect(out + err).toMatch(/db\\(e|x1b|u001b)\]0;PWNED/);
    }
  });

  test("the JSON report keeps the names as they are", async () => {
    const dir = tempTree({ "stack/compose.yml": HOSTILE });
    const { out } = await runIn(dir, ["--json", "."]);
    const report = JSON.parse(out);
    expect(Object.keys(report.files[0].services)).toEqual([
      "web\nFAKE: line",
      "db\u001b]0;PWNED\u0007",
      "cache\u009b2J",
    ]);
  });
});

describe("Mermaid labels are text", () => {
  test("a name with HTML in it is escaped, as in the DOT output", async () => {
    const dir = tempTree({
      "site/compose.yml":
        'services:\n  "<img src=x onerror=alert(1)>":\n    image: nginx\n  "a&b\\"c`d":\n    image: postgres:16\n',
    });
    const { status, out } = await runIn(dir, ["graph", "--format", "mermaid", "."]);
    expect(status).toBe(0);
    expect(out).not.toMatch(/<img|onerror=alert\(1\)>/);
    expect(out).toContain("#lt;img src=x onerror=alert(1)#gt;<br/><i>");
    expect(out).toContain('"a#amp;b#quot;c#96;d<br/>');
  });
});

describe("a configuration key named like a built-in property", () => {
  test.each(["constructor", "__proto__", "toString", "hasOwnProperty"])(
    "`%s` is an unknown key, at its place",
    async (key) => {
      const dir = tempTree({
        "composemod.config.json": `{\n  "${key}": "x"\n}\n`,
        "wiki/compose.yaml": WIKI_WITH_PORT,
      });
      const { status, err } = await runIn(dir, ["."]);
      expect(status).toBe(2);
      expect(err).toContain(`composemod.config.json:2:3: unknown key \`${key}\``);
      expect(err).not.toMatch(/unexpected failure/);
    },
  );
});

describe("values that would recurse without end", () => {
  const nested = (levels: number) => "${Y:-".repeat(levels) + "x" + "}".repeat(levels);
  const files: Record<string, string> = {
    "seq/compose.yml": "services:\n  web:\n    image: nginx\nx-r: &r [*r]\n",
    "merge/compose.yml": "services:\n  web:\n    image: nginx\nx-a: &a {<<: *a}\n",
    "env/compose.yml": "services:\n  web:\n    image: nginx\n    environment:\n      A: ${A}\n",
    "env/.env": `A=${nested(20_000)}\n`,
    "value/compose.yml": `services:\n  web:\n    image: nginx\n    environment:\n      A: "${nested(20_000)}"\n`,
    "fine/compose.yml": `services:\n  web:\n    image: "nginx:\${V:-\${W:-1}}"\n`,
  };
  test("are refused by graph too, on standard error", async () => {
    const dir = tempTree(files);
    const { status, err } = await runIn(dir, ["graph", "."]);
    expect(status).toBe(2);
    expect(err).not.toMatch(/Maximum call stack|unexpected failure|internal-error/);
    expect(err).toContain("seq/compose.yml:4:10: the alias *r is inside");
    expect(err).toMatch(/merge\/compose\.yml:4:14: .* \[self-referencing-alias\]/);
    expect(err).toMatch(/value\/compose\.yml:5:10: .* \[interpolation-too-deep\]/);
    expect(err).toMatch(/env\/compose\.yml: env\/\.env:1:\d+: .* \[interpolation-too-deep\]/);
  });

  test.each(["", "audit"])(
    "are refused with their own codes at file:line:col (%s)",
    async (command) => {
      const dir = tempTree(files);
      const args = command ? [command, "--json", "."] : ["--json", "."];
      const { out, err } = await runIn(dir, args);
      expect(err).not.toMatch(/Maximum call stack|unexpected failure|internal-error/);
      const report = JSON.parse(out);
      const errors: { path: string; code: string; line?: number; col?: number; message: string }[] =
        command === ""
          ? report.files
              .filter((f: { status: string }) => f.status === "error")
              .map((f: { path: string; error: object }) => ({ path: f.path, ...f.error }))
          : report.errors;
      const byPath = Object.fromEntries(errors.map((e) => [e.path, e]));
      expect(Object.keys(byPath).sort()).toEqual([
        "env/compose.yml",
        "merge/compose.yml",
        "seq/compose.yml",
        "value/compose.yml",
      ]);
      expect(byPath["seq/compose.yml"]).toMatchObject({
        code: "self-referencing-alias",
        line: 4,
        col: 10,
      });
      expect(byPath["merge/compose.yml"]).toMatchObject({
        code: "self-referencing-alias",
        line: 4,
        col: 14,
      });
      expect(byPath["value/compose.yml"]).toMatchObject({
        code: "interpolation-too-deep",
        line: 5,
        col: 10,
      });
      expect(byPath["env/compose.yml"].code).toBe("interpolation-too-deep");
      expect(byPath["env/compose.yml"].message).toMatch(/^env\/\.env:1:\d+: /);
      for (const [file, text] of Object.entries(files)) {
        expect(readFileSync(path.join(dir, file), "utf8")).toBe(text);
      }
    },
  );
});

describe("the --cache file is checked, not trusted", () => {
  type CacheFile = { entries: Record<string, { value: unknown; reads: unknown; run: number }> };
  const setup = async (args: string[]) => {
    const dir = tempTree({ "wiki/compose.yaml": WIKI_WITH_PORT });
    const location = path.join(dir, ".cache.json");
    const cache = ["--cache", "--cache-location", location];
    const first = await runIn(dir, [...args, ...cache, "."]);
    const file = JSON.parse(readFileSync(location, "utf8")) as CacheFile;
    const outcomes = Object.values(file.entries).find((e) => Array.isArray(e.value))!;
    const again = async (
      change: (outcome: Record<string, unknown>, entry: Record<string, unknown>) => void,
    ) => {
      const edited = JSON.parse(readFileSync(location, "utf8")) as CacheFile;
      for (const entry of Object.values(edited.entries)) {
        if (Array.isArray(entry.value)) {
          for (const o of entry.value) change(o, entry as unknown as Record<string, unknown>);
        }
      }
      writeFileSync(location, JSON.stringify(edited));
      return runIn(dir, [...args, ...cache, "."]);
    };
    return { dir, location, first, outcomes, again };
  };

  test("an outcome turned `unchanged` does not make a failing --check pass", async () => {
    const { first, again } = await setup(["--check"]);
    expect(first.status).toBe(1);
    const lied = await again((o) => {
      o.status = "unchanged";
    });
    expect(lied.status).toBe(1);
    expect(lied.err).toMatch(/warning: the cache .*an entry of it did not hold together/);
  });

  test("a cached diff or path with escape sequences is not printed: the entry is a miss", async () => {
    const { first, again } = await setup([]);
    expect(first.out).toContain("+++ b/wiki/compose.yaml");
    const diff = await again((o) => {
      o.diff = `${o.diff}+\u001b]0;PWNED\u0007\n`;
    });
    expect(diff.out).toBe(first.out);
    expect(diff.out + diff.err).not.toMatch(RAW_CONTROL);
    const named = await again((o) => {
      o.path = "wiki/\u001b]0;PWNED\u0007compose.yaml";
    });
    expect(named.out).toBe(first.out);
    expect(named.out + named.err).not.toMatch(RAW_CONTROL);
  });

  test("a diff that is not one of the file is a miss", async () => {
    const { first, again } = await setup([]);
    const other = await again((o) => {
      o.diff = String(o.diff).replace(/^ (\s+image: .*)$/m, " $1:evil");
    });
    expect(other.out).toBe(first.out);
    expect(other.err).toMatch(/did not hold together/);
  });

  test.each<[string, (o: Record<string, unknown>, entry: Record<string, unknown>) => void]>([
    ["services null", (o) => (o.services = null)],
    ["warnings a string", (o) => (o.warnings = "x")],
    ["no status", (o) => delete o.status],
    ["an error without its diagnostic", (o) => (o.status = "error")],
    ["reads not a list", (_o, e) => (e.reads = 5)],
    ["a value that is no list", (_o, e) => (e.value = { path: "x" })],
    ["run not a number", (_o, e) => (e.run = "x" as unknown as number)],
  ])("a malformed entry (%s) is a miss, with a warning", async (_name, change) => {
    const { first, again } = await setup(["--json"]);
    const broken = await again(change);
    expect(broken.err).not.toMatch(/unexpected failure/);
    expect(broken.status).toBe(first.status);
    expect(broken.err).toMatch(/did not hold together/);
    const strip = (text: string) => text.replace(/"seconds": [\d.]+/, "");
    expect(strip(broken.out)).toBe(strip(first.out));
  });

  test("a cache file any user may write is not read", async () => {
    const { location, first, again } = await setup(["--check"]);
    chmodSync(location, 0o666);
    const lied = await again((o) => {
      o.status = "unchanged";
      o.reasonCode = "already-isolated";
    });
    expect(lied.status).toBe(first.status);
    expect(lied.err).toMatch(/any user may write it; it is not read/);
  });
});
