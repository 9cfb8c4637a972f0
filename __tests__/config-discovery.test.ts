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

  test("a --config that is missing is an error before any file is read", async () => {
    const missing = captureIO(root);
    expect(await run(["--config", "nope.json", "srv/stacks"], missing)).toBe(2);
    expect(missing.err()).toBe("error: nope.json: no such configuration file\n");
    expect(missing.out()).toBe("");
  });
});

describe("each project's own configuration, the nearest to it", () => {
  const DB_PORT = WIKI_BEHIND_PROXY.replace(
    "    image: postgres:16\n",
    '    image: postgres:16\n    ports:\n      - "5432:5432"\n',
  );
  const root = tempTree({
    "blog/compose.yaml": DB_PORT,
    "blog/composemod.config.json": JSON.stringify({ ports: "rebind" }),
    "wiki/compose.yaml": DB_PORT,
  });

  /** What happens to each project's database port, by project, in a JSON run over `args`. */
  async function portsOf(args: string[]): Promise<Record<string, string>> {
    const io = captureIO(root);
    expect(await run(["--json", ...args], io)).toBe(0);
    const out: Record<string, string> = {};
    for (const file of JSON.parse(io.out()).files) {
      out[file.project] = /127\.0\.0\.1:5432/.test(file.diff)
        ? "rebound"
        : /#\s+- "5432:5432"/.test(file.diff)
          ? "commented out"
          : "kept";
    }
    return out;
  }

  test("is each project's settings, whichever paths the run is given", async () => {
    const all = await portsOf(["."]);
    expect(all).toEqual({ blog: "rebound", wiki: "commented out" });
    expect(await portsOf(["blog"])).toEqual({ blog: "rebound" });
    expect(await portsOf(["blog", "wiki"])).toEqual(all);
    expect(await portsOf([path.join(root, "blog/compose.yaml"), "wiki"])).toEqual(all);
  });

  test("--config names one for every project", async () => {
    const io = captureIO(root);
    await run(["--json", "--config", "blog/composemod.config.json", "."], io);
    const diffs = JSON.parse(io.out()).files.map((f: { diff: string }) => f.diff);
    expect(diffs.every((d: string) => d.includes("127.0.0.1:5432"))).toBe(true);
  });

  test("graph reads each project's own", async () => {
    const dir = tempTree({
      "blog/compose.yaml": DB_PORT,
      "blog/composemod.config.json": config("blog_net"),
      "wiki/compose.yaml": DB_PORT,
    });
    const io = captureIO(dir);
    expect(await run(["graph", "--json", "--before-after", "blog", "wiki"], io)).toBe(0);
    const names = JSON.parse(io.out()).after.networks.map((n: { name: string }) => n.name);
    expect(names).toEqual(expect.arrayContaining(["blog_blog_net", "wiki_internal"]));
  });

  test("a project's configuration with a mistake is that project's error, at file:line:col; the others go on", async () => {
    const dir = tempTree({
      "blog/compose.yaml": DB_PORT,
      "blog/composemod.config.json": '{\n  "ports": "sometimes"\n}\n',
      "wiki/compose.yaml": DB_PORT,
    });
    const io = captureIO(dir);
    expect(await run(["."], io)).toBe(2);
    const config = path.join(dir, "blog/composemod.config.json");
    expect(io.err()).toContain(
      `blog/compose.yaml: its project's configuration cannot be used: ${config}:2:12: \`ports\` must be one of auto, comment, keep, rebind [config-error]`,
    );
    expect(io.out()).toContain("+++ b/wiki/compose.yaml");
    expect(io.out()).not.toContain("blog/compose.yaml");
  });

  test("a project skipped in its configuration is left as it is by every command, saying why", async () => {
    const dir = tempTree({
      "blog/compose.yaml": DB_PORT,
      "blog/composemod.config.json": JSON.stringify({ skip: true }),
      "wiki/compose.yaml": DB_PORT,
    });
    const check = captureIO(dir);
    expect(await run(["--check", "blog"], check)).toBe(0);
    expect(check.err()).toContain(
      "blog/compose.yaml: skipped by review, in blog/composemod.config.json; remove `skip` there to have composemod rewrite it\n",
    );
    const plain = captureIO(dir);
    expect(await run(["."], plain)).toBe(0);
    expect(plain.out()).not.toContain("blog/compose.yaml");
    expect(plain.out()).toContain("wiki/compose.yaml");
    const audit = captureIO(dir);
    await run(["audit", "--json", "."], audit);
    const report = JSON.parse(audit.out());
    expect(JSON.stringify(report)).toContain("skipped by review, in blog/composemod.config.json");
  });
});
