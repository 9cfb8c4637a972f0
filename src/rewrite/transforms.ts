// The one place where the engine reaches the transforms: the rewrite pipeline runs them, and
// the library hands them on.
export { TRANSFORMS } from "../../transforms";
export { combineResults } from "../../transforms/lib/transform";
export type { Transform, TransformContext, TransformResult } from "../../transforms/lib/transform";
