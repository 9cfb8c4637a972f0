// Checks the import structure of src/ and transforms/: no cycle (type imports count), and no
// file of src/ imports from transforms/ except the rewrite pipeline's gateway. Prints what it
// finds; exits 1 when a rule is broken.
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

const repo = path.resolve(__dirname, "..");
const ROOTS = ["src", "transforms"];
/** The one file of src/ that may import transforms/: the pipeline reaches them through it. */
const GATEWAY = "src/rewrite/transforms.ts";

function sources(repo, dir) {
  const out = [];
  for (const entry of fs.readdirSync(path.join(repo, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(repo, rel));
    else if (entry.name.endsWith(".ts")) out.push(rel);
  }
  return out;
}

/** Relative imports and re-exports of a file, type-only ones included, as repository paths. */
function importsOf(repo, file) {
  const text = fs.readFileSync(path.join(repo, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const out = [];
  for (const node of source.statements) {
    const spec =
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier
        ? node.moduleSpecifier.text
        : undefined;
    if (!spec || !spec.startsWith(".")) continue;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    const target = [`${base}.ts`, `${base}/index.ts`].find((c) =>
      fs.existsSync(path.join(repo, c)),
    );
    if (target) out.push(target);
  }
  return out;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const info = new Map();
  const found = [];
  const visit = (v) => {
    info.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!info.has(w)) {
        visit(w);
        info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
      } else if (info.get(w).onStack) {
        info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
      }
    }
    if (info.get(v).low === info.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        info.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!info.has(v)) visit(v);
  return found;
}

/** The structure's problems in the repository at `dir` (this one by default). */
function checkImports(dir = repo) {
  const files = ROOTS.flatMap((root) => sources(dir, root));
  const graph = new Map(files.map((f) => [f, importsOf(dir, f)]));
  const problems = [];
  for (const component of cycles(graph)) problems.push(`import cycle: ${component.join(" -> ")}`);
  for (const [file, imports] of graph) {
    if (!file.startsWith("src/") || file === GATEWAY) continue;
    for (const target of imports) {
      if (target.startsWith("transforms/")) problems.push(`${file} imports ${target}`);
    }
  }
  return { files: files.length, imports: [...graph.values()].flat().length, problems };
}

module.exports = { checkImports };

if (require.main === module) {
  const { files, imports, problems } = checkImports();
  for (const problem of problems) console.log(problem);
  console.log(
    `imports: ${files} files, ${imports} imports, ${problems.length ? `${problems.length} problems` : "no cycle, transforms/ reached only through the pipeline"}`,
  );
  process.exitCode = problems.length ? 1 : 0;
}
