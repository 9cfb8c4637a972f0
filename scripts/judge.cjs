// Scores composemod's judgement against an expert self-hoster's labels (../shared/labels): per
// file the verdict (changed, or left alone), per service the role. Runs the built CLI as a user
// would, with --json, on every labelled file of the shared corpus. Prints each disagreement and
// the figure line; `npm run judge` runs it.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const repo = path.resolve(__dirname, "..");
/** The CLI says `proxy` and `skipped` where the labels say `edge` and `host-net`. */
const SAME = { proxy: "edge", skipped: "host-net" };

function tsv(file) {
  const [head, ...rows] = fs.readFileSync(file, "utf8").trimEnd().split("\n");
  const keys = head.split("\t");
  return rows.map((row) => Object.fromEntries(row.split("\t").map((v, i) => [keys[i], v])));
}

/** Where the corpus and the labels are: $COMPOSEMOD_CORPUS / ../shared beside the repository. */
function sharedDirs() {
  const corpus = process.env.COMPOSEMOD_CORPUS || path.join(repo, "..", "shared", "corpus");
  const labels = process.env.COMPOSEMOD_LABELS || path.join(path.dirname(corpus), "labels");
  return fs.existsSync(path.join(labels, "verdicts.tsv")) && fs.existsSync(corpus)
    ? { corpus, labels }
    : undefined;
}

/** The agreement of the CLI's report with the labels, and each disagreement in words. */
function judge({ corpus, labels, cli = path.join(repo, "dist", "cli.js") }) {
  const verdicts = tsv(path.join(labels, "verdicts.tsv"));
  const roles = tsv(path.join(labels, "roles.tsv"));
  const files = verdicts.map((v) => v.file).sort();
  const run = spawnSync(process.execPath, [cli, "--json", ...files], {
    cwd: corpus,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const report = JSON.parse(run.stdout);
  const got = new Map(report.files.map((f) => [path.normalize(f.path), f]));
  const wrong = { verdicts: [], roles: [] };
  for (const v of verdicts) {
    const entry = got.get(path.normalize(v.file));
    const status = entry ? entry.status : "missing";
    const verdict =
      status === "changed"
        ? "change"
        : ["unchanged", "skipped"].includes(status)
          ? "unchanged"
          : status;
    if (verdict !== v.expected_verdict) {
      wrong.verdicts.push(
        `${v.file}: ${status} (${entry?.reason ?? ""}); labelled ${v.expected_verdict}: ${v.what_change}`,
      );
    }
  }
  let seen = 0;
  for (const r of roles) {
    const service = got.get(path.normalize(r.file))?.services?.[r.service];
    if (!service) continue;
    seen++;
    const role = SAME[service.role] ?? service.role;
    if (role !== r.role) {
      wrong.roles.push(
        `${r.file} ${r.service}: ${service.role} (${service.reason} [${service.rule}]); labelled ${r.role}: ${r.reason}`,
      );
    }
  }
  return {
    verdicts: { agree: verdicts.length - wrong.verdicts.length, total: verdicts.length },
    roles: { agree: seen - wrong.roles.length, total: seen, labelled: roles.length },
    wrong,
  };
}

function figureLine(result) {
  const pct = (x) => `${((100 * x.agree) / x.total).toFixed(1)}%`;
  return `judge: verdicts ${result.verdicts.agree}/${result.verdicts.total} as labelled (${pct(result.verdicts)}); roles ${result.roles.agree}/${result.roles.total} as labelled (${pct(result.roles)})`;
}

module.exports = { judge, sharedDirs, figureLine };

if (require.main === module) {
  const dirs = sharedDirs();
  if (!dirs) {
    console.error(
      "judge: no labels found (../shared/labels beside the repository, or set COMPOSEMOD_CORPUS)",
    );
    process.exit(2);
  }
  const result = judge(dirs);
  for (const w of result.wrong.verdicts) console.log(`VERDICT ${w}`);
  for (const w of result.wrong.roles) console.log(`ROLE ${w}`);
  console.log(figureLine(result));
}
