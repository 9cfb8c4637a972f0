import { InheritableKey, inherits } from "../../src/compose/inheritance";
import type { ServiceModel } from "../../src/compose/model";
import type { TransformContext } from "./transform";

/**
 * True when a key the service inherits through a merge key or an alias is left to what it
 * inherits: the rewrite settles those after the anchors' own edits (see `ownKeys`).
 */
export function leftToInheritance(
  ctx: TransformContext,
  service: ServiceModel,
  key: InheritableKey,
): boolean {
  if (!ctx.ownKeys || !inherits(service, key)) return false;
  return !ctx.ownKeys.get(service.name)?.has(key);
}

/** True when the rewrite asks for the service's inherited key to be written as its own. */
export function writtenAsOwn(ctx: TransformContext, name: string, key: InheritableKey): boolean {
  return ctx.ownKeys?.get(name)?.has(key) ?? false;
}
