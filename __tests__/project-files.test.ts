import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { discover } from "../src/batch/discover";
import { projectUnits } from "../src/batch/units";
import { run } from "../src/cli/program";
import { composeFileSetting } from "../src/compose/project-files";
import { captureIO, tempTree } from "./helpers/tmp";
import { testWith } from "./helpers/tools";

type Dict = Record<string, any>;

/** An app behind the shared proxy, with no database of its own in the file. */
const APP = `version: "2.4"

services:

  freshrss:
    image: freshrss/freshrss:1.24
    restart: unless-stopped
    environment:
      VIRTUAL_HOST: rss.example.org
      TZ: Europe/Paris

networks:
  default:
    external:
      name: proxy
`;

/** The app's database in a file of its own, as upstream ships it: no networks, a whole service. */
const DB = `version: "2.4"

volumes:
  db:

services:

  freshrss-db:
    image: postgres:17
    volumes:
      - db:/var/lib/postgresql/data
    environment:
      POSTGRES_PASSWORD: \${DB_PASSWORD:-freshrss}
`;

/** The app on another board: the same service, its own image. */
const ARM = `services:
  freshrss:
    image: linuxserver/freshrss:arm64v8-latest
    environment:
      VIRTUAL_HOST: rss.example.org
`;

const REDIS = `services:
  cache:
    image: redis:7
`;

/** An app and its database in one file, behind the shared proxy. */
const WIKI = `services:
  wiki:
    image: ghcr.io/requarks/wiki:2
    environment:
      VIRTUAL_HOST: wiki.example.org
  db:
    image: postgres:16
networks:
  default:
    external: true
    name: proxy
`;

const PROD = `services:
  freshrss:
    restart: always
`;

/** The JSON report of a dry run, and the exit status. */
async function report(cwd: string, args: string[]): Promise<{ status: number; report: Dict }> {
  const io = captureIO(cwd);
  const status = await run(["--json", ...args], io);
  return { status, report: JSON.parse(io.out()) };
}

const byPath = (r: Dict) => new Map<string, Dict>(r.files.map((f: Dict) => [f.path, f]));

const units = async (dir: string) => {
  const { files } = await discover([dir]);
  return projectUnits(files).units.map((u) => u.map((f) => path.relative(dir, f)));
};

describe("COMPOSE_FILE in the project's .env", () => {
  test("two files, in its order, are one project; the override file is not read then", async () => {
    const dir = tempTree({
      "rss/.env": "COMPOSE_FILE=docker-compose.yml:database.yml\n",
      "rss/docker-compose.yml": APP,
      "rss/database.yml": DB,
      "rss/docker-compose.override.yml": PROD,
    });
    expect(await units(dir)).toEqual([
      ["rss/docker-compose.yml", "rss/database.yml"],
      ["rss/docker-compose.override.yml"],
    ]);
    const { report: r } = await report(dir, ["rss"]);
    const files = byPath(r);
    expect(files.get("rss/docker-compose.yml")!.status).toBe("changed");
    expect(files.get("rss/database.yml")!.services["freshrss-db"].role).toBe("database");
    expect(files.get("rss/database.yml")!.diff).toContain("+      - internal");
  });

  test("three files, one of them in a directory below", async () => {
    const dir = tempTree({
      "rss/.env": "export COMPOSE_FILE='docker-compose.yml:deploy/db.yml:deploy/cache.yml'\n",
      "rss/docker-compose.yml": APP,
      "rss/deploy/db.yml": DB,
      "rss/deploy/cache.yml": REDIS,
    });
    expect(await units(dir)).toEqual([
      ["rss/docker-compose.yml", "rss/deploy/db.yml", "rss/deploy/cache.yml"],
    ]);
    const { report: r } = await report(dir, ["rss"]);
    expect(r.files.map((f: Dict) => [f.path, f.status, f.project])).toEqual([
      ["rss/docker-compose.yml", "changed", "rss"],
      ["rss/deploy/db.yml", "changed", "rss"],
      ["rss/deploy/cache.yml", "changed", "rss"],
    ]);
  });

  test("split on COMPOSE_PATH_SEPARATOR when the .env sets one", () => {
    const env = "COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=a.yml;b.yml ; sub/c.yml\n";
    expect(composeFileSetting(env, "/p")).toEqual([
      { written: "a.yml", absolute: "/p/a.yml", offset: env.indexOf("a.yml") },
      { written: "b.yml", absolute: "/p/b.yml", offset: env.indexOf("b.yml") },
      { written: "sub/c.yml", absolute: "/p/sub/c.yml", offset: env.indexOf("sub/c.yml") },
    ]);
    expect(composeFileSetting("COMPOSE_FILE=\n", "/p")).toBeUndefined();
    expect(composeFileSetting("PROJECT=x\n", "/p")).toBeUndefined();
  });

  test("a file it names that does not exist: an error at the .env entry, and the batch goes on", async () => {
    const dir = tempTree({
      "rss/.env": "TZ=Europe/Paris\nCOMPOSE_FILE=docker-compose.yml:docker-compose.prod.yml\n",
      "rss/docker-compose.yml": APP,
      "wiki/docker-compose.yml": WIKI,
    });
    const io = captureIO(dir);
    expect(await run(["--json", "."], io)).toBe(2);
    const files = byPath(JSON.parse(io.out()));
    expect(files.get("rss/.env")).toMatchObject({
      status: "error",
      reason:
        "rss/.env:2:33: COMPOSE_FILE names `docker-compose.prod.yml`, which does not exist; the project is left as it is",
      error: { code: "read-error", line: 2, col: 33 },
    });
    expect(files.get("rss/docker-compose.yml")).toMatchObject({
      status: "skipped",
      reason: files.get("rss/.env")!.reason,
    });
    expect(files.get("wiki/docker-compose.yml")!.status).toBe("changed");
    // the audit says it as an error too, and audits what it can read
    const audit = captureIO(dir);
    expect(await run(["audit", "--json", "."], audit)).toBe(2);
    expect(JSON.parse(audit.out()).errors).toEqual([
      expect.objectContaining({ path: "rss/.env", line: 2, col: 33 }),
    ]);
  });
});

