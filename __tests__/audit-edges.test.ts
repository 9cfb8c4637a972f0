import { parse } from "yaml";
import { run } from "../src/cli/program";
import { rewriteText } from "../src/rewrite/rewrite-project";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import { captureIO, tempTree } from "./helpers/tmp";
import { flagRoles } from "./helpers/project";
import { warningText } from "../src/base/warning";

type Dict = Record<string, any>;

async function audit(files: Record<string, string>, args: string[] = []) {
  const dir = tempTree(files);
  const io = captureIO(dir);
  const status = await run(["audit", "--json", ...args, "."], io);
  return { dir, status, report: JSON.parse(io.out()) as Dict };
}

const rules = (report: Dict) =>
  report.findings.map((f: Dict) => `${f.rule} ${f.project}/${f.service}`);

test("a network with a fixed name: is shared by every project that names it, and --write fixes it", async () => {
  const stack = (app: string, db: string, key: string) => `services:
  ${app}:
    image: x/${app}
    ports: ["8080:80"]
    networks: [${key}]
  ${db}:
    image: postgres:16
    networks: [${key}]
networks:
  ${key}:
    name: common_net
`;
  const { dir, status, report } = await audit({
    "pads/compose.yaml": stack("etherpad", "pad-db", "shared"),
    "chat/compose.yaml": stack("chat", "chat-db", "common"),
  });
  expect(status).toBe(1);
  expect(rules(report)).toContain("database-shared-with-other-project pads/pad-db");
  expect(report.summary.after.databasesReachable).toBe(0);
  expect(await run(["--write", "-q", "."], captureIO(dir))).toBe(0);
  const after = captureIO(dir);
  expect(await run(["audit", "."], after)).toBe(0);
});

test("a network with a fixed name in an included file: the rewrite sees it shared too", async () => {
  const services = (app: string, db: string) => `services:
  ${app}:
    image: x/${app}
    ports: ["8080:80"]
    networks: [shared]
  ${db}:
    image: postgres:16
    networks: [shared]
`;
  const network = "networks:\n  shared:\n    name: common_net\n";
  const dir = tempTree({
    "pads/compose.yaml": "include:\n  - net.yaml\n" + services("etherpad", "pad-db"),
    "pads/net.yaml": network,
    "chat/compose.yaml": services("chat", "chat-db") + network,
  });
  const io = captureIO(dir);
  expect(await run(["--json", "."], io)).toBe(0);
  const files = JSON.parse(io.out()).files as Dict[];
  const status = (path: string) => files.find((f) => f.path === path)?.status;
  // alone, neither project is behind anything shared; together they share common_net
  expect(status("pads/compose.yaml")).toBe("changed");
  expect(status("chat/compose.yaml")).toBe("changed");
});

test("${VAR:-default} in a network name is read as its default", async () => {
  const { report } = await audit({
    "a/compose.yaml": `services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
    networks: [web]
  db:
    image: postgres
    networks: [web]
networks:
  web:
    external: true
    name: \${PROXY_NET:-proxy}
`,
    "b/compose.yaml":
      "services:\n  b:\n    image: x/b\n    networks: [proxy]\nnetworks:\n  proxy: {external: true}\n",
  });
  expect(rules(report)).toContain("database-shared-with-other-project a/db");
});

test("an override that holds only networks counts, and network_mode: service:x and host are followed", async () => {
  const { report } = await audit({
    "a/compose.yaml": "services:\n  app:\n    image: x/app\n  db:\n    image: postgres:16\n",
    "a/compose.override.yaml": "networks:\n  default:\n    external: true\n    name: proxy\n",
    "b/compose.yaml": `services:
  app:
    image: x/b
    networks: [proxy]
  db:
    image: postgres:16
    network_mode: "service:app"
  cache:
    image: redis:7
    network_mode: host
networks:
  proxy: {external: true}
`,
  });
  expect(rules(report)).toEqual(
    expect.arrayContaining([
      "database-shared-with-other-project a/db",
      "database-shared-with-other-project b/db",
      "database-published b/cache",
    ]),
  );
});

