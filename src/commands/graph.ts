import { topology, renderDot, renderMermaid, renderText } from "../graph";
import { renderAuditErrors } from "../audit-report";
import { loadHost, migratedHost } from "../host";
import type { RunOptions } from "../options";
import type { RunIO } from "../run";

export const GRAPH_FORMATS = ["text", "mermaid", "dot"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

const RENDER = { text: renderText, mermaid: renderMermaid, dot: renderDot };

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
    io.stdout(`${comment}before\n${render(topology(host))}\n`);
    io.stdout(
      `${comment}after composemod --write\n${render(topology(migratedHost(host, options)))}`,
    );
  }
  if (host.errors.length) {
    io.stderr(renderAuditErrors(host.errors));
    return 2;
  }
  return 0;
}
