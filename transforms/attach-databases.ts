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
        .filter((s) => POLICIES[s.role].moves && !POLICIES[s.role].entry && s.networksChanged)
        .map((s) => rewriteServiceNetworks(ctx, s)),
    ),
    INSERT_ORDER.networks,
  );
}

export const attachDatabases: Transform = {
  name: "attach-databases",
  description:
    "moves databases off external networks and backends off the proxy network, onto the internal network",
  apply,
};
