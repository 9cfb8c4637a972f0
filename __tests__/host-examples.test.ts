import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { run } from "../src/cli/program";
import { captureIO } from "./helpers/tmp";

const root = path.resolve(__dirname, "..", "examples");

/**
 * A host example is a directory `examples/host-*` with `input/` (a host: a directory per
 * project), `expected/` (the same tree as `composemod --write .` leaves it), `report.json` (each
 * file's status, reason code and warnings, by path) and, when it needs them, `args.json` (the
 * command line's options). It is run as a user runs composemod on a host: the whole tree at once.
 */
type Dict = Record<string, any>;

function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      return statSync(full).isDirectory() ? filesUnder(full, rel) : [rel];
    });
}

const examples = readdirSync(root)
  .filter((name) => name.startsWith("host-") && existsSync(path.join(root, name, "input")))
  .sort();

async function runOn(dir: string, args: string[]) {
  const io = captureIO(dir);
  const status = await run(["--json", ...args, "."], io);
  return { status, report: JSON.parse(io.out()) as Dict, err: io.err() };
}

test("there are host examples", () => {
  expect(examples.length).toBeGreaterThanOrEqual(2);
});

describe.each(examples)("host example %s", (name) => {
  const dir = path.join(root, name);
  const args: string[] = existsSync(path.join(dir, "args.json"))
    ? JSON.parse(readFileSync(path.join(dir, "args.json"), "utf8"))
    : [];
  const expectedReport = JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8")) as Dict;
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), "composemod-host-"));
    cpSync(path.join(dir, "input"), work, { recursive: true });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("--write leaves every file as expected, and the report says why", async () => {
    const { report } = await runOn(work, ["--write", ...args]);
    const got = Object.fromEntries(
      report.files.map((f: Dict) => [
        f.path,
        {
          status: f.status,
          reasonCode: f.reasonCode,
          warnings: f.warnings.map((w: Dict) => `${w.service ? `${w.service}: ` : ""}${w.message}`),
        },
      ]),
    );
    expect(got).toEqual(expectedReport);
    const expected = path.join(dir, "expected");
    expect(filesUnder(work)).toEqual(filesUnder(expected));
    for (const file of filesUnder(expected)) {
      expect([file, readFileSync(path.join(work, file), "utf8")]).toEqual([
        file,
        readFileSync(path.join(expected, file), "utf8"),
      ]);
    }
  });

  test("a second run changes nothing", async () => {
    const { report } = await runOn(work, ["--check", ...args]);
    expect(
      report.files.filter((f: Dict) => f.status === "changed").map((f: Dict) => f.path),
    ).toEqual([]);
  });
});
