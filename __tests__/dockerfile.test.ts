import { execFileSync } from "node:child_process";
import { lookup } from "node:dns/promises";
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { engineUnavailable, startEngine, type Engine } from "../e2e/engine";
import { run, runOk } from "../e2e/exec";
import { staticBusybox } from "../e2e/standin";
import { nodeRootfs } from "./helpers/node-image";
import { tempTree } from "./helpers/tmp";

const repo = path.resolve(__dirname, "..");
const dockerfile = readFileSync(path.join(repo, "Dockerfile"), "utf8");
const BASE = "composemod-test/node:20";
const IMAGE = "composemod-test/composemod:latest";

test("the Dockerfile packs and installs the package on a Node image; composemod is its entrypoint", () => {
  expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20[\w.-]*$/m);
  expect(dockerfile.match(/^FROM \$\{NODE_IMAGE\}/gm)).toHaveLength(2);
  expect(dockerfile).toMatch(/^RUN npm ci /m);
  expect(dockerfile).toContain("npm pack");
  expect(dockerfile).toContain("npm install -g --prefix /opt/composemod");
  expect(dockerfile).toMatch(/^ENTRYPOINT \["composemod"\]$/m);
  // everything the build COPYs is let through .dockerignore
  const allowed = readFileSync(path.join(repo, ".dockerignore"), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("!"))
    .map((l) => l.slice(1));
  for (const [, sources] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
    for (const source of sources.split(" ")) expect(allowed).toContain(source.replace(/\/$/, ""));
  }
});

/**
 * Building the image needs a Docker Engine (ours, started as e2e/engine.ts starts it), a Node
 * base image (made here from this machine's node and npm, since no image registry is reachable)
 * and the npm registry for `npm ci` (the build runs on the host's network). Opt in with
 * COMPOSEMOD_DOCKER_TEST=1 (`npm run test:docker`; CI does).
 */
const why =
  process.env.COMPOSEMOD_DOCKER_TEST !== "1"
    ? "COMPOSEMOD_DOCKER_TEST is not 1 (npm run test:docker)"
    : (engineUnavailable() ?? (staticBusybox() ? undefined : "no static busybox"));
if (
  why &&
  process.env.COMPOSEMOD_DOCKER_TEST === "1" &&
  process.env.COMPOSEMOD_REQUIRE_TOOLS === "1"
) {
  test("the image can be built here", () => {
    throw new Error(`no Docker Engine can start here: ${why}`);
  });
} else if (why) {
  // eslint-disable-next-line no-console
  console.warn(`dockerfile.test: the image is not built: ${why}`);
}

(why ? describe.skip : describe)("the image, built and run on a Docker Engine of our own", () => {
  let engine: Engine;
  const work = tempTree({});
  const docker = (args: string[], input?: string) =>
    run("docker", args, { env: engine.env, input, timeoutMs: 600_000 });

  beforeAll(async () => {
    engine = await startEngine();
    const rootfs = nodeRootfs(path.join(work, "rootfs"), staticBusybox()!);
    // the machine's own certificate authorities, as its node trusts them
    const trust = process.env.NODE_EXTRA_CA_CERTS ? "/etc/ssl/certs/ca-certificates.crt" : "";
    const change = trust ? `--change 'ENV NODE_EXTRA_CA_CERTS=${trust}'` : "";
    await runOk("sh", ["-c", `tar -C '${rootfs}' -c . | docker import ${change} - ${BASE}`], {
      env: engine.env,
    });
    const context = path.join(work, "context");
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], {
      cwd: repo,
      encoding: "utf8",
    });
    for (const file of files.split("\0").filter(Boolean)) {
      try {
        cpSync(path.join(repo, file), path.join(context, file));
      } catch {
        // deleted in the working tree and not committed yet
      }
    }
    // the engine resolves no names (e2e/engine.ts): the registry's address comes from here
    const registry = new URL(
      execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).trim(),
    ).hostname;
    const { address } = await lookup(registry, { family: 4 });
    const build = await docker([
      "build",
      ...["--network", "host", "--add-host", `${registry}:${address}`],
      ...["--build-arg", `NODE_IMAGE=${BASE}`, "-t", IMAGE, context],
    ]);
    if (build.code !== 0) throw new Error(`docker build failed:\n${build.stdout}\n${build.stderr}`);
  }, 900_000);

  afterAll(async () => {
    await engine?.stop();
  }, 60_000);

  test("composemod --version, a dry run, audit and standard input", async () => {
    const { version } = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8"));
    expect((await docker(["run", "--rm", IMAGE, "--version"])).stdout).toBe(`${version}\n`);
    const examples = path.join(work, "examples");
    mkdirSync(examples);
    cpSync(path.join(repo, "examples"), examples, { recursive: true });
    const mount = ["-v", `${examples}:/work`];
    const dry = await docker(["run", "--rm", ...mount, IMAGE, "."]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("+++ b/article-2-behind-proxy/docker-compose.yml");
    const audit = await docker(["run", "--rm", ...mount, IMAGE, "audit", "."]);
    expect(audit.code).toBe(1);
    expect(audit.stdout).toMatch(/\d+ databases reachable from another project/);
    // the image holds the engine client: --live gets as far as the engine's socket
    const live = await docker([
      ...["run", "--rm", "-e", "DOCKER_HOST=unix:///no/such.sock", IMAGE],
      ...["audit", "--live"],
    ]);
    expect(live.code).toBe(2);
    expect(live.stderr).toContain("cannot reach the Docker Engine at unix:///no/such.sock");
    const input = readFileSync(
      path.join(repo, "examples/article-2-behind-proxy/docker-compose.yml"),
      "utf8",
    );
    const piped = await docker(["run", "--rm", "-i", IMAGE, "--write", "-"], input);
    expect(piped.stdout).toBe(
      readFileSync(path.join(repo, "examples/article-2-behind-proxy/expected.yml"), "utf8"),
    );
  }, 300_000);
});
