import { rewriteServiceNetworks } from "../src/service-networks";
import { combineResults, Transform, TransformContext, TransformResult } from "../src/transform";

function apply(ctx: TransformContext): TransformResult {
  return combineResults(
    ctx.plan.services
      .filter((s) => (s.role === "database" || s.role === "backend") && s.networksChanged)
      .map((s) => rewriteServiceNetworks(ctx, s)),
  );
}

export const attachDatabases: Transform = {
  name: "attach-databases",
  description:
    "moves databases off external networks and backends off the proxy network, onto the internal network",
  apply,
};
