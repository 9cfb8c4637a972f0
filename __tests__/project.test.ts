import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { run } from "../src/cli/program";
import { groupProjects } from "../src/compose/project-files";
import { rewriteFiles } from "./helpers/project";
import { captureIO, tempTree } from "./helpers/tmp";

type Dict = Record<string, any>;

const BASE = `services:
  app:
    image: ghcr.io/example/wiki:3
    environment:
      VIRTUAL_HOST: wiki.example.org
  db:
    image: postgres:16
    volumes:
      - ./db:/var/lib/postgresql/data
networks:
  default:
    external:
      name: proxy
`;

const OVERRIDE = `services:
  app:
    ports:
      - "8080:80"
  db:
    ports:
      - "5432:5432"
`;

test("a directory's base file and its override files are one unit; other files stand alone", () => {
  const units = groupProjects([
    "/h/a/compose.override.yaml",
    "/h/a/compose.yaml",
    "/h/a/compose.prod.yaml",
    "/h/b/docker-compose.override.yml",
  ]);
  expect(units).toEqual([
    ["/h/a/compose.yaml", "/h/a/compose.override.yaml"],
    ["/h/a/compose.prod.yaml"],
    ["/h/b/docker-compose.override.yml"],
  ]);
});

describe("a base file and an override file that publishes the app's ports", () => {
  const [base, override] = rewriteFiles(
    [
      { path: "wiki/compose.yaml", text: BASE },
      { path: "wiki/compose.override.yaml", text: OVERRIDE },
    ],
    {},
  );

  test("both files change", () => {
    expect(base.status).toBe("changed");
    expect(override.status).toBe("changed");
  });

  test("roles come from the merged view: the override's services have no image of their own", () => {
    expect(override.services).toEqual({
      app: expect.objectContaining({ role: "app" }),
      db: expect.objectContaining({ role: "database" }),
    });
  });

  test("networks are edited in the base file, where the services are defined", () => {
    const data = parse(base.output) as Dict;
    expect(data.services.app.networks).toEqual(["internal", "default"]);
    expect(data.services.db.networks).toEqual(["internal"]);
    expect(data.networks.internal).toEqual({ driver: "bridge" });
  });

  test("the ports are commented out in the override file, where they live", () => {
    // an empty list keeps each service a mapping, and adds nothing to the base file's ports
    expect(override.output).toBe(`services:
  app:
    # ports:
    #   - "8080:80"
    ports: []
  db:
    # ports:
    #   - "5432:5432"
    ports: []
`);
  });

  test("a second run over both files changes nothing", () => {
    const again = rewriteFiles(
      [
        { path: "wiki/compose.yaml", text: base.output },
        { path: "wiki/compose.override.yaml", text: override.output },
      ],
      {},
    );
    expect(again.map((r) => r.status)).toEqual(["unchanged", "unchanged"]);
  });
});

test("an override file that lists networks itself is edited too, so that the merge holds no proxy for the database", () => {
  const override = `services:
  db:
    networks:
      - default
      - monitoring
networks:
  monitoring:
    external: true
`;
  const [base, over] = rewriteFiles([
    { path: "compose.yaml", text: BASE },
    { path: "compose.override.yaml", text: override },
  ]);
  expect(over.status).toBe("changed");
  const merged = {
    ...(parse(base.output) as Dict).services.db,
    ...(parse(over.output) as Dict).services.db,
  };
  expect(merged.networks).not.toContain("default");
  expect((parse(over.output) as Dict).services.db.networks).toEqual(["internal"]);
});

test("a service that extends another is classified with what it inherits", () => {
  const text = `services:
  db-base:
    image: mariadb:11
    networks: [proxy]
  db:
    extends: db-base
    networks: [proxy]
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
    networks: [proxy]
networks:
  proxy: {external: true}
`;
  const override = `services:\n  db:\n    restart: always\n`;
  const [base] = rewriteFiles([
    { path: "compose.yaml", text },
    { path: "compose.override.yaml", text: override },
  ]);
  expect(base.services.db.role).toBe("database");
  expect((parse(base.output) as Dict).services.db.networks).toEqual(["internal"]);
});

