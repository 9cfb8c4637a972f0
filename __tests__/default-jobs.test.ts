import { defaultJobs, defaultWorkersFrom } from "../src/cli/default-jobs";

/** The worker processes the default gives a run of `projects` on `cores`: none below its threshold. */
const workersFor = (cores: number, projects: number) =>
  projects >= defaultWorkersFrom(cores) ? defaultJobs(cores) : 1;

test("by default the rewrite has a worker a core (at most 8) on more than two cores, none on one", () => {
  expect([1, 3, 4, 8, 16, 64].map((cores) => [cores, workersFor(cores, 2_000)])).toEqual([
    [1, 1],
    [3, 3],
    [4, 4],
    [8, 8],
    [16, 8],
    [64, 8],
  ]);
  expect(workersFor(1, 50_000)).toBe(1);
  expect(workersFor(4, 64)).toBe(4);
  expect(workersFor(4, 63)).toBe(1);
});

test("on two cores the default works in one process at 2,000 projects and in two workers at 50,000", () => {
  expect(workersFor(2, 2_000)).toBe(1);
  expect(workersFor(2, 50_000)).toBe(2);
});
