import { tempTree } from "./helpers/tmp";

// the same check that CI runs with `npm run check:imports`
const { checkImports } = require("../scripts/check-imports.cjs") as {
  checkImports: (dir?: string) => { problems: string[] };
};

test("the project's own imports: no cycle, and transforms/ only through the pipeline", () => {
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