test("SARIF locations escape each path segment, and a BOM takes no column", async () => {
  const dir = tempTree({
    "a#b/compose.yaml":
      '\ufeffservices: {db: {image: postgres, ports: ["5432:5432"]}, app: {image: x}}\n',
  });
  const io = captureIO(dir);
  await run(["audit", "--sarif", "."], io);
  const [result] = JSON.parse(io.out()).runs[0].results;
  // at the published port, `"5432:5432"`, the 42nd character after the BOM
  expect(result.locations[0].physicalLocation).toEqual({
    artifactLocation: { uri: "a%23b/compose.yaml" },
    region: { startLine: 1, startColumn: 42 },
  });
});

test("graph nodes stay apart when their names read the same", async () => {
  const dir = tempTree({
    "p1/compose.yaml": "services:\n  db-1:\n    image: postgres\n  db_1:\n    image: postgres\n",
  });
  const io = captureIO(dir);
  await run(["graph", "--format", "mermaid", "."], io);
  expect(io.out()).toContain('    s_p1__db_1["db-1<br/><i>database</i>"]');
  expect(io.out()).toContain('    s_p1__db_1_2["db_1<br/><i>database</i>"]');
});

describe("--virtual-host details", () => {
  const opts = { ...DEFAULT_PLAN_OPTIONS };

  test("a comma-separated template in a flow environment is quoted; {project} is the Compose name", () => {
    const text = `services:
  app:
    image: x
    environment: {TZ: UTC}
    ports: ["8080:80"]
  db:
    image: postgres
`;
    const r = rewriteText(text, "My_App/c.yaml", {
      ...opts,
      virtualHost: "{project}.example.org, www.{project}.example.org",
    });
    expect(r.status).toBe("changed");
    expect((parse(r.output) as Dict).services.app.environment.VIRTUAL_HOST).toBe(
      "my_app.example.org, www.my_app.example.org",
    );
  });

  test("caddy labels in a flow list, the exposed port, and a $ that starts no variable", () => {
    const text = `services:
  app:
    image: x
    labels: [com.example.team=web]
    expose: ["3000"]
  db:
    image: postgres
`;
    const caddy = rewriteText(text, "c.yaml", {
      ...opts,
      overrides: flagRoles({ app: "app" }),
      virtualHost: "~^app\\..*$",
      proxyKind: "caddy",
    });
    expect(caddy.status).toBe("changed");
    expect((parse(caddy.output) as Dict).services.app.labels).toEqual([
      "com.example.team=web",
      "caddy=~^app\\..*$$",
      "caddy.reverse_proxy={{upstreams 3000}}",
    ]);
  });
});

test("--modernize leaves a flow-style or commented legacy form alone, and the rewrite still happens", () => {
  const text = `services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
  db:
    image: mariadb
networks: {default: {external: {name: proxy}}}
`;
  const r = rewriteText(text, "c.yaml", { ...DEFAULT_PLAN_OPTIONS, modernize: true });
  expect(r.status).toBe("changed");
  expect(r.output).toContain("external: {name: proxy}");
  expect(r.warnings.map(warningText).join("\n")).toMatch(/legacy external form is kept/);
});

test("--explain of a file that is left alone shows it as it is", async () => {
  const dir = tempTree({
    "compose.yaml": `services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
  db: {image: postgres, ports: ["3306:3306"]}
networks:
  default:
    external: true
    name: proxy
`,
  });
  const io = captureIO(dir);
  await run(["--explain", "compose.yaml"], io);
  expect(io.out()).toMatch(/compose.yaml: skipped/);
  expect(io.out()).not.toContain("->");
  expect(io.out()).toMatch(/db +database .* default \(proxy\) +kept: 3306:3306/);
});
