// Records one `composemod review` on a pseudo-terminal and draws it for the documentation:
// docs/review.cast (asciinema v2: `asciinema play docs/review.cast`) and docs/review.svg.
//
//   npm run build && node scripts/record-review.mjs
//
// The session is answered by scripts/pty-session.py over a small project made for it in a
// temporary directory: the prometheus service, taken for a database, is made an app, and the
// project accepted.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const repo = path.resolve(import.meta.dirname, "..");
const COLS = 92;
const ROWS = 48;

const PROJECT = `services:
  grafana:
    image: grafana/grafana:11
    environment:
      VIRTUAL_HOST: grafana.example.org
  prometheus:
    image: prom/prometheus:v2
    ports:
      - "9090:9090"
  db:
    image: postgres:16
    ports:
      - "5432:5432"
networks:
  default:
    external:
      name: proxy
`;

const STEPS = [
  ["accept\\?", "r"],
  ["which service", "2"],
  ["role of", "a"],
  ["accept\\?", "y"],
];

/** Records the session; returns the cast's text. */
function record() {
  const dir = mkdtempSync(path.join(tmpdir(), "composemod-review-"));
  try {
    mkdirSync(path.join(dir, "monitor"));
    writeFileSync(path.join(dir, "monitor", "compose.yaml"), PROJECT);
    writeFileSync(path.join(dir, "steps.json"), JSON.stringify(STEPS));
    const cast = path.join(dir, "review.cast");
    execFileSync(
      "python3",
      [
        path.join(repo, "scripts", "pty-session.py"),
        ...["--cols", String(COLS), "--rows", String(ROWS), "--pace", "0.8", "--cast", cast],
        path.join(dir, "steps.json"),
        "--",
        ...["node", path.join(repo, "dist", "cli.js"), "review", "monitor"],
      ],
      { cwd: dir, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NO_COLOR: "" } },
    );
    return readFileSync(cast, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PALETTE = {
  fg: "#d4d4d4",
  bg: "#1e1e1e",
  31: "#f14c4c",
  32: "#23d18b",
  33: "#f5f543",
  36: "#29b8db",
};

/**
 * The terminal's lines once every output event is played: each a list of runs of text with
 * their style. Knows what the review prints: text, CR LF, SGR colours, bold and dim.
 */
function screenOf(cast) {
  const events = cast
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => JSON.parse(line))
    .filter(([, kind]) => kind === "o");
  const text = events.map(([, , data]) => data).join("");
  const lines = [[]];
  let style = {};
  for (const token of text.match(/\u001b\[[0-9;]*[A-Za-z]|\r?\n|\r|[^\u001b\r\n]+/g) ?? []) {
    if (token.startsWith("\u001b[")) {
      if (!token.endsWith("m")) continue;
      for (const code of token.slice(2, -1).split(";").map(Number)) {
        if (code === 0) style = {};
        else if (code === 1) style = { ...style, bold: true };
        else if (code === 2) style = { ...style, dim: true };
        else if (PALETTE[code]) style = { ...style, color: PALETTE[code] };
      }
    } else if (token === "\n" || token === "\r\n") lines.push([]);
    else if (token === "\r") lines[lines.length - 1] = [];
    else lines[lines.length - 1].push({ text: token, ...style });
  }
  while (lines.length && lines[lines.length - 1].length === 0) lines.pop();
  return lines;
}

const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The lines as an SVG picture of a terminal window. */
function svgOf(lines) {
  const charWidth = 8.4;
  const lineHeight = 18;
  const pad = 16;
  const top = 36;
  const width = Math.ceil(COLS * charWidth + 2 * pad);
  const height = top + lines.length * lineHeight + pad;
  const rows = lines.map((runs, i) => {
    const spans = runs.map((run) => {
      const attrs = [
        run.color ? `fill="${run.color}"` : "",
        run.bold ? `font-weight="bold"` : "",
        run.dim ? `opacity="0.6"` : "",
      ].filter(Boolean);
      return `<tspan ${attrs.join(" ")}>${escape(run.text)}</tspan>`;
    });
    return `<text x="${pad}" y="${top + (i + 1) * lineHeight - 4}" xml:space="preserve">${spans.join("")}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="composemod review, recorded on a terminal">`,
    `<rect width="100%" height="100%" rx="8" fill="${PALETTE.bg}"/>`,
    `<circle cx="20" cy="18" r="6" fill="#ff5f56"/><circle cx="40" cy="18" r="6" fill="#ffbd2e"/><circle cx="60" cy="18" r="6" fill="#27c93f"/>`,
    `<text x="${width / 2}" y="22" fill="#888" font-family="sans-serif" font-size="12" text-anchor="middle">composemod review monitor</text>`,
    `<g font-family="'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="14" fill="${PALETTE.fg}">`,
    ...rows,
    `</g>`,
    `</svg>`,
    "",
  ].join("\n");
}

const cast = record();
writeFileSync(path.join(repo, "docs", "review.cast"), cast);
writeFileSync(path.join(repo, "docs", "review.svg"), svgOf(screenOf(cast)));
console.log("docs/review.cast and docs/review.svg written");
