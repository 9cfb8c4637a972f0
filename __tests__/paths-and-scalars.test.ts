import * as nodePath from "node:path";
import { stringify } from "yaml";
import { displayPath } from "../src/batch/read-files";
import { scalarText } from "../src/yaml/render";

/** What displayPath shows, worked out the long way: resolved, then made relative when inside. */
function shownTheLongWay(path: string, cwd: string): string {
  const absolute = nodePath.resolve(cwd, path);
  const relative = nodePath.relative(cwd, absolute);
  return relative && !relative.startsWith("..") ? relative : absolute;
}

describe("displayPath", () => {
  const cases: [string, string][] = [
    ["/srv/stacks/blog/compose.yaml", "/srv/stacks"],
    ["/srv/stacks/blog/compose.yaml", "/srv"],
    ["/srv/stacks-old/blog/compose.yaml", "/srv/stacks"],
    ["/srv/stacks/../other/compose.yaml", "/srv/stacks"],
    ["/srv/stacks/./blog/compose.yaml", "/srv/stacks"],
    ["/srv/stacks//blog/compose.yaml", "/srv/stacks"],
    ["/srv/stacks/blog/compose.yaml", "/srv/stacks/"],
    ["/srv/stacks/blog/compose.yaml", "/"],
    ["/srv/stacks", "/srv/stacks"],
    ["blog/compose.yaml", "/srv/stacks"],
    ["../x/compose.yaml", "/srv/stacks"],
    ["/etc/compose.yaml", "/srv/stacks"],
  ];
  it.each(cases)("shows %s from %s as resolving and relating it would", (path, cwd) => {
    expect(displayPath(path, cwd)).toBe(shownTheLongWay(path, cwd));
  });
});

describe("scalarText", () => {
  it("writes each string as yaml does, also when asked again", () => {
    const values = ["internal", "proxy", "1e3", "a: b", "#x", "", " lead", "yes", "on", "22:22"];
    for (const round of [1, 2]) {
      for (const value of values) {
        const expected = /^(yes|on|22:22)$/.test(value)
          ? JSON.stringify(value)
          : stringify(value, { lineWidth: 0 }).trimEnd();
        expect([round, scalarText(value)]).toEqual([round, expected]);
      }
    }
  });
});
