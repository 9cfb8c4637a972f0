import { Topology, topology } from "../analysis/topology";
import { loadHost, migratedHost } from "../batch/load-host";
import { renderAuditErrors } from "../report/audit-report";
import { renderDot, renderMermaid, renderText } from "../report/graph-render";
import type { RunIO } from "./io";
import { noComposeFiles } from "./no-compose-files";
import type { RunOptions } from "./options";

type GraphFormat = "text" | "mermaid" | "dot" | "json";

/** Each drawing of a topology; `name` tells two of them apart in one output. */
const RENDER: Record<GraphFormat, (t: Topology, name?: string) => string> = {
  text: renderText,
  mermaid: renderMermaid,
  dot: renderDot,
  json: (t) => JSON.stringify(t, null, 2) + "\n",
};

/**
 * `composemod graph`: the projects under the paths, their services and the real networks between
 * them, as a tree, Mermaid, DOT or JSON. With `--before-after`, the topology now and after
 * `composemod --write`, one after the other (in JSON, `{before, after}`).
 */
export async function runGraph(options: RunOptions, io: RunIO): Promise<number> {
  const beforeAfter = options.beforeAfter;
  const host = await loadHost(
    options.paths,
    io.cwd,
    options,
    options.ignore,
    options.followSymlinks,
  );
  if (host.discovered === 0 && host.errors.length === 0) {
    io.stderr(noComposeFiles(options.paths));
    return 2;
  }
  const format = (["mermaid", "dot", "json"] as const).find((f) => f === options.format) ?? "text";
  const render = RENDER[format];
  if (!beforeAfter) io.stdout(render(topology(host)));
  else if (format === "json") {
    const before = topology(host);
    const after = topology(migratedHost(host, options));
    io.stdout(JSON.stringify({ before, after }, null, 2) + "\n");
  } else {
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
