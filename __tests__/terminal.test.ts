import { run } from "../src/cli/program";
import { WIKI_WITH_PORT } from "./helpers/fixtures";
import { captureIO, tempTree } from "./helpers/tmp";

const ERASE = "\r\u001b[K";

/** A terminal's IO that keeps each write to standard error apart, with a clock 30 ms a tick. */
function terminalIO(dir: string, stdoutIsTTY: boolean) {
  const io = captureIO(dir);
  const writes: string[] = [];
  let clock = 0;
  return {
    ...io,
    stderr: (text: string) => {
      writes.push(text);
      io.stderr(text);
    },
    now: () => (clock += 30),
    stderrIsTTY: true,
    stdoutIsTTY,
    writes,
  };
}

describe("the progress line", () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++)
    files[`p${String(i).padStart(2, "0")}/compose.yaml`] = WIKI_WITH_PORT;
  const dir = tempTree(files);

  test("stays visible: throttled, messages written above it, erased once at the end", async () => {
    const io = terminalIO(dir, false);
    expect(await run(["--check", "."], io)).toBe(1);
    const draws = io.writes.filter((w) => /^\r\u001b\[Kcomposemod: \d+\/40 /.test(w));
    // every 100 ms of a 30 ms clock, and the last file: far fewer draws than files
    expect(draws.length).toBeGreaterThan(3);
    expect(draws.length).toBeLessThan(40);
    expect(draws.at(-1)).toMatch(/composemod: 40\/40 /);
    // nothing else leaves the line blank: a message is written over it and the line drawn below it
    expect(io.writes.filter((w) => w === ERASE)).toHaveLength(1);
    const messages = io.writes.filter((w) => w.includes("would change: "));
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages.slice(1)) {
      expect(m).toMatch(/^\r\u001b\[Kwould change: p\d\d\/compose.yaml\ncomposemod: \d+\/40 /);
    }
    // the summary comes after the line is gone
    expect(io.err()).toMatch(/\r\u001b\[K40 to change, 0 unchanged, 0 skipped, 0 errors in /);
  });

  test("steps aside for output on the same terminal, and leaves output to a file alone", async () => {
    const tty = terminalIO(dir, true);
    await run(["."], tty, true, { NO_COLOR: "1" });
    const clearsBeforeOutput = tty.writes.filter((w) => w === ERASE).length;
    // each diff after the first draw is printed with the line out of the way, then the line returns
    expect(clearsBeforeOutput).toBeGreaterThan(1);
    const piped = terminalIO(dir, false);
    await run(["."], piped);
    expect(piped.writes.filter((w) => w === ERASE)).toHaveLength(1);
    expect(piped.out()).toBe(tty.out());
  });
});

describe("--explain on a terminal", () => {
  const long = WIKI_WITH_PORT.replace(
    "ghcr.io/example/wiki:3",
    "ghcr.io/an-organisation-with-a-long-name/a-wiki-with-a-long-name:3",
  );
  const dir = tempTree({ "a-project-with-a-long-name/compose.yaml": long });

  test.each([60, 80, 120])("fits %i columns, the reasons wrapped", async (columns) => {
    const io = { ...captureIO(dir), stdoutIsTTY: true, columns };
    expect(await run(["--explain", "."], io, true, { NO_COLOR: "1" })).toBe(0);
    const lines = io.out().trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
    expect(io.out()).toContain("routed");
  });

  test("is as wide as its cells off a terminal; --json keeps every text whole", async () => {
    const io = captureIO(dir);
    await run(["--explain", "."], io);
    const widest = Math.max(
      ...io
        .out()
        .split("\n")
        .map((l) => l.length),
    );
    expect(widest).toBeGreaterThan(120);
    expect(io.out()).toContain(
      "routed by the proxy: VIRTUAL_HOST environment (nginx-proxy) [routed]",
    );
    const json = captureIO(dir);
    await run(["--json", "."], json);
    const [file] = JSON.parse(json.out()).files;
    expect(file.services.app.reason).toBe(
      "routed by the proxy: VIRTUAL_HOST environment (nginx-proxy)",
    );
  });
});
