import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { tempTree } from "./helpers/tmp";

const repo = path.resolve(__dirname, "..");
const examples = path.join(repo, "examples");

interface Step {
  name: string;
  id?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  if?: string;
}
const action = parse(readFileSync(path.join(repo, "action.yml"), "utf8")) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};
const workflow = parse(readFileSync(path.join(repo, "docs", "code-scanning.yml"), "utf8")) as {
  jobs: Record<string, { permissions: Record<string, string>; steps: Step[] }>;
};

/** A runner's expression for what the test knows: inputs, runner.temp, steps' outputs. */
function evaluate(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_m, name: string) => {
    if (!(name in context)) throw new Error(`unknown expression ${name}`);
    return context[name];
  });
}

/** The PATH the install step left, once it has run: later runs reuse that installation. */
let installedPath: string | undefined;

/**
 * Runs the composite action's steps as a runner does: each `run` with `bash --noprofile --norc
 * -eo pipefail`, its env evaluated, GITHUB_OUTPUT and GITHUB_PATH carried to the next steps.
 * The install step runs once for the whole file, as once for a job. Returns the status of the
 * first step that failed (or 0) and what the steps printed.
 */
function runAction(actionPath: string, workspace: string, inputs: Record<string, string>) {
  const temp = path.join(workspace, "..", "runner-temp");
  mkdirSync(temp, { recursive: true });
  const context: Record<string, string> = { "runner.temp": temp };
  for (const [name, input] of Object.entries(action.inputs)) {
    context[`inputs.${name}`] = inputs[name] ?? input.default ?? "";
  }
  let extraPath = installedPath ?? "";
  let log = "";
  for (const step of action.runs.steps) {
    if (installedPath !== undefined && step.name === "Install composemod") continue;
    const outputFile = path.join(temp, `output-${step.id ?? "step"}`);
    const pathFile = path.join(temp, "path");
    writeFileSync(outputFile, "");
    writeFileSync(pathFile, "");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${extraPath}${process.env.PATH}`,
      GITHUB_ACTION_PATH: actionPath,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_PATH: pathFile,
      RUNNER_TEMP: temp,
    };
    for (const [key, value] of Object.entries(step.env ?? {})) env[key] = evaluate(value, context);
    const result = spawnSync(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!],
      {
        cwd: workspace,
        env,
        encoding: "utf8",
      },
    );
    log += result.stdout + result.stderr;
    for (const line of readFileSync(pathFile, "utf8").split("\n").filter(Boolean)) {
      extraPath = `${line}:${extraPath}`;
    }
    for (const line of readFileSync(outputFile, "utf8").split("\n").filter(Boolean)) {
      const [key, ...value] = line.split("=");
      context[`steps.${step.id}.outputs.${key}`] = value.join("=");
    }
    if (result.status !== 0) return { status: result.status, log, context };
    if (step.name === "Install composemod") installedPath = extraPath;
  }
  return { status: 0, log, context };
}

test("the action: composite, bash steps only, inputs reach the scripts through env alone", () => {
  expect(action.runs.using).toBe("composite");
  expect(Object.keys(action.inputs).sort()).toEqual(["mode", "paths", "sarif-file"]);
  for (const step of action.runs.steps) {
    expect(step.shell).toBe("bash");
    // an expression inside a script is a script injection waiting for a crafted input
    expect(step.run).not.toContain("${{");
  }
  expect(action.outputs["sarif-file"].value).toBe("${{ steps.sarif.outputs.file }}");
});

test("the example workflow runs the action and uploads its SARIF to code scanning", () => {
  const [job] = Object.values(workflow.jobs);
  expect(job.permissions["security-events"]).toBe("write");
  const ours = job.steps.find((s) => /\/composemod@/.test(s.uses ?? ""))!;
  for (const input of Object.keys(ours.with ?? {}))
    expect(Object.keys(action.inputs)).toContain(input);
  const upload = job.steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
  expect(upload.with?.sarif_file).toBe(`\${{ steps.${ours.id}.outputs.sarif-file }}`);
  expect(upload.if).toBe("success() || failure()");
  expect(job.steps.indexOf(upload)).toBeGreaterThan(job.steps.indexOf(ours));
});

describe("the action's steps, run as a runner would", () => {
  const work = tempTree({});
  // a checkout of the action: npm pack builds its dist/ there, never in this repository's
  const actionPath = path.join(work, "action");
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], {
    cwd: repo,
    encoding: "utf8",
  });
  for (const file of files.split("\0").filter(Boolean)) {
    try {
      cpSync(path.join(repo, file), path.join(actionPath, file));
    } catch {
      // deleted in the working tree and not committed yet
    }
  }
  // its build tools (a fresh checkout installs them with npm ci)
  symlinkSync(path.join(repo, "node_modules"), path.join(actionPath, "node_modules"));

  const workspace = (name: string, stacks: Record<string, string>) => {
    const dir = path.join(work, name);
    for (const [target, from] of Object.entries(stacks)) {
      mkdirSync(path.dirname(path.join(dir, target)), { recursive: true });
      cpSync(path.join(examples, from), path.join(dir, target));
    }
    return dir;
  };
  const unmigrated = workspace("unmigrated", {
    "stacks/wiki/docker-compose.yml": "article-2-behind-proxy/docker-compose.yml",
    "stacks/blog/docker-compose.yml": "environment-list/docker-compose.yml",
  });
  const migrated = workspace("migrated", {
    "stacks/wiki/docker-compose.yml": "article-2-behind-proxy/expected.yml",
    "stacks/blog/docker-compose.yml": "already-migrated/docker-compose.yml",
  });

  test("audit: the SARIF written, the step failing on a database reachable from another project", () => {
    const { status, log, context } = runAction(actionPath, unmigrated, {
      paths: "stacks",
      mode: "audit",
    });
    const { version } = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8"));
    expect(log.split("\n")).toContain(version);
    expect(status).toBe(1);
    const sarifFile = context["steps.sarif.outputs.file"];
    expect(sarifFile).toBe("composemod.sarif");
    const sarif = JSON.parse(readFileSync(path.join(unmigrated, sarifFile), "utf8"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(
      /^stacks\/(wiki|blog)\/docker-compose\.yml$/,
    );
    expect(log).toMatch(/databases? reachable from another project/);
  }, 300_000);

  test("check: the diff printed, the step failing; report: never failing", () => {
    const check = runAction(actionPath, unmigrated, {
      paths: "stacks/wiki stacks/blog",
      mode: "check",
    });
    expect(check.status).toBe(1);
    expect(check.log).toContain("+++ b/stacks/wiki/docker-compose.yml");
    expect(check.log).toContain("would change: stacks/wiki/docker-compose.yml");
    const report = runAction(actionPath, unmigrated, {
      mode: "report",
      "sarif-file": "out/c.sarif",
    });
    expect(report.status).toBe(0);
    expect(JSON.parse(readFileSync(path.join(unmigrated, "out/c.sarif"), "utf8")).version).toBe(
      "2.1.0",
    );
  }, 300_000);

  test("migrated stacks pass in both modes; a mode it does not know is an error", () => {
    expect(runAction(actionPath, migrated, { paths: "stacks", mode: "audit" }).status).toBe(0);
    expect(runAction(actionPath, migrated, { paths: "stacks", mode: "check" }).status).toBe(0);
    const typo = runAction(actionPath, migrated, { paths: "stacks", mode: "audti" });
    expect(typo.status).toBe(2);
    expect(typo.log).toContain("::error::mode is audit, check or report, not 'audti'");
  }, 300_000);
});
