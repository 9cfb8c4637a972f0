import { recoverAbandonedEngines } from "./engine";

// run by e2e/run.mjs once jest has ended, however it ended
for (const line of recoverAbandonedEngines()) process.stderr.write(`e2e: ${line}\n`);
