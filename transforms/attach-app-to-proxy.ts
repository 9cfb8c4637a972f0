import { rewriteServiceNetworks } from "../src/service-networks";
import { combineResults, Transform, TransformContext, TransformResult } from "../src/transform";

function apply(ctx: TransformContext): TransformResult {
  return combineResults(
    ctx.plan.services
      .filter((s) => s.role === "app" && s.networksChanged)
      .map((s) => rewriteServiceNetworks(ctx, s)),
  );
}

export const attachAppToProxy: Transform = {
  name: "attach-app-to-proxy",
  description: "puts each app on the internal network and the proxy network",
  apply,
};
