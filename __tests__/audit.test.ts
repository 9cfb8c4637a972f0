import { execFileSync } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { RULES } from "../src/analysis/findings";
import { run } from "../src/cli/program";
import { normalizeProjectName } from "../src/compose/project-name";
import { corpusDir, noteMissingCorpus } from "./helpers/corpus";
import { sarifValidator } from "./helpers/sarif";
import { captureIO, tempTree } from "./helpers/tmp";

// three projects share the proxy network: a blog whose database is on it and publishes 3306 on
// all interfaces, a wiki whose database is on it, pads already migrated; and the proxy itself
const HOST = {
  "blog/compose.yaml": `services:
  ghost:
    image: ghost:5
    environment:
      VIRTUAL_HOST: blog.example.org
    networks: [proxy]
  db:
    image: mysql:8
    ports:
      - "3306:3306"
    networks: [proxy]
networks:
  proxy:
    external: true
`,
  "wiki/docker-compose.yml": `services:
  wiki-db:
    image: mariadb:11
  mediawiki:
    image: mediawiki:1.41
    environment:
      VIRTUAL_HOST: wiki.example.org
networks:
  default:
    external:
      name: proxy
`,
  "pads/compose.yaml": `services:
  pad-db:
    image: postgres:16
    ports:
      - "127.0.0.1:5432:5432"
    networks: [internal]
  etherpad:
    image: etherpad/etherpad:2
    environment:
      VIRTUAL_HOST: pad.example.org
    networks: [internal, proxy]
networks:
  internal:
    driver: bridge
  proxy:
    external: true
`,
  "proxy/compose.yaml": `services:
  nginx-proxy:
    image: nginxproxy/nginx-proxy:1.6
    ports: ["80:80", "443:443"]
networks:
  default:
    name: proxy
    external: true
`,
};

type Dict = Record<string, any>;

/** Applies SARIF replacements (1-based lines and columns, regions in the original) to a text. */
function applySarif(text: string, replacements: Dict[]): string {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  const offset = (line: number, col: number) => starts[line - 1] + col - 1;
  let out = "";
  let cursor = 0;
  for (const r of replacements) {
    const d = r.deletedRegion;
    const start = offset(d.startLine, d.startColumn);
    const end = offset(d.endLine, d.endColumn);
    expect(start).toBeGreaterThanOrEqual(cursor);
    out += text.slice(cursor, start) + (r.insertedContent?.text ?? "");
    cursor = end;
  }
  return out + text.slice(cursor);
}

