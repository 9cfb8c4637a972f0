import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { tempTree } from "./helpers/tmp";
import { testWith } from "./helpers/tools";

const repo = path.resolve(__dirname, "..");
const examples = path.join(repo, "examples");
const hooks = parse(readFileSync(path.join(repo, ".pre-commit-hooks.yaml"), "utf8")) as {
  id: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames?: boolean;
  args?: string[];
}[];

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], {
    cwd,
    encoding: "utf8",
  });

test("the hooks: the rewrite in --check mode and audit, as node hooks on compose files", () => {
  expect(hooks.map((h) => [h.id, h.entry, h.language])).toEqual([
    ["composemod", "composemod --check", "node"],
    ["composemod-audit", "composemod audit", "node"],
  ]);
  const files = new RegExp(hooks[0].files);
  for (const name of ["compose.yaml", "a/docker-compose.yml", "b/docker-compose.override.yaml"]) {
    expect(files.test(name)).toBe(true);
  }
  for (const name of ["a/config.yml", "compose.yaml.bak", "mkdocs.yml"]) {
    expect(files.test(name)).toBe(false);
  }
  expect(hooks[1]).toMatchObject({ pass_filenames: false, args: ["."] });
});

describe("pre-commit run --all-files, the project as the hook repository", () => {
  const work = tempTree({});
  const home = path.join(work, "pre-commit-home");
  let rev = "";

  /** The project as it would be committed (tracked and new files, nothing git ignores). */
  function hookRepository(): string {
    const dir = path.join(work, "hook-repo");
    const files = git(repo, "ls-files", "-co", "--exclude-standard", "-z").split("\0");
    for (const file of files.filter(Boolean)) {
      try {
        cpSync(path.join(repo, file), path.join(dir, file));
      } catch {
        // deleted in the working tree and not committed yet
      }
    }
    git(dir, "init", "-q");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "the project");
    rev = git(dir, "rev-parse", "HEAD").trim();
    return dir;
  }

  /** A repository of compose projects that uses both hooks; `pre-commit run --all-files` there. */
  function preCommit(name: string, stacks: Record<string, string>) {
    const hookRepo = rev ? path.join(work, "hook-repo") : hookRepository();
    const dir = path.join(work, name);
    for (const [target, from] of Object.entries(stacks)) {
      mkdirSync(path.dirname(path.join(dir, target)), { recursive: true });
      cpSync(path.join(examples, from), path.join(dir, target));
    }
    writeFileSync(
      path.join(dir, ".pre-commit-config.yaml"),
      `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: composemod\n      - id: composemod-audit\n`,
    );
    git(dir, "init", "-q");
    git(dir, "add", "-A");
    return spawnSync("pre-commit", ["run", "--all-files", "--color", "never"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PRE_COMMIT_HOME: home },
    });
  }

  testWith("pre-commit", "apt-get install pre-commit")(
    "passes on migrated stacks",
    () => {
      const result = preCommit("migrated", {
        "wiki/docker-compose.yml": "article-2-behind-proxy/expected.yml",
        "blog/docker-compose.yml": "already-migrated/docker-compose.yml",
      });
      expect(result.stdout).toMatch(/^composemod --check\.+Passed$/m);
      expect(result.stdout).toMatch(/^composemod audit\.+Passed$/m);
      expect(result.status).toBe(0);
    },
    600_000,
  );

  testWith("pre-commit", "apt-get install pre-commit")(
    "fails on unmigrated stacks: files to change, databases reachable from another project",
    () => {
      const result = preCommit("unmigrated", {
        "wiki/docker-compose.yml": "article-2-behind-proxy/docker-compose.yml",
        "blog/docker-compose.yml": "environment-list/docker-compose.yml",
      });
      expect(result.stdout).toMatch(/^composemod --check\.+Failed$/m);
      expect(result.stdout).toContain("would change: wiki/docker-compose.yml");
      expect(result.stdout).toMatch(/^composemod audit\.+Failed$/m);
      expect(result.stdout).toMatch(/databases? reachable from another project/);
      expect(result.status).toBe(1);
    },
    600_000,
  );
});