describe("a compose file beside the base file", () => {
  test("the walk finds docker-compose-*.yml and compose-*.yaml beside a base file only", async () => {
    const dir = tempTree({
      "rss/docker-compose.yml": APP,
      "rss/docker-compose-db.yml": DB,
      "rss/compose-extra.yaml": REDIS,
      "lone/docker-compose-db.yml": DB,
    });
    const { files } = await discover([dir]);
    expect(files.map((f) => path.relative(dir, f))).toEqual([
      "rss/compose-extra.yaml",
      "rss/docker-compose-db.yml",
      "rss/docker-compose.yml",
    ]);
  });

  describe("a database in a fragment, beside a base on an external default network", () => {
    const dir = tempTree({
      "rss/docker-compose.yml": APP,
      "rss/docker-compose-db.yml": DB,
      "blog/docker-compose.yml": APP.replace(/freshrss/g, "blog"),
    });

    test("is read with the base file as one project", async () => {
      expect(await units(dir)).toContainEqual([
        "rss/docker-compose.yml",
        "rss/docker-compose-db.yml",
      ]);
      const { report: r } = await report(dir, ["rss"]);
      const files = byPath(r);
      expect(files.get("rss/docker-compose.yml")).toMatchObject({
        status: "changed",
        reason: "databases isolated",
        services: { freshrss: { role: "app" } },
      });
      expect(files.get("rss/docker-compose-db.yml")).toMatchObject({
        status: "changed",
        services: { "freshrss-db": { role: "database" } },
      });
    });

    test("the database leaves the shared network; each file declares the network it puts services on", async () => {
      const copy = tempTree({
        "rss/docker-compose.yml": APP,
        "rss/docker-compose-db.yml": DB,
      });
      expect(await run(["--write", "--quiet", "rss"], captureIO(copy))).toBe(0);
      const base = parse(readFileSync(path.join(copy, "rss/docker-compose.yml"), "utf8"));
      const db = parse(readFileSync(path.join(copy, "rss/docker-compose-db.yml"), "utf8"));
      expect(base.services.freshrss.networks).toEqual(["internal", "default"]);
      expect(base.networks).toEqual({
        internal: { driver: "bridge" },
        default: { external: { name: "proxy" } },
      });
      expect(db.services["freshrss-db"].networks).toEqual(["internal"]);
      expect(db.networks).toEqual({ internal: { driver: "bridge" } });
      // a second run changes nothing
      expect(await run(["--check", "--quiet", "rss"], captureIO(copy))).toBe(0);
    });

    testWith("docker-compose", "pip install docker-compose")(
      "every file passes `docker-compose -f FILE config` on its own, as it did before",
      async () => {
        const copy = tempTree({
          "rss/docker-compose.yml": APP,
          "rss/docker-compose-db.yml": DB,
        });
        const config = (file: string) =>
          spawnSync("docker-compose", ["-f", file, "config", "-q"], {
            cwd: path.join(copy, "rss"),
            env: { ...process.env, COMPOSE_INTERPOLATION: "0" },
          }).status;
        const files = ["docker-compose.yml", "docker-compose-db.yml"];
        expect(files.map(config)).toEqual([0, 0]);
        expect(await run(["--write", "--quiet", "rss"], captureIO(copy))).toBe(0);
        expect(files.map(config)).toEqual([0, 0]);
      },
    );

    test("the audit sees the database where it is: on the shared proxy network", async () => {
      const io = captureIO(dir);
      expect(await run(["audit", "--json", "."], io)).toBe(1);
      const audit = JSON.parse(io.out());
      expect(audit.summary).toMatchObject({
        projects: 2,
        databasesReachable: 1,
        after: { databasesReachable: 0 },
      });
      expect(audit.findings).toContainEqual(
        expect.objectContaining({
          project: "rss",
          service: "freshrss-db",
          file: "rss/docker-compose-db.yml",
        }),
      );
    });
  });

  test("an override-like sibling and a database file are parts of one project", async () => {
    const dir = tempTree({
      "rss/docker-compose.yml": APP,
      "rss/docker-compose-db.yml": DB,
      "rss/docker-compose.prod.yml": PROD,
    });
    expect(await units(dir)).toEqual([
      ["rss/docker-compose.yml", "rss/docker-compose-db.yml", "rss/docker-compose.prod.yml"],
    ]);
  });

  test("an alternative that redefines the base's services with an image of its own stands apart", async () => {
    const dir = tempTree({
      "rss/docker-compose.yml": APP,
      "rss/docker-compose-rpi-arm.yml": ARM,
    });
    expect(await units(dir)).toEqual([
      ["rss/docker-compose-rpi-arm.yml"],
      ["rss/docker-compose.yml"],
    ]);
    const { report: r } = await report(dir, ["rss"]);
    const codes = r.files.flatMap((f: Dict) => f.warnings.map((w: Dict) => w.code));
    expect(codes).not.toContain("project-files-apart");
  });

  test("two siblings that set the same thing are choices, not parts: apart, with the COMPOSE_FILE line", async () => {
    const dir = tempTree({
      "chat/docker-compose.yml": APP,
      "chat/docker-compose.nginx.yml": `services:
  nginx:
    image: nginx:alpine
    ports: ["443:443"]
  freshrss:
    ports: ["8443:8443"]
`,
      "chat/docker-compose.without-nginx.yml": `services:
  freshrss:
    ports: ["8065:80", "8443:8443"]
`,
    });
    expect(await units(dir)).toEqual([
      ["chat/docker-compose.nginx.yml"],
      ["chat/docker-compose.without-nginx.yml"],
      ["chat/docker-compose.yml"],
    ]);
    const { report: r } = await report(dir, ["chat"]);
    expect(byPath(r).get("chat/docker-compose.without-nginx.yml")!.warnings).toEqual([
      {
        code: "project-files-apart",
        message:
          "`docker-compose.without-nginx.yml` and `docker-compose.nginx.yml` both set `freshrss.ports` of the project of `docker-compose.yml`: they are choices, not parts of one project, so it is read as a project of its own; if Compose starts the two together (`docker compose -f docker-compose.yml -f docker-compose.without-nginx.yml`), `COMPOSE_FILE=docker-compose.yml:docker-compose.without-nginx.yml` in the directory's .env makes composemod read them as one project",
      },
    ]);
  });

  test("a directory of test scenarios stays apart: variants of the base, and files nothing ties to it", async () => {
    const dir = tempTree({
      "t/compose.yaml": "services:\n  simple:\n    image: nginx\n",
      "t/compose-with-overrides.yaml": "services:\n  simple:\n    image: haproxy\n",
      "t/compose-with-variables.yaml":
        "services:\n  simple:\n    image: nginx\n    ports: ['${PUBLIC_PORT}:80']\n",
      "t/compose-with-paths.yaml": "services:\n  test:\n    image: hello-world\n",
      "t/compose-env.yaml": "services:\n  simple:\n    environment: [A=1]\n",
      "u/compose.yaml": "services:\n  restart:\n    image: alpine\n",
      "u/compose-depends-on.yaml":
        "services:\n  nginx:\n    image: nginx:alpine\n  client:\n    image: alpine\n    depends_on: [nginx]\n",
    });
    const found = await units(dir);
    expect(found.every((u) => u.length === 1)).toBe(true);
    expect(found).toHaveLength(7);
    const { report: r } = await report(dir, ["."]);
    const warned = r.files
      .filter((f: Dict) => f.warnings.some((w: Dict) => w.code === "project-files-apart"))
      .map((f: Dict) => f.path);
    expect(warned).toEqual([
      "t/compose-env.yaml",
      "t/compose-with-paths.yaml",
      "u/compose-depends-on.yaml",
    ]);
  });

  test("a copy-me example is not read with the base file", async () => {
    const dir = tempTree({
      "w/docker-compose.yml": APP,
      "w/docker-compose.prod.example.yml": PROD,
    });
    expect(await units(dir)).toEqual([
      ["w/docker-compose.prod.example.yml"],
      ["w/docker-compose.yml"],
    ]);
  });

  test("an override's example is read as the override it is meant to become, until that is there", async () => {
    const dir = tempTree({
      "w/docker-compose.yml": APP,
      "w/docker-compose.override.example.yml": PROD,
    });
    expect(await units(dir)).toEqual([
      ["w/docker-compose.yml", "w/docker-compose.override.example.yml"],
    ]);
    const copied = tempTree({
      "w/docker-compose.yml": APP,
      "w/docker-compose.override.example.yml": PROD,
      "w/docker-compose.override.yml": PROD,
    });
    expect(await units(copied)).toEqual([
      ["w/docker-compose.override.example.yml"],
      ["w/docker-compose.yml", "w/docker-compose.override.yml"],
    ]);
  });

  test("a file the base file extends from is no part added to it", async () => {
    const dir = tempTree({
      "x/compose.yaml":
        "services:\n  app:\n    extends: {file: compose-common.yaml, service: base}\n",
      "x/compose-common.yaml": "services:\n  base:\n    image: postgres:16\n",
    });
    expect(await units(dir)).toEqual([["x/compose-common.yaml"], ["x/compose.yaml"]]);
  });
});
