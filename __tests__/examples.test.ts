import { readdirSync, readFileSync, existsSync } from "node:fs";
import * as path from "node:path";
import { rewriteText } from "../src/rewrite/rewrite-project";
import { DEFAULT_PLAN_OPTIONS, PortsMode } from "../src/analysis/plan/options";
import { invariantsOfResult } from "./helpers/invariants";

const root = path.resolve(__dirname, "..", "examples");
const cases = readdirSync(root).filter((name) => existsSync(path.join(root, name, "expected.yml")));

/** The few command-line options an example can set in options.json. */
function optionsOf(dir: string) {
  const file = path.join(dir, "options.json");
  const args: string[] = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).args : [];
  const options = { ...DEFAULT_PLAN_OPTIONS };
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === "--internal-network") options.internalNetwork = args[i + 1];
    else if (args[i] === "--proxy-network") options.proxyNetwork = args[i + 1];
    else if (args[i] === "--ports") options.ports = args[i + 1] as PortsMode;
    else throw new Error(`options.json of ${dir}: unknown option ${args[i]}`);
  }
  return options;
}

test("there are at least 12 examples", () => {
  expect(cases.length).toBeGreaterThanOrEqual(12);
});

describe.each(cases)("example %s", (name) => {
  const dir = path.join(root, name);
  const input = readFileSync(path.join(dir, "docker-compose.yml"), "utf8");
  const expected = readFileSync(path.join(dir, "expected.yml"), "utf8");
  const options = optionsOf(dir);
  const result = rewriteText(input, `examples/${name}/docker-compose.yml`, options);

  test("output equals the expected file exactly", () => {
    expect(result.status).not.toBe("error");
    expect(result.output).toBe(expected);
    expect(result.status).toEqual(
      input === expected ? expect.stringMatching(/unchanged|skipped/) : "changed",
    );
  });

  test("running on the output changes nothing", () => {
    const again = rewriteText(expected, `examples/${name}/expected.yml`, options);
    expect(again.status).not.toBe("changed");
    expect(again.output).toBe(expected);
  });

  test("the invariants hold", () => {
    if (result.status !== "changed") return;
    const putBehind = options.proxyNetwork !== undefined;
    expect(invariantsOfResult(input, result, putBehind)).toEqual([]);
  });
});
