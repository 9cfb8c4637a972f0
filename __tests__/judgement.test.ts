import * as path from "node:path";

// the same scoring that `npm run judge` prints
const { judge, sharedDirs, figureLine } = require("../scripts/judge.cjs") as {
  judge: (dirs: { corpus: string; labels: string; cli?: string }) => {
    verdicts: { agree: number; total: number };
    roles: { agree: number; total: number; labelled: number };
    wrong: { verdicts: string[]; roles: string[] };
  };
  sharedDirs: () => { corpus: string; labels: string } | undefined;
  figureLine: (result: unknown) => string;
};

const dirs = sharedDirs();
if (!dirs) {
  console.warn(
    "judgement.test: skipped — the shared labels were not found (../shared/labels beside the repository)",
  );
}

(dirs ? describe : describe.skip)("judgement against an expert self-hoster's labels", () => {
  const result = dirs
    ? judge({ ...dirs, cli: path.resolve(__dirname, "..", "dist", "cli.js") })
    : undefined;

  test("every labelled service is in the report", () => {
    expect(result!.roles.total).toBe(result!.roles.labelled);
  });

  test("at least 95% of verdicts as labelled", () => {
    const { agree, total } = result!.verdicts;
    expect({
      figure: figureLine(result),
      wrong: result!.wrong.verdicts,
      enough: agree / total >= 0.95,
    }).toMatchObject({ enough: true });
  });

  test("at least 95% of roles as labelled", () => {
    const { agree, total } = result!.roles;
    expect({
      figure: figureLine(result),
      wrong: result!.wrong.roles,
      enough: agree / total >= 0.95,
    }).toMatchObject({ enough: true });
  });
});
