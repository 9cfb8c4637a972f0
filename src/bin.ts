import { processIO } from "./cli/io";
import { run } from "./cli/program";

const io = processIO();
run(process.argv.slice(2), io, process.stdout.isTTY === true, process.env).then(
  (code) => {
    process.exitCode = code;
    // a reader that left (`| head`) is no failure; a full disk under `> file` is. Write errors
    // are emitted after the run's last promise settles: looked at once they have been.
    setImmediate(() => {
      const failure = io.outputFailure();
      if (!failure) return;
      process.stderr.write(`composemod: cannot write standard output (${failure})\n`);
      process.exitCode = 2;
    });
  },
  (error: unknown) => {
    process.stderr.write(
      `composemod: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
