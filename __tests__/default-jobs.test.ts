import { defaultJobs } from "../src/cli/default-jobs";

test("the rewrite works in one process on one or two cores, and with a worker a core (at most 8) on more", () => {
  expect([1, 2, 3, 4, 8, 16, 64].map((cores) => [cores, defaultJobs(cores)])).toEqual([
    [1, 1],
    [2, 1],
    [3, 3],
    [4, 4],
    [8, 8],
    [16, 8],
    [64, 8],
  ]);
});
