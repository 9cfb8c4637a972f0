import { addInternalNetwork } from "./add-internal-network";
import { addRouting } from "./add-routing";
import { attachAppToProxy } from "./attach-app-to-proxy";
import { attachDatabases } from "./attach-databases";
import { commentOutPorts } from "./comment-out-ports";
import { keepInherited } from "./keep-inherited";
import type { Transform } from "./lib/transform";
import { modernizeNetworks } from "./modernize-networks";

/**
 * Every transform. Their order does not matter: each edit says where it goes among insertions
 * at the same offset (see `lib/order.ts`).
 */
export const TRANSFORMS: readonly Transform[] = [
  attachDatabases,
  attachAppToProxy,
  addRouting,
  commentOutPorts,
  keepInherited,
  addInternalNetwork,
  modernizeNetworks,
];

export type { Transform, TransformContext, TransformResult } from "./lib/transform";
export {
  addInternalNetwork,
  addRouting,
  attachAppToProxy,
  attachDatabases,
  commentOutPorts,
  keepInherited,
  modernizeNetworks,
};
