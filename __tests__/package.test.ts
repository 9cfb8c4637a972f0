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

/** The optional peer dependencies: required only by what talks to a Docker Engine, installed by those who need it. */
const optionalPeers = Object.keys(pkg.peerDependenciesMeta ?? {}).filter(
  (name) => pkg.peerDependenciesMeta[name].optional === true,
);

test("every package the bundles require is a dependency or an optional peer, and every dependency is required", () => {
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
  expect([...required].sort()).toEqual([...Object.keys(pkg.dependencies), ...optionalPeers].sort());
});

test("dockerode is an optional peer, kept for the tests, and loaded only where the engine is read", () => {
  expect(optionalPeers).toEqual(["dockerode"]);
  expect(pkg.dependencies.dockerode).toBeUndefined();
  expect(pkg.peerDependencies.dockerode).toBe(pkg.devDependencies.dockerode);
  const cli = readFileSync(path.join(repo, "dist", "cli.js"), "utf8");
  // one require, inside a function: never at the top of the bundle, where every run would load it
  expect(cli.match(/require\("dockerode"\)/g)).toHaveLength(1);
  expect(cli).toMatch(/^ {4}return require\("dockerode"\);$/m);
});

test("the declarations import only dependencies: a consumer's type-check resolves them", () => {
  const files = packedFiles().filter((f) => f.endsWith(".d.ts"));
  const imported = new Set<string>();
  for (const file of files) {
    const text = readFileSync(path.join(repo, file), "utf8");
    for (const [, name] of text.matchAll(/from "([^".][^"]*)"/g)) imported.add(name);
  }
  // an optional peer's types are imported only by declarations the package's index does not reach
  for (const name of imported) {
    expect([...Object.keys(pkg.dependencies), ...optionalPeers]).toContain(name);
  }
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

test("the README: under 200 lines, a quick start of two commands, and an install from the clone's tarball", () => {
  const readme = readFileSync(path.join(repo, "README.md"), "utf8");
  expect(readme.trimEnd().split("\n").length).toBeLessThan(200);
  const quickStart = /## Quick start\n\n(?:<!-- ci: .* -->\n\n)?```sh\n([\s\S]*?)```/.exec(
    readme,
  )![1];
  expect(quickStart.trim().split("\n")).toEqual(["npm ci && npm start", "npm test"]);
  expect(pkg.scripts.start).toMatch(/ examples$/);
  const install = /## Install\n([\s\S]*?)\n## /.exec(readme)![1];
  // not on the registry yet: the tarball the clone packs, by the name npm pack gives it
  expect(install).not.toMatch(/^(npm install -g composemod|npx composemod)\b/m);
  expect(install).toContain(`npm install -g ./${pkg.name}-${pkg.version}.tgz`);
  // and CI runs exactly these lines in a clean clone
  expect(install).toContain("<!-- ci: run in a clean clone by scripts/readme-install.sh -->");
  expect(readFileSync(path.join(repo, ".ci", "run"), "utf8")).toMatch(
    /^scripts\/readme-install\.sh\b/m,
  );
});
