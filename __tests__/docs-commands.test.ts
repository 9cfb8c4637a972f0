// Every shell command of the README and docs/ runs here, as a user runs it: against composemod
// packed and installed with `npm install -g --prefix` (its bin first on the PATH), in a scratch
// directory that holds a copy of examples/, a host of projects as `stacks/` and the tarball. Each
// command must exit as the text says (`# exit N`, else 0); a console block's output must be what
// it shows. A block marked `<!-- not run: REASON -->` is listed as skipped with its reason; one
// marked `<!-- ci: ... -->` runs in a clean clone in CI (scripts/readme-install.sh).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { tempTree } from "./helpers/tmp";

const { shellBlocks } = require("../scripts/doc-blocks.cjs") as {
  shellBlocks: (markdown: string) => {
    line: number;
    lang: string;
    notRun?: string;
    ci?: string;
    commands: { text: string; status: number; output?: string }[];
  }[];
};

const repo = path.resolve(__dirname, "..");
const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8"));
const tarball = `${pkg.name}-${pkg.version}.tgz`;
const documents = [
  "README.md",
  ...readdirSync(path.join(repo, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`),
];

/** Links to docs that arrive with other work: their targets may not be there yet. */
const ARRIVING = new Set(["docs/apply.md", "docs/review.md"]);

let packed = "";
let bin = "";
beforeAll(() => {
  // dist/ is built by pretest; the tarball as `npm pack` makes it, installed as users install it
  const work = tempTree({});
  execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], {
    cwd: repo,
    stdio: ["ignore", "ignore", "inherit"],
  });
  packed = path.join(work, tarball);
  const prefix = path.join(work, "prefix");
  execFileSync(
    "npm",
    ["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", packed],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  bin = path.join(prefix, "bin");
}, 180_000);

/** A scratch directory for one document's commands. */
function scratch(): string {
  const dir = tempTree({});
  cpSync(path.join(repo, "examples"), path.join(dir, "examples"), { recursive: true });
  cpSync(path.join(repo, "examples", "host-cross-project", "input"), path.join(dir, "stacks"), {
    recursive: true,
  });
  cpSync(packed, path.join(dir, tarball));
  return dir;
}

describe.each(documents)("%s", (document) => {
  const blocks = shellBlocks(readFileSync(path.join(repo, document), "utf8"));
  // one scratch directory per document, its blocks in order: a `cd` carries to the next block
  let cwd = "";
  let cwdFile = "";
  beforeAll(() => {
    cwd = scratch();
    cwdFile = path.join(cwd, "..", `${path.basename(cwd)}.cwd`);
    writeFileSync(cwdFile, cwd);
  });

  for (const block of blocks) {
    const name = `line ${block.line}: ${block.commands.map((c) => c.text).join("; ")}`;
    if (block.notRun !== undefined || block.ci !== undefined) {
      test.skip(`${name} (not run here: ${block.notRun ?? block.ci})`, () => {});
      continue;
    }
    test(
      name,
      () => {
        for (const command of block.commands) {
          const script = `cd "$(cat "$CWD_FILE")"\n${command.text}\nstatus=$?\npwd > "$CWD_FILE"\nexit $status\n`;
          const result = spawnSync("bash", ["-c", script], {
            encoding: "utf8",
            env: {
              ...process.env,
              PATH: `${bin}${path.delimiter}${process.env.PATH}`,
              CWD_FILE: cwdFile,
              NO_COLOR: "1",
              // no engine here: --live must fail where the docs say it does
              DOCKER_HOST: "unix:///nonexistent/docker.sock",
            },
          });
          // the command and what it printed, shown when its status is not the one the text states
          const said = `${result.stdout}${result.stderr}`;
          expect({ command: command.text, status: result.status }).toEqual({
            command: command.text,
            status: command.status,
            ...(result.status === command.status ? {} : { said }),
          });
          if (command.output !== undefined) {
            expect(result.stdout + result.stderr).toBe(command.output);
          }
        }
      },
      120_000,
    );
  }

  test("its relative links lead to files that are there", () => {
    const text = readFileSync(path.join(repo, document), "utf8");
    const base = path.dirname(path.join(repo, document));
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const resolved = path.relative(repo, path.resolve(base, target));
      if (ARRIVING.has(resolved)) continue;
      expect([resolved, existsSync(path.join(repo, resolved))]).toEqual([resolved, true]);
    }
  });
});

test("the README's commands run against the installed composemod, not the checkout's", () => {
  const which = spawnSync("bash", ["-c", "command -v composemod"], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
  });
  expect(which.stdout.trim()).toBe(path.join(bin, "composemod"));
  expect(
    execFileSync(path.join(bin, "composemod"), ["--version"], { encoding: "utf8" }).trim(),
  ).toBe(pkg.version);
});
