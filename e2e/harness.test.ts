import { compareReach, crossProjectReaches, inProjectLinks, lostLinks } from "./analysis";
import { auditReach, Role } from "./composemod";
import { restoreText } from "./host-network";
import { Container, Matrix, probesFor, probeScript, readAnswers } from "./probe";

const container = (identity: string, nets: [string, string, string[]][]): Container => ({
  id: `${identity.replace("/", "")}0123456789`,
  name: identity.replace("/", "_"),
  identity,
  project: identity.split("/")[0],
  service: identity.split("/")[1],
  networks: nets.map(([network, ip, aliases]) => ({ network, ip, aliases, links: {} })),
});

describe("the probes", () => {
  const app = container("a/app", [["proxy", "172.20.0.2", ["app"]]]);
  const db = container("a/db", [["proxy", "172.20.0.3", ["db", "pg"]]]);
  const other = container("b/app", [["proxy", "172.20.0.4", ["app"]]]);

  test("every address of every other container, and every name others answer to but the source", () => {
    const probes = probesFor(app, [app, db, other], (c) => (c === db ? 5432 : 80));
    expect(probes.map((p) => `${p.kind} ${p.address}:${p.port}`)).toEqual([
      "ip 172.20.0.3:5432",
      "ip 172.20.0.4:80",
      "name db:5432",
      "name pg:5432",
    ]);
  });

  test("one line per probe, read back by index; a reply without an identity is no answer", () => {
    const probes = probesFor(app, [db], () => 5432);
    expect(probeScript(probes)).toContain("p 0 172.20.0.3 5432 &");
    const answered = readAnswers(probes, "1 a/db\n0 \n2 <html>\n");
    expect(answered.map((p) => p.answered)).toEqual([undefined, "a/db", undefined]);
  });
});

describe("what the matrix shows", () => {
  const roles = new Map<string, Role>([
    ["a/app", "app"],
    ["a/db", "database"],
    ["b/app", "app"],
  ]);
  const matrix = (answers: [string, string, string | undefined][]): Matrix => ({
    containers: [],
    seconds: 0,
    probes: answers.map(([source, address, answered]) => ({
      source,
      kind: "name",
      address,
      port: 1,
      answered,
    })),
  });

  test("a reach to another project's database counts, to its app does not", () => {
    const m = matrix([
      ["b/app", "db", "a/db"],
      ["b/app", "app", "a/app"],
      ["a/app", "db", "a/db"],
    ]);
    expect(crossProjectReaches(m, roles).map((r) => r.probe.source)).toEqual(["b/app"]);
  });

  test("a link is lost when its name no longer reaches the same service", () => {
    const before = inProjectLinks(matrix([["a/app", "db", "a/db"]]));
    expect(lostLinks(before, inProjectLinks(matrix([["a/app", "db", "a/db"]])))).toEqual([]);
    expect(lostLinks(before, inProjectLinks(matrix([["a/app", "db", undefined]])))).toEqual([
      "a/app -> db:1 (was a/db, now nothing)",
    ]);
  });

  test("engine and audit agree when they name the same sources for the same targets", () => {
    const engine = new Map([["a/db", new Set(["b/app"])]]);
    expect(compareReach(engine, new Map([["a/db", new Set(["b/app"])]]))).toEqual([]);
    expect(compareReach(engine, new Map())).toEqual([
      "a/db: reached on the engine by b/app, which the audit does not name",
    ]);
  });
});

test("the audit's JSON is read as databases and backends with the services of other projects on their networks", () => {
  const reach = auditReach({
    networks: [
      {
        name: "proxy",
        members: [
          { project: "a", service: "db" },
          { project: "a", service: "w" },
          { project: "b", service: "app" },
        ],
      },
    ],
    findings: [
      {
        rule: "database-shared-with-other-project",
        level: "error",
        project: "a",
        service: "db",
        network: "proxy",
      },
      {
        rule: "backend-shared-with-other-project",
        level: "warning",
        project: "a",
        service: "w",
        network: "proxy",
      },
      { rule: "app-database-on-proxy", level: "warning", project: "a", service: "app" },
      {
        rule: "name-shared-with-other-project",
        level: "error",
        project: "a",
        service: "db",
        network: "proxy",
        name: "db",
      },
      { rule: "network-drift", level: "warning", project: "b", service: "app" },
    ],
    summary: { databasesReachable: 1, after: { databasesReachable: 0 } },
  });
  expect([...reach.databases]).toEqual([["a/db", new Set(["b/app"])]]);
  expect([...reach.backends]).toEqual([["a/w", new Set(["b/app"])]]);
  expect([...reach.names]).toEqual(["a/db db on proxy"]);
  expect([...reach.drift]).toEqual(["b/app"]);
  expect(reach.databasesReachable).toBe(1);
  expect(reach.databasesReachableAfterWrite).toBe(0);
});

test("iptables tables that did not exist before are emptied, the others restored", () => {
  const before =
    "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
  const now =
    "# Generated\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:DOCKER - [0:0]\n-A FORWARD -j DOCKER\nCOMMIT\n" +
    "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n-A PREROUTING -j DOCKER\nCOMMIT\n";
  expect(restoreText(before, now)).toBe(
    before + "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n",
  );
});
