import type { Topology } from "../analysis/topology";
import { escapeControl } from "../base/escape";

/**
 * Node ids: readable where the name allows, numbered where two names would read the same
 * (`db-1` and `db_1`), so that no two nodes merge.
 */
function idMaker() {
  const taken = new Map<string, string>();
  const used = new Set<string>();
  return (prefix: string, ...parts: string[]) => {
    const key = [prefix, ...parts].join("\u0000");
    let id = taken.get(key);
    if (!id) {
      const base = `${prefix}_${parts.join("__").replace(/[^A-Za-z0-9_]/g, "_")}`;
      id = base;
      for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
      used.add(id);
      taken.set(key, id);
    }
    return id;
  };
}

/** Mermaid's entity codes for what a label must not hold as it is. */
const MERMAID_ENTITIES: Record<string, string> = {
  '"': "#quot;",
  "&": "#amp;",
  "<": "#lt;",
  ">": "#gt;",
  "`": "#96;",
};

/**
 * Text for a Mermaid label in double quotes: a name is text, never markup (labels are HTML in
 * Mermaid's drawing, so `<img src=x onerror=...>` would be an element), nor a line of its own.
 */
const mermaidText = (text: string) =>
  escapeControl(text).replace(/["&<>`]/g, (ch) => MERMAID_ENTITIES[ch]);

function networkLabel(n: Topology["networks"][number]): string {
  const tags = [
    n.proxy ? "proxy network" : "",
    n.external ? "external" : "",
    n.shared && !n.proxy ? "shared" : "",
  ];
  const extra = tags.filter(Boolean).join(", ");
  return extra ? `${n.name} (${extra})` : n.name;
}

/** A Mermaid flowchart: a subgraph per project, networks as round nodes, exposure in red. */
export function renderMermaid(t: Topology): string {
  const id = idMaker();
  const out = ["flowchart LR"];
  for (const p of t.projects) {
    out.push(`  subgraph ${id("p", p.name)}["${mermaidText(p.name)}"]`);
    for (const s of p.services) {
      const label = `${mermaidText(s.name)}<br/><i>${s.role}</i>${s.exposed.length ? "<br/>⚠ reachable" : ""}`;
      out.push(`    ${id("s", p.name, s.name)}["${label}"]`);
    }
    out.push("  end");
  }
  for (const n of t.networks) {
    out.push(`  ${id("n", n.name)}(("${mermaidText(networkLabel(n))}"))`);
  }
  for (const e of t.edges) out.push(`  ${id("s", e.project, e.service)} --- ${id("n", e.network)}`);
  out.push("  classDef proxy fill:#dbeafe,stroke:#1d4ed8,stroke-width:2px");
  out.push("  classDef exposed fill:#fee2e2,stroke:#b91c1c,stroke-width:2px");
  const proxies = t.networks.filter((n) => n.proxy).map((n) => id("n", n.name));
  if (proxies.length) out.push(`  class ${proxies.join(",")} proxy`);
  const exposed = t.projects.flatMap((p) =>
    p.services.filter((s) => s.exposed.length).map((s) => id("s", p.name, s.name)),
  );
  if (exposed.length) out.push(`  class ${exposed.join(",")} exposed`);
  return out.join("\n") + "\n";
}

/**
 * Graphviz DOT: a cluster per project, networks as ellipses, exposure in red. The graph is
 * called `name` (an identifier), so that two graphs in one output (before and after) keep apart.
 */
export function renderDot(t: Topology, name = "composemod"): string {
  const id = idMaker();
  // quoted as JSON quotes (DOT reads `\n` and `\"` the same), the C1 controls JSON leaves escaped too
  const q = (s: string) => escapeControl(JSON.stringify(s));
  const out = [`graph ${name} {`, "  rankdir=LR;", '  node [fontname="Helvetica"];'];
  for (const p of t.projects) {
    out.push(`  subgraph ${q(`cluster_${p.name}`)} {`, `    label=${q(p.name)};`);
    for (const s of p.services) {
      const style = s.exposed.length ? ", color=red, penwidth=2" : "";
      out.push(
        `    ${q(id("s", p.name, s.name))} [label=${q(`${s.name}\n${s.role}`)}, shape=box${style}];`,
      );
    }
    out.push("  }");
  }
  for (const n of t.networks) {
    const style = n.proxy
      ? ", style=filled, fillcolor=lightblue"
      : n.shared
        ? ", color=orange"
        : "";
    out.push(`  ${q(id("n", n.name))} [label=${q(networkLabel(n))}, shape=ellipse${style}];`);
  }
  for (const e of t.edges)
    out.push(`  ${q(id("s", e.project, e.service))} -- ${q(id("n", e.network))};`);
  out.push("}");
  return out.join("\n") + "\n";
}

/** A tree for the terminal: each project, its services and the networks they are on (names escaped). */
export function renderText(t: Topology): string {
  const out: string[] = [];
  const byNetwork = new Map(t.networks.map((n) => [n.name, n]));
  const esc = escapeControl;
  for (const p of t.projects) {
    out.push(esc(p.name));
    p.services.forEach((s, i) => {
      const last = i === p.services.length - 1;
      const nets = t.edges
        .filter((e) => e.project === p.name && e.service === s.name)
        .map((e) => {
          const n = byNetwork.get(e.network)!;
          return n.proxy
            ? `${esc(n.name)} [proxy]`
            : n.shared
              ? `${esc(n.name)} [shared]`
              : esc(n.name);
        });
      const warn = s.exposed.length ? `  ! ${esc(s.exposed.join("; "))}` : "";
      out.push(
        `${last ? "└─" : "├─"} ${esc(s.name)} (${s.role}) -> ${nets.join(", ") || "(no networks)"}${warn}`,
      );
    });
  }
  return out.join("\n") + "\n";
}
