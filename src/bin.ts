import { processIO } from "./cli/io";
import { run } from "./cli/program";

run(process.argv.slice(2), processIO(), process.stdout.isTTY === true, process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `composemod: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
