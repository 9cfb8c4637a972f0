import type { ServiceModel } from "../../src/compose/model";
import { pairLines } from "../../src/yaml/layout";
import type { TransformContext } from "./transform";

/** Column at which a service's own keys sit. */
export function serviceKeyColumn(ctx: TransformContext, service: ServiceModel): number | undefined {
  const first = service.node?.items[0]?.key as { range?: number[] } | undefined;
  if (!first?.range) return undefined;
  return ctx.model.file.source.columnOf(first.range[0]);
}

/**
 * Last line of a service's own text, where a new key goes: after its last key and after the
 * commented-out lines right below it at the service's key indentation (`#ports:` and the like).
 */
export function serviceLastLine(ctx: TransformContext, service: ServiceModel): number {
  const source = ctx.model.file.source;
  const last = service.node!.items[service.node!.items.length - 1];
  const column = serviceKeyColumn(ctx, service)!;
  let line = pairLines(source, last).last;
  while (
    line + 1 < source.lineCount &&
    source.isCommentLine(line + 1) &&
    source.indentOf(line + 1) >= column
  ) {
    line++;
  }
  return line;
}

const byName = new WeakMap<TransformContext["model"], Map<string, ServiceModel>>();

/** The service of the file's model by name (looked up in an index: a file may have thousands). */
export function serviceNamed(ctx: TransformContext, name: string): ServiceModel {
  let index = byName.get(ctx.model);
  if (!index) {
    index = new Map(ctx.model.services.map((s) => [s.name, s]));
    byName.set(ctx.model, index);
  }
  return index.get(name)!;
}
