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
  it("writes each string as yaml does", () => {
    const values = ["internal", "proxy", "1e3", "a: b", "#x", "", " lead", "yes", "on", "22:22"];
    for (const value of values) {
      const expected = /^(yes|on|22:22)$/.test(value)
        ? JSON.stringify(value)
        : stringify(value, { lineWidth: 0 }).trimEnd();
      expect([value, scalarText(value)]).toEqual([value, expected]);
    }
  });

  it("writes a string as it is only where yaml writes it so too", () => {
    const alphabet = "aZ_09./=@+-xyEeon:# ";
    let seed = 1;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const values = [
      "traefik.docker.network=proxy",
      "_x",
      "a@b",
      "inf",
      "nan",
      "e1",
      "x".repeat(500),
    ];
    for (let i = 0; i < 20000; i++) {
      let value = "";
      for (let k = 1 + next(10); k > 0; k--) value += alphabet[next(alphabet.length)];
      values.push(value);
    }
    const asIs = values.filter((v) => scalarText(v) === v);
    expect(asIs.length).toBeGreaterThan(1000);
    expect(asIs.filter((v) => stringify(v, { lineWidth: 0 }).trimEnd() !== v)).toEqual([]);
  });
});
