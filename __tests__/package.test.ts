import { execFileSync } from "node:child_process";
import { builtinModules } from "node:module";
import { readFileSync } from "node:fs";
import * as path from "node:path";

const repo = path.resolve(__dirname, "..");
const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8"));

/** What `npm pack` would put in the tarball (without running prepack: dist/ is built by pretest). */
function packedFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: repo,
    encoding: "utf8",
  });
  return (JSON.parse(out)[0].files as { path: string }[]).map((f) => f.path).sort();
}

test("the tarball holds what runs: the bundles, the declarations, README, LICENSE, package.json", () => {
  const files = packedFiles();
  const other = files.filter(
    (f) =>
      ![
        "package.json",
        "README.md",
        "LICENSE",
        "dist/cli.js",
        "dist/worker.js",
        "dist/index.js",
      ].includes(f) && !/^dist\/types\/(src|transforms)\/.+\.d\.ts$/.test(f),
  );
  expect(other).toEqual([]);
  for (const needed of ["dist/cli.js", "dist/worker.js", "dist/index.js", "LICENSE", "README.md"]) {
    expect(files).toContain(needed);
  }
  expect(files).toContain(pkg.exports["."].types.replace(/^\.\//, ""));
  expect(files).toContain(pkg.bin.composemod);
  expect(
    files.some((f) => f.includes("__tests__") || (f.endsWith(".ts") && !f.endsWith(".d.ts"))),
  ).toBe(false);
});

test("every package the bundles require is a dependency, and every dependency is required", () => {
  const required = new Set<string>();
  for (const bundle of ["cli.js", "worker.js", "index.js"]) {
    const text = readFileSync(path.join(repo, "dist", bundle), "utf8");
    for (const [, name] of text.matchAll(/require\("([^".][^"]*)"\)/g)) {
      if (name.startsWith("node:") || builtinModules.includes(name)) continue;
      required.add(
        name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : name.split("/")[0],
      );
    }
  }
  expect([...required].sort()).toEqual(Object.keys(pkg.dependencies).sort());
});

test("the declarations import only dependencies: a consumer's type-check resolves them", () => {
  const files = packedFiles().filter((f) => f.endsWith(".d.ts"));
  const imported = new Set<string>();
  for (const file of files) {
    const text = readFileSync(path.join(repo, file), "utf8");
    for (const [, name] of text.matchAll(/from "([^".][^"]*)"/g)) imported.add(name);
  }
  for (const name of imported) expect(Object.keys(pkg.dependencies)).toContain(name);
});

test("engines, bin and the license say what is true", () => {
  expect(pkg.engines.node).toBe(">=20");
  expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(20);
  expect(pkg.scripts.prepack).toBe("npm run build");
  expect(readFileSync(path.join(repo, "dist", "cli.js"), "utf8")).toMatch(
    /^#!\/usr\/bin\/env node\n/,
  );
  expect(pkg.license).toBe("MIT");
  expect(readFileSync(path.join(repo, "LICENSE"), "utf8")).toMatch(/^MIT License\n/);
});

test("the README: a quick start of two commands, and how users install it", () => {
  const readme = readFileSync(path.join(repo, "README.md"), "utf8");
  const quickStart = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)![1];
  expect(quickStart.trim().split("\n")).toHaveLength(2);
  const install = /## Install\n([\s\S]*?)\n## /.exec(readme)![1];
  expect(install).toMatch(/^npm install -g composemod\b/m);
  expect(install).toMatch(/^npx composemod\b/m);
});
