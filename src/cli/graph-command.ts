import { Topology, topology } from "../analysis/topology";
import { loadHost, migratedHost } from "../batch/load-host";
import { renderAuditErrors } from "../report/audit-report";
import { renderDot, renderMermaid, renderText } from "../report/graph-render";
import type { RunIO } from "./io";
import type { RunOptions } from "./options";

export const GRAPH_FORMATS = ["text", "mermaid", "dot"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** Each drawing of a topology; `name` tells two of them apart in one output. */
const RENDER: Record<GraphFormat, (t: Topology, name?: string) => string> = {
  text: renderText,
  mermaid: renderMermaid,
  dot: renderDot,
};

/**
 * `composemod graph`: the projects under the paths, their services and the real networks between
 * them, as a tree, Mermaid or DOT. With `--before-after`, the topology now and after
 * `composemod --write`, one after the other.
 */
export async function runGraph(
  options: RunOptions,
  format: GraphFormat,
  beforeAfter: boolean,
  io: RunIO,
): Promise<number> {
  const host = await loadHost(options.paths, io.cwd, options, options.ignore);
  const render = RENDER[format];
  if (!beforeAfter) io.stdout(render(topology(host)));
  else {
    const comment = format === "text" ? "" : format === "mermaid" ? "%% " : "// ";
    io.stdout(`${comment}before\n${render(topology(host), "before")}\n`);
    io.stdout(
      `${comment}after composemod --write\n${render(topology(migratedHost(host, options)), "after")}`,
    );
  }
  if (host.errors.length) {
    io.stderr(renderAuditErrors(host.errors));
    return 2;
  }
  return 0;
}