test("through the command line: both files written, an override alone handled on what it has", async () => {
  const dir = tempTree({
    "wiki/compose.yaml": BASE,
    "wiki/compose.override.yaml": OVERRIDE,
    "lonely/docker-compose.override.yml": OVERRIDE,
  });
  const io = captureIO(dir);
  expect(await run(["--write", "--json", "."], io)).toBe(0);
  const report = JSON.parse(io.out());
  const status = Object.fromEntries(report.files.map((f: Dict) => [f.path, f.status]));
  expect(status).toEqual({
    // alone, it is classified on what it has: `db` by its name, its published port ended
    "lonely/docker-compose.override.yml": "changed",
    "wiki/compose.override.yaml": "changed",
    "wiki/compose.yaml": "changed",
  });
  expect(readFileSync(path.join(dir, "wiki/compose.override.yaml"), "utf8")).toContain(
    '#   - "8080:80"',
  );
  expect(readFileSync(path.join(dir, "lonely/docker-compose.override.yml"), "utf8")).toBe(
    OVERRIDE.replace(
      '    ports:\n      - "5432:5432"\n',
      '    # ports:\n    #   - "5432:5432"\n    ports: []\n',
    ),
  );
  expect(await run(["--check", "."], captureIO(dir))).toBe(0);
});

test("networks that come from an include:d file are not declared again", async () => {
  const dir = tempTree({
    "shop/compose.yaml": `include:
  - networks.yaml
services:
  app:
    image: x/shop
    environment:
      VIRTUAL_HOST: shop.example.org
    networks: [edge]
  db:
    image: mariadb:11
    networks: [edge]
`,
    "shop/networks.yaml": `networks:
  edge:
    name: proxy
    external: true
`,
  });
  const io = captureIO(dir);
  await run(["--json", "shop/compose.yaml"], io);
  const [file] = JSON.parse(io.out()).files;
  expect(file.status).toBe("changed");
  expect(file.diff).not.toMatch(/^\+\s+edge:/m);
  expect(file.diff).toContain("+    networks: [internal]");
});

describe("projects: what Compose reads together", () => {
  const APP_AND_DB = `services:
  app:
    image: ghcr.io/acme/app:1
    environment:
      VIRTUAL_HOST: app.example.org
    ports:
      - "8080:80"
  db:
    image: postgres:16
`;

  test("an override that holds only networks is part of the project", () => {
    const [base, over] = rewriteFiles([
      { path: "p/docker-compose.yml", text: APP_AND_DB },
      {
        path: "p/docker-compose.override.yml",
        text: "networks:\n  default:\n    external: true\n    name: proxy\n",
      },
    ]);
    expect(base.status).toBe("changed");
    expect(over.status).toBe("unchanged");
    const data = parse(base.output) as Dict;
    expect(data.services.db.networks).toEqual(["internal"]);
    expect(data.services.app.networks).toEqual(["internal", "default"]);
    expect(data.networks).toEqual({ internal: { driver: "bridge" } });
  });

  test("a file of the project that cannot be read leaves the whole project alone", () => {
    const results = rewriteFiles([
      { path: "p/compose.yaml", text: APP_AND_DB },
      { path: "p/compose.override.yaml", text: "services:\n  app:\n   bad: [\n" },
    ]);
    expect(results.map((r) => r.status)).toEqual(["skipped", "error"]);
    expect(results[0].output).toBe(APP_AND_DB);
    expect(results[0].reason).toMatch(/compose.override.yaml of this project cannot be read/);
  });

  test("only the override of the base file's own family is read with it", () => {
    expect(
      groupProjects([
        "/p/compose.override.yml",
        "/p/compose.yaml",
        "/p/docker-compose.override.yml",
      ]),
    ).toEqual([["/p/compose.yaml", "/p/compose.override.yml"], ["/p/docker-compose.override.yml"]]);
  });

  test("extends in a single file and from another file classify with what they inherit", async () => {
    const dir = tempTree({
      "p/compose.yaml": `services:
  web:
    image: ghcr.io/acme/app:1
    environment: {VIRTUAL_HOST: a.example.org}
  app:
    extends: {service: web}
    ports: ["8080:80"]
  db:
    extends: {file: common.yml, service: pgbase}
    ports: ["5432:5432"]
networks:
  default:
    external: true
    name: proxy
`,
      "p/common.yml": "services:\n  pgbase:\n    image: postgres:16\n",
    });
    const io = captureIO(dir);
    await run(["--json", "p/compose.yaml"], io);
    const [file] = JSON.parse(io.out()).files;
    expect(file.services.app.role).toBe("app");
    expect(file.services.db.role).toBe("database");
    expect(file.diff).toContain('+    # ports: ["5432:5432"]');
  });
});
