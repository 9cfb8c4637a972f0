import { POLICIES } from "../src/analysis/roles/table";
import { rewriteServiceNetworks } from "./lib/networks-block";
import { INSERT_ORDER } from "./lib/order";
import {
  combineResults,
  inOrder,
  Transform,
  TransformContext,
  TransformResult,
} from "./lib/transform";

function apply(ctx: TransformContext): TransformResult {
  return inOrder(
    combineResults(
      ctx.plan.services
        // a proxy in its own stack keeps its networks, and joins the internal one to reach
        // the database that leaves them
        .filter((s) => (POLICIES[s.role].entry || POLICIES[s.role].edge) && s.networksChanged)
        .map((s) => rewriteServiceNetworks(ctx, s)),
    ),
    INSERT_ORDER.networks,
  );
}

export const attachAppToProxy: Transform = {
  name: "attach-app-to-proxy",
  description:
    "puts each app on the internal network and the proxy network (and a proxy in its own stack on the internal network too)",
  apply,
};
