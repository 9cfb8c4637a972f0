import { execFileSync } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { run } from "../src/cli/program";
import { normalizeProjectName } from "../src/compose/project-name";
import { corpusDir, noteMissingCorpus } from "./helpers/corpus";
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

/** The SARIF 2.1.0 schema as the @microsoft/jest-sarif package ships it (JSON Schema draft-04). */
function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(
      require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"),
      "utf8",
    ),
  );
  const ajv = new Ajv({ schemaId: "id", allErrors: true });
  ajv.addMetaSchema(
    JSON.parse(readFileSync(require.resolve("ajv/lib/refs/json-schema-draft-04.json"), "utf8")),
  );
  return ajv.compile(schema);
}

describe("composemod audit on a small host", () => {
  const dir = tempTree(HOST);

  test("exactly the expected findings, exit 1", async () => {
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
      ["app-database-on-proxy", "warning", "blog/ghost", "blog/compose.yaml:2:3"],
      ["database-published", "error", "blog/db", "blog/compose.yaml:7:3"],
      ["database-shared-with-other-project", "error", "blog/db", "blog/compose.yaml:7:3"],
      [
        "database-shared-with-other-project",
        "error",
        "wiki/wiki-db",
        "wiki/docker-compose.yml:2:3",
      ],
      ["app-database-on-proxy", "warning", "wiki/mediawiki", "wiki/docker-compose.yml:4:3"],
    ]);
    const wikiDb = report.findings.find((f: Dict) => f.service === "wiki-db");
    expect(wikiDb.network).toBe("proxy");
    expect(wikiDb.others).toEqual(["blog/db", "blog/ghost", "pads/etherpad", "proxy/nginx-proxy"]);
    expect(report.summary).toEqual({
      projects: 4,
      findings: 5,
      errors: 0,
      databasesReachable: 2,
      after: { findings: 0, databasesReachable: 0 },
    });
  });

  test("SARIF 2.1.0 that validates against the schema, one result per finding, at the service's line", async () => {
    const io = captureIO(dir);
    await run(["audit", "--sarif", "."], io);
    const sarif = JSON.parse(io.out());
    const validate = sarifValidator();
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const results = sarif.runs[0].results;
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
        },
      ],
    });
  });

  test("a readable table; after composemod --write the host has nothing to report", async () => {
    const io = captureIO(dir);
    await run(["audit", "."], io);
    expect(io.out()).toContain(
      "4 projects: 2 databases reachable from another project, 5 findings, 0 errors",
    );
    expect(io.out()).toContain("after `composemod --write`: 0 reachable, 0 findings");
    expect(await run(["--write", "-q", "."], captureIO(dir))).toBe(0);
    const after = captureIO(dir);
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
    "findings before; after --write, no database reachable from another project and nothing else",
    async () => {
      const dir = tempTree({});
      cpSync(corpus!, path.join(dir, "corpus"), { recursive: true });
      execFileSync("chmod", ["-R", "u+w", path.join(dir, "corpus")]);
      const before = captureIO(dir);
      await run(["audit", "--json", "corpus"], before);
      const was = JSON.parse(before.out());
      expect(was.summary.databasesReachable).toBeGreaterThan(0);
      expect(was.summary.after.databasesReachable).toBe(0);
      expect(await run(["--write", "-q", "corpus"], captureIO(dir))).toBe(0);
      const after = captureIO(dir);
      expect(await run(["audit", "--json", "corpus"], after)).toBe(0);
      const now = JSON.parse(after.out());
      // what the audit said --write would leave is what it left
      expect(now.summary).toMatchObject({ ...was.summary.after, errors: 0 });
      // what stays is a backend kept on a shared network on purpose (it reaches another
      // project there), or a note about a project composemod leaves alone
      const kept = now.findings.filter((f: Dict) => f.level !== "note");
      expect(kept.every((f: Dict) => f.rule === "backend-shared-with-other-project")).toBe(true);
    },
  );
});
