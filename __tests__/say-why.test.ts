// What a run says besides the diff: each file it leaves alone with its reason (by reason when
// there are many), how running containers come along after --write, and --explain once per project.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { run } from "../src/cli/program";
import { LEFT_ALONE_ONE_A_LINE } from "../src/cli/rewrite-command";
import { WIKI_BEHIND_PROXY } from "./helpers/fixtures";
import { captureIO, tempTree } from "./helpers/tmp";

const ALONE = `services:
  app:
    image: nginx
    ports: ["8080:80"]
  db:
    image: postgres:16
`;

test("a dry run names each file it leaves alone, with its reason", async () => {
  const dir = tempTree({
    "wiki/docker-compose.yml": WIKI_BEHIND_PROXY,
    "site/compose.yaml": ALONE,
    "notes/compose.yaml": "name: notes\nx-other: 1\n",
  });
  const io = captureIO(dir);
  expect(await run(["."], io)).toBe(0);
  const lines = io.err().split("\n");
  expect(lines).toContain(
    "site/compose.yaml: unchanged: not behind a shared proxy: no service is on an external network, and no database publishes a port beyond the host",
  );
  expect(lines.filter((l) => l.startsWith("notes/compose.yaml: skipped: "))).toHaveLength(1);
  // the changed file is in the diff, not among them
  expect(io.err()).not.toMatch(/^wiki\/docker-compose\.yml: /m);
  expect(io.out()).toContain("+++ b/wiki/docker-compose.yml");
  // --json holds each reason; --check and --quiet say nothing of them
  for (const args of [
    ["--json", "."],
    ["--check", "."],
    ["-q", "."],
  ]) {
    const quiet = captureIO(dir);
    await run(args, quiet);
    expect(quiet.err()).not.toContain("site/compose.yaml: unchanged");
  }
});

test("many files left alone are told by reason: how many, the first three", async () => {
  const files: Record<string, string> = {};
  const count = LEFT_ALONE_ONE_A_LINE + 5;
  for (let i = 0; i < count; i++) files[`p${String(i).padStart(2, "0")}/compose.yaml`] = ALONE;
  const io = captureIO(tempTree(files));
  expect(await run(["."], io)).toBe(0);
  const lines = io.err().trimEnd().split("\n");
  expect(lines).toEqual([
    `${count} unchanged: not behind a shared proxy (p00/compose.yaml, p01/compose.yaml, p02/compose.yaml and ${count - 3} more)`,
    "(--json gives each file's reason)",
    expect.stringMatching(new RegExp(`^0 to change, ${count} unchanged, 0 skipped, 0 errors in `)),
  ]);
});

test("after --write changed files, one line says how running containers come along", async () => {
  const dir = tempTree({ "wiki/docker-compose.yml": WIKI_BEHIND_PROXY });
  const io = captureIO(dir);
  expect(await run(["--write", "wiki"], io)).toBe(0);
  expect(io.err().trimEnd().split("\n").at(-1)).toBe(
    "next: running containers keep their old networks until recreated: `composemod apply wiki` (or `docker compose up -d` in each changed project's directory)",
  );
  // nothing left to write: nothing to bring along
  const again = captureIO(dir);
  expect(await run(["--write", "wiki"], again)).toBe(0);
  expect(again.err()).not.toContain("next:");
});

test("--explain prints a project once, not once per file of it", async () => {
  const dir = tempTree({
    "app/compose.yaml": `services:
  web:
    image: nginx
    environment: {VIRTUAL_HOST: a.example.org}
    networks: [proxy]
  db:
    image: postgres:16
    networks: [proxy]
networks:
  proxy: {external: true}
`,
    "app/compose.override.yaml": `services:
  web:
    ports: ["8080:80"]
  db:
    environment: {A: b}
`,
  });
  const io = captureIO(dir);
  expect(await run(["--explain", "--no-color", "app"], io)).toBe(0);
  const out = io.out();
  expect(out.match(/^ {2}SERVICE /gm)).toHaveLength(1);
  expect(out.match(/^ {2}web /gm)).toHaveLength(1);
  expect(out.match(/^ {2}db /gm)).toHaveLength(1);
  expect(out).toMatch(/^app\/compose\.yaml: changed/m);
  expect(out).toMatch(/^app\/compose\.override\.yaml: changed/m);
  expect(out).toMatch(/commented out: 8080:80/);
});

test("the same over the bundled example of a project in two files", async () => {
  const example = path.join(__dirname, "..", "examples", "fragment-database-file", "input");
  const io = captureIO(example);
  expect(await run(["--explain", "--no-color", "."], io)).toBe(0);
  expect(io.out().match(/^ {2}SERVICE /gm)).toHaveLength(1);
  expect(readFileSync(path.join(example, "docker-compose-db.yml"), "utf8")).toContain(
    "freshrss-db",
  );
  expect(io.out()).toMatch(/^ {2}freshrss-db +database /m);
});

test("composemod with no argument reads nothing and says how to get help", async () => {
  const io = captureIO(tempTree({ "wiki/docker-compose.yml": WIKI_BEHIND_PROXY }));
  expect(await run([], io)).toBe(2);
  expect(io.out()).toBe("");
  expect(io.err()).toBe(
    "error: missing paths: compose files or directories to read (- for standard input)\nTry 'composemod --help' for more information.\n",
  );
});
