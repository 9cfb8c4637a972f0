import { spawnSync } from "node:child_process";

/** True when the command runs here. */
export function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).status === 0;
}

/**
 * `test`, or `test.skip` with a note saying why, for a test that needs a tool the machine may
 * not have. CI sets COMPOSEMOD_REQUIRE_TOOLS=1: there a missing tool is a failure, not a skip.
 */
export function testWith(command: string, install: string): jest.It {
  if (onPath(command)) return test;
  if (process.env.COMPOSEMOD_REQUIRE_TOOLS === "1") {
    return ((name: string) =>
      test(name, () => {
        throw new Error(`${command} is not installed (${install}); CI needs it`);
      })) as unknown as jest.It;
  }
  // eslint-disable-next-line no-console
  console.warn(`skipped: ${command} is not installed (${install})`);
  return test.skip;
}
