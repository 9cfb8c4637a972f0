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

/** The service of the file's model by name: from the context's index when it has one. */
export function serviceNamed(ctx: TransformContext, name: string): ServiceModel {
  return (ctx.services?.get(name) ?? ctx.model.services.find((s) => s.name === name))!;
}