describe("composemod audit on a small host", () => {
  const dir = tempTree(HOST);

  test("exactly the expected findings, each at the key it is about, exit 1", async () => {
    const io = captureIO(dir);
    expect(await run(["audit", "--json", "."], io)).toBe(1);
    const report = JSON.parse(io.out());
    const found = report.findings.map((f: Dict) => [
      f.rule,
      f.level,
      `${f.project}/${f.service}`,
      `${f.file}:${f.line}:${f.col}`,
    ]);
    expect(found).toEqual([
      // the app's `proxy` in `networks: [proxy]`, the port, the database's `proxy`
      ["app-database-on-proxy", "warning", "blog/ghost", "blog/compose.yaml:6:16"],
      ["database-published", "error", "blog/db", "blog/compose.yaml:10:9"],
      ["database-shared-with-other-project", "error", "blog/db", "blog/compose.yaml:11:16"],
      // on the proxy network without saying so: at the service
      [
        "database-shared-with-other-project",
        "error",
        "wiki/wiki-db",
        "wiki/docker-compose.yml:2:3",
      ],
      ["app-database-on-proxy", "warning", "wiki/mediawiki", "wiki/docker-compose.yml:4:3"],
    ]);
    expect(report.findings.every((f: Dict) => f.fixedByWrite === true)).toBe(true);
    const wikiDb = report.findings.find((f: Dict) => f.service === "wiki-db");
    expect(wikiDb.network).toBe("proxy");
    expect(wikiDb.others).toEqual({
      services: 4,
      projects: 3,
      first: ["blog/db", "blog/ghost", "pads/etherpad"],
    });
    expect(wikiDb.message).toBe(
      "database `wiki-db` is on network `proxy` with 4 services of 3 other projects (blog/db, blog/ghost, pads/etherpad and 1 more)",
    );
    // the network's members once, for every finding that names it
    expect(report.networks).toEqual([
      {
        name: "proxy",
        external: true,
        projects: 4,
        members: [
          { project: "blog", service: "db", role: "database" },
          { project: "blog", service: "ghost", role: "app" },
          { project: "pads", service: "etherpad", role: "app" },
          { project: "proxy", service: "nginx-proxy", role: "proxy" },
          { project: "wiki", service: "mediawiki", role: "app" },
          { project: "wiki", service: "wiki-db", role: "database" },
        ],
      },
    ]);
    expect(report.summary).toEqual({
      projects: 4,
      findings: 5,
      levels: { error: 3, warning: 2 },
      databasesReachable: 2,
      fileErrors: 0,
      after: { findings: 0, databasesReachable: 0 },
    });
  });

  test("SARIF 2.1.0 that validates, with rule metadata and the rewrite's edits as fixes", async () => {
    const io = captureIO(dir);
    expect(await run(["audit", "--sarif", "."], io)).toBe(1);
    const sarif = JSON.parse(io.out());
    const validate = sarifValidator();
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const run0 = sarif.runs[0];
    for (const rule of run0.tool.driver.rules) {
      expect(rule).toMatchObject({
        id: expect.any(String),
        shortDescription: { text: expect.any(String) },
        helpUri: `https://www.npmjs.com/package/composemod#${rule.id}`,
        defaultConfiguration: { level: expect.stringMatching(/^(error|warning)$/) },
      });
    }
    const results = run0.results;
    expect(results).toHaveLength(5);
    expect(results[3]).toMatchObject({
      ruleId: "database-shared-with-other-project",
      level: "error",
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "wiki/docker-compose.yml" },
            region: { startLine: 2, startColumn: 3 },
          },
          logicalLocations: [{ index: 0, name: "proxy", kind: "network" }],
        },
      ],
    });
    expect(run0.logicalLocations).toEqual([
      { name: "proxy", fullyQualifiedName: "proxy", kind: "network" },
    ]);
    // the members once, in the run's properties, never in a result
    expect(run0.properties.networks[0].members).toHaveLength(6);
    expect(JSON.stringify(results)).not.toContain("members");
    // each fix, applied to the file as it is, gives what --write writes
    const written = tempTree(HOST);
    expect(await run(["--write", "-q", "."], captureIO(written))).toBe(0);
    for (const result of results) {
      expect(result.fixes).toHaveLength(1);
      for (const change of result.fixes[0].artifactChanges) {
        const file = change.artifactLocation.uri;
        const before = readFileSync(path.join(dir, file), "utf8");
        const after = readFileSync(path.join(written, file), "utf8");
        expect(applySarif(before, change.replacements)).toBe(after);
      }
    }
  });

  test("one line per finding an editor can jump to, a summary that counts them; after composemod --write nothing to report", async () => {
    const io = captureIO(dir);
    await run(["audit", "."], io);
    const lines = io.out().trimEnd().split("\n");
    const rows = lines.slice(0, -2);
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row).toMatch(/^[^:]+:\d+:\d+: (error|warning|info) [a-z-]+ /);
    const rules = Object.keys(RULES);
    for (const row of rows) expect(rules).toContain(row.split(" ")[2]);
    expect(rows.filter((r) => / error /.test(r)).length).toBe(3);
    expect(rows.filter((r) => / warning /.test(r)).length).toBe(2);
    expect(lines.at(-2)).toBe(
      "4 projects: 2 databases reachable from another project, 5 findings (3 errors, 2 warnings)",
    );
    expect(lines.at(-1)).toBe("after `composemod --write`: 0 reachable, 0 findings");
    // the wide table on request: a heading, then a row per finding, level first
    const table = captureIO(dir);
    await run(["audit", "--format", "table", "."], table);
    const tableLines = table.out().trimEnd().split("\n");
    expect(tableLines[0]).toMatch(/^LEVEL +SERVICE +FINDING +WHERE$/);
    expect(tableLines.slice(1, -2).filter((r) => r.startsWith("error ")).length).toBe(3);
    expect(tableLines.slice(-2)).toEqual(lines.slice(-2));
    // on a terminal, each line fits its width; the place, level and rule stay on the first
    const narrow = captureIO(dir);
    await run(["audit", "--no-color", "."], { ...narrow, stdoutIsTTY: true, columns: 80 });
    const wrapped = narrow.out().trimEnd().split("\n");
    for (const line of wrapped.slice(0, -2)) {
      expect(line.length <= 80 || !line.slice(2).includes(" ")).toBe(true);
      expect(line).toMatch(/^([^: ]+:\d+:\d+: (error|warning) [a-z-]+( |$)| {2}\S)/);
    }
    expect(wrapped.filter((l) => !l.startsWith("  ")).length).toBe(lines.length);
    const copy = tempTree(HOST);
    expect(await run(["--write", "-q", "."], captureIO(copy))).toBe(0);
    const after = captureIO(copy);
    expect(await run(["audit", "--json", "."], after)).toBe(0);
    expect(JSON.parse(after.out()).findings).toEqual([]);
  });
});

