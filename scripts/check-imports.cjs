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
  problems.push(...upwardImports(graph));
  problems.push(...roleComparisons(dir, files), ...longFunctions(dir, files));
  return { files: files.length, imports: [...graph.values()].flat().length, problems };
}

/**
 * The stages, lowest first: a file may import from its own stage and from lower ones only. A
 * file of src/ directly (the entry points aside) is of the stage its name says.
 */
const STAGES = [
  ["base", "memo", "version"],
  ["yaml"],
  ["compose"],
  ["analysis"],
  ["transforms"],
  ["rewrite"],
  ["report"],
  ["batch"],
  ["live"],
  ["apply"],
  ["cli"],
  ["index", "bin", "worker"],
];

/** The stage of a file: its folder below src/ (or transforms/), or its own name at the top. */
function stageOf(file) {
  const parts = file.replace(/\.ts$/, "").split("/");
  const name = parts[0] === "transforms" ? "transforms" : parts[1];
  const rank = STAGES.findIndex((stage) => stage.includes(name));
  return { name, rank };
}

/** Imports from a lower stage to a higher one, and files of no known stage. */
function upwardImports(graph) {
  const out = [];
  for (const [file, imports] of graph) {
    const from = stageOf(file);
    if (from.rank === -1) {
      out.push(`${file} is of no stage (add its folder to STAGES in scripts/check-imports.cjs)`);
      continue;
    }
    for (const target of imports) {
      const to = stageOf(target);
      if (to.rank > from.rank)
        out.push(`${file} (${from.name}) imports ${target} (${to.name}), a higher stage`);
    }
  }
  return out;
}

/** Where what a role does is decided: its module, and the decision table's procedure. */
const ROLE_HOMES = [/^src\/analysis\/roles\//, /^src\/analysis\/classify\.ts$/];
const ROLE_WORDS = new Set(["app", "database", "backend", "proxy", "skipped", "ignore"]);

/** A role compared by its name (`role === "database"`) outside the role modules and the table. */
function roleComparisons(repo, files) {
  const out = [];
  for (const file of files) {
    if (ROLE_HOMES.some((home) => home.test(file))) continue;
    const text = fs.readFileSync(path.join(repo, file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isBinaryExpression(node) && /^[!=]==?$/.test(node.operatorToken.getText(source))) {
        const sides = [node.left, node.right];
        const literal = sides.find((n) => ts.isStringLiteral(n) && ROLE_WORDS.has(n.text));
        const other = sides.find((n) => n !== literal);
        if (literal && other && /\brole\b/i.test(other.getText(source))) {
          const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
          out.push(`${file}:${line} compares a role by name (${node.getText(source)})`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

/** Where each function stays short: the planner and the role modules. */
const SHORT_FUNCTIONS = [/^src\/analysis\/plan\//, /^src\/analysis\/roles\//];
const MAX_FUNCTION_LINES = 80;

/** Functions (declarations, methods, arrows) longer than the limit in the planner. */
function longFunctions(repo, files) {
  const out = [];
  for (const file of files) {
    if (!SHORT_FUNCTIONS.some((home) => home.test(file))) continue;
    const text = fs.readFileSync(path.join(repo, file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (
        ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isConstructorDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node)
      ) {
        const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (last - first + 1 > MAX_FUNCTION_LINES) {
          out.push(
            `${file}:${first + 1} a function of ${last - first + 1} lines (at most ${MAX_FUNCTION_LINES} here)`,
          );
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

module.exports = { checkImports, STAGES };

if (require.main === module) {
  const { files, imports, problems } = checkImports();
  for (const problem of problems) console.log(problem);
  console.log(
    `imports: ${files} files, ${imports} imports, ${problems.length ? `${problems.length} problems` : "no cycle, no import from a lower stage to a higher one, transforms/ reached only through the pipeline, no role compared by name outside its module, no long function in the planner"}`,
  );
  process.exitCode = problems.length ? 1 : 0;
}
