import { readFileSync } from "node:fs";
import * as path from "node:path";
import { run } from "../src/cli/program";
import { captureIO, tempTree } from "./helpers/tmp";

const example = path.resolve(__dirname, "..", "examples", "article-2-behind-proxy");
const FILES = { text: "graph.txt", mermaid: "graph.mmd", dot: "graph.dot" } as const;

describe.each(Object.entries(FILES))(
  "graph --format %s of the article's example",
  (format, file) => {
    test(`equals examples/article-2-behind-proxy/${file}`, async () => {
      const io = captureIO(example);
      expect(
        await run(["graph", "--format", format, "--before-after", "docker-compose.yml"], io),
      ).toBe(0);
      expect(io.out()).toBe(readFileSync(path.join(example, file), "utf8"));
    });
  },
);

test("docs/audit.md shows the Mermaid graph as it is", () => {
  const readme = readFileSync(path.resolve(__dirname, "..", "docs", "audit.md"), "utf8");
  const mermaid = readFileSync(path.join(example, "graph.mmd"), "utf8");
  const blocks = [...readme.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks.join("\n")).toBe(mermaid);
});

test("projects are groups, the proxy network and exposed databases are marked", async () => {
  const dir = tempTree({
    "blog/compose.yaml": `services:
  ghost:
    image: ghost:5
    environment: {VIRTUAL_HOST: blog.example.org}
    networks: [proxy]
  db:
    image: mysql:8
    networks: [proxy]
networks:
  proxy: {external: true}
`,
    "shop/compose.yaml": `services:
  shop:
    image: x/shop
    environment: {VIRTUAL_HOST: shop.example.org}
    networks: [proxy, internal]
  db:
    image: postgres:16
    networks: [internal]
networks:
  proxy: {external: true}
  internal: {}
`,
  });
  const text = captureIO(dir);
  await run(["graph", "."], text);
  expect(text.out()).toBe(`blog
├─ ghost (app) -> proxy [proxy]
└─ db (database) -> proxy [proxy]  ! on shared network proxy
shop
├─ shop (app) -> proxy [proxy], shop_internal
└─ db (database) -> shop_internal
`);
  const dot = captureIO(dir);
  await run(["graph", "--format", "dot", "."], dot);
  expect(dot.out()).toContain('subgraph "cluster_blog" {');
  expect(dot.out()).toContain(
    '"s_blog__db" [label="db\\ndatabase", shape=box, color=red, penwidth=2];',
  );
  expect(dot.out()).toContain(
    '"n_proxy" [label="proxy (proxy network, external)", shape=ellipse, style=filled, fillcolor=lightblue];',
  );
  const mermaid = captureIO(dir);
  await run(["graph", "--format", "mermaid", "."], mermaid);
  expect(mermaid.out()).toContain('  subgraph p_shop["shop"]');
  expect(mermaid.out()).toContain("  class s_blog__db exposed");
  expect(mermaid.out()).toContain("  class n_proxy proxy");
});
