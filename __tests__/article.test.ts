import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { unifiedDiff } from "../src/yaml/diff";
import { rewriteText } from "../src/rewrite/rewrite-project";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";

// The article's final form ("Reverse Proxy + Separation"), its networking lines as published.
const ARTICLE_FINAL_FORM = `
services:
  martin-wiki-db:
    image: mariadb:latest
    networks:
      - internal_network
  martin-mediawiki:
    image: mediawiki:\${WIKI_VERSION}
    depends_on:
      - martin-wiki-db
    networks:
      - internal_network
      - default

networks:
    internal_network:
        driver: bridge
    default:
      external:
        name: proxy
`;

const second = readFileSync(
  path.resolve(__dirname, "..", "examples", "article-2-behind-proxy", "docker-compose.yml"),
  "utf8",
);

type Dict = Record<string, any>;

test("the article's second snippet, with --internal-network internal_network, becomes its final form", () => {
  const result = rewriteText(second, "docker-compose.yml", {
    ...DEFAULT_PLAN_OPTIONS,
    internalNetwork: "internal_network",
  });
  expect(result.status).toBe("changed");
  const got = parse(result.output) as Dict;
  const want = parse(ARTICLE_FINAL_FORM) as Dict;
  expect(got.networks).toEqual(want.networks);
  expect(Object.keys(got.networks)).toEqual(Object.keys(want.networks));
  for (const name of Object.keys(want.services)) {
    expect(got.services[name].networks).toEqual(want.services[name].networks);
  }
  // the port mapping stays commented out, as the article has it
  expect(got.services["martin-mediawiki"].ports).toBeUndefined();
  expect(result.output).toContain("    #ports:\n    #  - ${WIKI_HTTP_PORT}:80\n");
});

test("the article's first snippet (ports, no proxy yet) is already isolated and left alone", () => {
  const first = readFileSync(
    path.resolve(__dirname, "..", "examples", "article-1-published-ports", "docker-compose.yml"),
    "utf8",
  );
  const result = rewriteText(first, "docker-compose.yml", DEFAULT_PLAN_OPTIONS);
  expect(result.status).toBe("unchanged");
  expect(result.reason).toMatch(/^not behind a shared proxy/);
  expect(result.services["martin-wiki-db"].role).toBe("database");
  expect(result.services["martin-mediawiki"].role).toBe("app");
});

test("the README's before/after is what composemod prints", () => {
  const readme = readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Before and after"));
  const input = /```yaml\n([\s\S]*?)```/.exec(section)![1];
  const shown = /```diff\n([\s\S]*?)```/.exec(section)![1];
  const result = rewriteText(input, "docker-compose.yml", {
    ...DEFAULT_PLAN_OPTIONS,
    internalNetwork: "internal_network",
  });
  // the diff as the command line makes it: from the edits, over the lines they touch
  expect(unifiedDiff("docker-compose.yml", input, result.output, result.edits)).toBe(shown);
  expect(unifiedDiff("docker-compose.yml", input, result.output)).toBe(shown);
});
