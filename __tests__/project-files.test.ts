import * as path from "node:path";
import { discover } from "../src/batch/discover";
import { projectUnits } from "../src/batch/units";
import { run } from "../src/cli/program";
import { composeFileSetting } from "../src/compose/project-files";
import { captureIO, tempTree } from "./helpers/tmp";

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
