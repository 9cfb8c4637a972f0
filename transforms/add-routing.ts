import { addEntries } from "./lib/entries";
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
      ctx.plan.services.flatMap((s) => [
        addEntries(ctx, s.name, "environment", s.addEnvironment),
        addEntries(ctx, s.name, "labels", s.addLabels),
      ]),
    ),
    INSERT_ORDER.routing,
  );
}

export const addRouting: Transform = {
  name: "add-routing",
  description:
    "adds what the proxy needs to route to an app: VIRTUAL_HOST and friends, Traefik or Caddy labels, and the Traefik network label of an app on two networks",
  apply,
};
