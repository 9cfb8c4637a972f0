// The shell code blocks of a Markdown file (```sh, ```bash, ```console), with what the text says
// of each: `<!-- not run: REASON -->` or `<!-- ci: ... -->` on the lines before it, and for each
// command the exit status a `# exit N` comment after it states (else 0). In a console block,
// commands follow `$ ` and the lines after each are its output. The docs' test runs them;
// `node scripts/doc-blocks.cjs --ci FILE` prints the commands of FILE's `ci:` blocks, for CI.
"use strict";
const { readFileSync } = require("node:fs");

const LANGS = new Set(["sh", "bash", "console"]);

/** A command line's text and the exit status the docs state for it. */
function command(text) {
  const stated = /\s#\s*exit (\d+)\b[^'"`]*$/.exec(text);
  return { text, status: stated ? Number(stated[1]) : 0 };
}

/**
 * @returns {{line: number, lang: string, notRun?: string, ci?: string,
 *   commands: {text: string, status: number, output?: string}[]}[]}
 */
function shellBlocks(markdown) {
  const lines = markdown.split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w+)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const body = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j])) body.push(lines[j++].slice(indent));
    if (LANGS.has(open[2])) {
      // the comments between the block and the text before it
      let k = i - 1;
      const said = [];
      while (k >= 0 && (lines[k].trim() === "" || /^\s*<!--.*-->\s*$/.test(lines[k]))) {
        said.push(lines[k--].trim());
      }
      const marker = (name) =>
        said.map((s) => new RegExp(`^<!-- ${name}: (.*) -->$`).exec(s)).find(Boolean)?.[1];
      blocks.push({
        line: i + 1,
        lang: open[2],
        notRun: marker("not run"),
        ci: marker("ci"),
        commands: open[2] === "console" ? consoleCommands(body) : shCommands(body),
      });
    }
    i = j;
  }
  return blocks;
}

function shCommands(body) {
  return body.filter((l) => l.trim() !== "" && !l.trim().startsWith("#")).map(command);
}

function consoleCommands(body) {
  const commands = [];
  for (const line of body) {
    if (line.startsWith("$ ")) commands.push({ ...command(line.slice(2)), output: "" });
    else if (commands.length) commands.at(-1).output += line + "\n";
  }
  return commands;
}

module.exports = { shellBlocks };

if (require.main === module && process.argv[2] === "--ci") {
  const blocks = shellBlocks(readFileSync(process.argv[3], "utf8")).filter((b) => b.ci);
  for (const b of blocks) for (const c of b.commands) process.stdout.write(c.text + "\n");
}
