import { addEntries } from "../src/service-entries";
import { combineResults, Transform, TransformContext, TransformResult } from "../src/transform";

function apply(ctx: TransformContext): TransformResult {
  return combineResults(
    ctx.plan.services.flatMap((s) => [
      addEntries(ctx, s.name, "environment", s.addEnvironment),
      addEntries(ctx, s.name, "labels", s.addLabels),
    ]),
  );
}

export const addRouting: Transform = {
  name: "add-routing",
  description:
    "adds what the proxy needs to route to an app: VIRTUAL_HOST and friends, Traefik or Caddy labels, and the Traefik network label of an app on two networks",
  apply,
};
