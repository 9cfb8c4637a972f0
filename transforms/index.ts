import type { Transform } from "../src/transform";
import { addInternalNetwork } from "./add-internal-network";
import { attachAppToProxy } from "./attach-app-to-proxy";
import { attachDatabases } from "./attach-databases";
import { commentOutPorts } from "./comment-out-ports";

/** Every transform, in the order their edits are planned. */
export const TRANSFORMS: readonly Transform[] = [
  addInternalNetwork,
  attachDatabases,
  attachAppToProxy,
  commentOutPorts,
];

export { addInternalNetwork, attachAppToProxy, attachDatabases, commentOutPorts };
