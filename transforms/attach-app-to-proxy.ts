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
        .filter((s) => s.role === "app" && s.networksChanged)
        .map((s) => rewriteServiceNetworks(ctx, s)),
    ),
    INSERT_ORDER.networks,
  );
}

export const attachAppToProxy: Transform = {
  name: "attach-app-to-proxy",
  description: "puts each app on the internal network and the proxy network",
  apply,
};