test("project names are normalised as Compose does", () => {
  expect(normalizeProjectName("My App.v2")).toBe("myappv2");
  expect(normalizeProjectName("_stack-1")).toBe("stack-1");
});

test("a file that cannot be read makes audit exit 2", async () => {
  const dir = tempTree({ "bad/compose.yaml": "services:\n  a:\n\timage: x\n" });
  const io = captureIO(dir);
  expect(await run(["audit", "."], io)).toBe(2);
  expect(io.err()).toContain("bad/compose.yaml:3:1: Tabs are not allowed as indentation");
});

describe("audit on a copy of the shared corpus", () => {
  const corpus = corpusDir();
  if (!corpus) noteMissingCorpus("audit.test (corpus)");
  (corpus ? test : test.skip)(
    "findings before; after --write, exactly the findings the audit said it would leave",
    async () => {
      const dir = tempTree({});
      cpSync(corpus!, path.join(dir, "corpus"), { recursive: true });
      execFileSync("chmod", ["-R", "u+w", path.join(dir, "corpus")]);
      const before = captureIO(dir);
      await run(["audit", "--json", "corpus"], before);
      const was = JSON.parse(before.out());
      expect(was.summary.databasesReachable).toBeGreaterThan(0);
      expect(was.summary.after.databasesReachable).toBeLessThan(was.summary.databasesReachable);
      expect(await run(["--write", "-q", "corpus"], captureIO(dir))).toBe(0);
      const after = captureIO(dir);
      await run(["audit", "--json", "corpus"], after);
      const now = JSON.parse(after.out());
      // what the audit said --write would leave is what it left
      expect(now.summary).toMatchObject({ ...was.summary.after, fileErrors: 0 });
      const key = (f: Dict) =>
        `${f.rule} ${f.project}/${f.service} ${f.network ?? ""} ${f.name ?? ""}`;
      expect(now.findings.map(key).sort()).toEqual(
        was.findings
          .filter((f: Dict) => !f.fixedByWrite)
          .map(key)
          .sort(),
      );
      // what stays is in a project --write leaves as it is (the message says why), or a
      // backend kept on a shared network on purpose (it reaches another project there)
      for (const f of now.findings) {
        if (f.rule === "backend-shared-with-other-project") continue;
        expect(f.message).toContain("`composemod --write` leaves this project as it is: ");
      }
    },
  );
});

test("docs/audit.md's audit samples are what composemod prints, and every rule has its section there", async () => {
  const readme = readFileSync(path.resolve(__dirname, "..", "docs", "audit.md"), "utf8");
  const sample = /\$ cd \/srv\/stacks && composemod audit \.\n([\s\S]*?)```/.exec(readme)![1];
  const io = captureIO(tempTree(HOST));
  await run(["audit", "."], io);
  expect(io.out()).toBe(sample);
  const table = /\$ cd \/srv\/stacks && composemod audit --format table \.\n([\s\S]*?)```/.exec(
    readme,
  )![1];
  const wide = captureIO(tempTree(HOST));
  await run(["audit", "--format", "table", "."], wide);
  expect(wide.out()).toBe(table);
  for (const rule of Object.keys(RULES)) expect(readme).toContain(`\n### ${rule}\n`);
});
