import { tempTree } from "./helpers/tmp";

// the same check that CI runs with `npm run check:imports`
const { checkImports } = require("../scripts/check-imports.cjs") as {
  checkImports: (dir?: string) => { problems: string[] };
};

test("the project's own structure: no import cycle, transforms/ only through the pipeline, roles decided in their modules, short planner functions", () => {
  expect(checkImports().problems).toEqual([]);
});

test("a cycle through a type import is found, and so is an engine file that imports a transform", () => {
  const root = tempTree({
    "src/a.ts": 'import type { B } from "./b";\nexport type A = B;\n',
    "src/b.ts": 'import { a } from "./c/index";\nexport type B = string;\nexport const b = a;\n',
    "src/c/index.ts": 'export type { A } from "../a";\nexport const a = 1;\n',
    "src/plan.ts": 'import { t } from "../transforms/x";\nexport const p = t;\n',
    "src/rewrite/transforms.ts": 'export { t } from "../../transforms/x";\n',
    "transforms/x.ts": "export const t = 1;\n",
  });
  expect(checkImports(root).problems).toEqual([
    "import cycle: src/a.ts -> src/b.ts -> src/c/index.ts",
    "src/plan.ts imports transforms/x.ts",
  ]);
});

test("a role compared by name outside its module is found, and so is a long planner function", () => {
  const long = Array.from({ length: 85 }, (_, i) => `  const x${i} = ${i};`).join("\n");
  const root = tempTree({
    "src/report/a.ts": 'export const isDb = (s: { role: string }) => s.role === "database";\n',
    "src/analysis/roles/app.ts":
      'export const isApp = (s: { role: string }) => s.role === "app";\n',
    "src/analysis/plan/long.ts": `export function long(): void {\n${long}\n}\n`,
    "transforms/x.ts": "export const t = 1;\n",
  });
  expect(checkImports(root).problems).toEqual([
    'src/report/a.ts:1 compares a role by name (s.role === "database")',
    "src/analysis/plan/long.ts:1 a function of 87 lines (at most 80 here)",
  ]);
});
