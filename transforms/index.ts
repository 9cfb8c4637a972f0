import type { Transform } from "../src/transform";
import { addInternalNetwork } from "./add-internal-network";
import { attachAppToProxy } from "./attach-app-to-proxy";
import { attachDatabases } from "./attach-databases";
import { commentOutPorts } from "./comment-out-ports";

/**
 * Every transform. Insertions at one offset land in this order, so the top-level declarations
 * come last: at the end of a file without a final newline they follow the last service's lines.
 */
export const TRANSFORMS: readonly Transform[] = [
  attachDatabases,
  attachAppToProxy,
  commentOutPorts,
  addInternalNetwork,
];

export { addInternalNetwork, attachAppToProxy, attachDatabases, commentOutPorts };
