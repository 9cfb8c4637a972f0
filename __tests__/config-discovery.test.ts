import * as path from "node:path";
import { run } from "../src/cli/program";
import { WIKI_BEHIND_PROXY } from "./helpers/fixtures";
import { captureIO, tempTree } from "./helpers/tmp";

const config = (internalNetwork: string) => JSON.stringify({ internalNetwork });

/** The internal network a JSON run over `args` put in the first file's diff. */
async function internalNetworkOf(cwd: string, args: string[]): Promise<string | undefined> {
  const io = captureIO(cwd);
  expect(await run(["--json", ...args], io)).toBe(0);
  return /\+ {6}- (\w+)\n/.exec(JSON.parse(io.out()).files[0].diff)?.[1];
}

describe("the configuration of the paths", () => {
  const root = tempTree({
    "srv/stacks/composemod.config.json": config("stacks_net"),
    "srv/stacks/wiki/compose.yaml": WIKI_BEHIND_PROXY,
    "srv/other/wiki/compose.yaml": WIKI_BEHIND_PROXY,
    "elsewhere/named.json": config("named_net"),
    "elsewhere/package.json": JSON.stringify({
      name: "x",
      composemod: { internalNetwork: "pkg_net" },
    }),
    "work/composemod.config.json": config("work_net"),
  });
  const stacks = path.join(root, "srv/stacks");

  test("is found upward from a directory given, whatever the working directory", async () => {
    expect(await internalNetworkOf("/", [stacks])).toBe("stacks_net");
    expect(await internalNetworkOf(path.join(root, "work"), [stacks])).toBe("stacks_net");
  });

  test("is found upward from a file given", async () => {
    expect(await internalNetworkOf("/", [path.join(stacks, "wiki/compose.yaml")])).toBe(
      "stacks_net",
    );
  });

  test("the working directory's configuration is not a path's", async () => {
    const other = path.join(root, "srv/other");
    expect(await internalNetworkOf(path.join(root, "work"), [other])).toBe("internal");
  });

  test("--config FILE names one (a package.json gives its composemod key); --no-config none", async () => {
    const named = path.join(root, "elsewhere/named.json");
    expect(await internalNetworkOf("/", ["--config", named, stacks])).toBe("named_net");
    expect(await internalNetworkOf(root, ["--config", "elsewhere/package.json", stacks])).toBe(
      "pkg_net",
    );
    expect(await internalNetworkOf("/", ["--no-config", stacks])).toBe("internal");
  });

  test("audit and graph read it the same way", async () => {
    const io = captureIO("/");
    await run(["graph", "--json", "--before-after", stacks], io);
    const names = JSON.parse(io.out()).after.networks.map((n: { name: string }) => n.name);
    expect(names).toContain("wiki_stacks_net");
  });

  test("paths with different configurations, and a --config that is missing, are errors before any file is read", async () => {
    const io = captureIO(root);
    expect(await run(["srv/stacks", "srv/other"], io)).toBe(2);
    expect(io.err()).toMatch(
      /^error: the paths have different configurations \(srv\/stacks: .*composemod\.config\.json; srv\/other: none\); run composemod once for each, or name one with --config\n$/,
    );
    const missing = captureIO(root);
    expect(await run(["--config", "nope.json", "srv/stacks"], missing)).toBe(2);
    expect(missing.err()).toBe("error: nope.json: no such configuration file\n");
    expect(missing.out()).toBe("");
  });
});
