import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { WIKI_WITH_PORT } from "./helpers/fixtures";
import { tempTree } from "./helpers/tmp";

const cli = path.resolve(__dirname, "..", "dist", "cli.js");

/** Projects enough that the output outgrows a pipe's buffer many times over. */
function manyProjects(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`p${i}/compose.yaml`] = WIKI_WITH_PORT;
  return files;
}

describe("a reader that leaves early (| head -1)", () => {
  const dir = tempTree(manyProjects(300));
  const headOne = (args: string) =>
    spawnSync("bash", ["-c", `node ${cli} ${args} | head -1; exit "\${PIPESTATUS[0]}"`], {
      cwd: dir,
      encoding: "utf8",
    });

  test("the dry run ends quietly, with its own exit status 0", () => {
    const result = headOne("-q .");
    expect(result.stdout).toBe("--- a/p0/compose.yaml\n");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test("audit ends quietly with 1: databases are reachable from other projects", () => {
    const result = headOne("audit .");
    expect(result.stdout).toMatch(/^LEVEL +SERVICE +FINDING +WHERE\n$/);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(1);
  });

  test("a full disk under > file is an error, exit 2, with no stack trace", () => {
    const result = spawnSync("bash", ["-c", `node ${cli} -q . > /dev/full`], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("composemod: cannot write standard output (ENOSPC)\n");
    expect(result.status).toBe(2);
  });
});
