import type { Transform } from "../src/transform";
import { addInternalNetwork } from "./add-internal-network";
import { addRouting } from "./add-routing";
import { attachAppToProxy } from "./attach-app-to-proxy";
import { attachDatabases } from "./attach-databases";
import { commentOutPorts } from "./comment-out-ports";

/**
 * Every transform. Insertions at one offset land in this order, so the top-level declarations
 * come last: at the end of a file without a final newline they follow the last service's lines.
 */
export const TRANSFORMS: readonly Transform[] = [
  attachDatabases,
  // before the apps' networks: a new labels block goes above a new networks block
  addRouting,
  attachAppToProxy,
  commentOutPorts,
  addInternalNetwork,
];

export { addInternalNetwork, addRouting, attachAppToProxy, attachDatabases, commentOutPorts };
