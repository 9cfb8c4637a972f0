import { tempTree } from "./helpers/tmp";

// the same check that CI runs with `npm run check:imports`
const { checkImports } = require("../scripts/check-imports.cjs") as {
  checkImports: (dir?: string) => { problems: string[] };
};

test("the project's own structure: no import cycle, no import up the stages, transforms/ only through the pipeline, roles decided in their modules, short planner functions", () => {
  expect(checkImports().problems).toEqual([]);
});

test("a cycle through a type import is found, and so is an engine file that imports a transform", () => {
  const root = tempTree({
    "src/compose/a.ts": 'import type { B } from "./b";\nexport type A = B;\n',
    "src/compose/b.ts":
      'import { a } from "./c/index";\nexport type B = string;\nexport const b = a;\n',
    "src/compose/c/index.ts": 'export type { A } from "../a";\nexport const a = 1;\n',
    "src/batch/plan.ts": 'import { t } from "../../transforms/x";\nexport const p = t;\n',
    "src/rewrite/transforms.ts": 'export { t } from "../../transforms/x";\n',
    "transforms/x.ts": "export const t = 1;\n",
  });
  expect(checkImports(root).problems).toEqual([
    "import cycle: src/compose/a.ts -> src/compose/b.ts -> src/compose/c/index.ts",
    "src/batch/plan.ts imports transforms/x.ts",
  ]);
});

test("an import from a lower stage to a higher one is found, and so is a file of no stage", () => {
  const root = tempTree({
    "src/yaml/parse.ts":
      'import type { Report } from "../report/report";\nexport type P = Report;\n',
    "src/report/report.ts": 'import type { D } from "../base/d";\nexport type Report = D;\n',
    "src/base/d.ts": "export type D = string;\n",
    "src/misc/x.ts": "export const x = 1;\n",
    "transforms/x.ts": "export const t = 1;\n",
  });
  expect(checkImports(root).problems.sort()).toEqual([
    "src/misc/x.ts is of no stage (add its folder to STAGES in scripts/check-imports.cjs)",
    "src/yaml/parse.ts (yaml) imports src/report/report.ts (report), a higher stage",
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
