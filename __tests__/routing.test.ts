import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { rewriteText, RewriteOptions } from "../src/rewrite/rewrite-project";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import { invariantsOfResult } from "./helpers/invariants";
import { flagRoles } from "./helpers/project";

type Dict = Record<string, any>;

const first = readFileSync(
  path.resolve(__dirname, "..", "examples", "article-1-published-ports", "docker-compose.yml"),
  "utf8",
);

function migrate(text: string, options: Partial<RewriteOptions>) {
  const opts = { ...DEFAULT_PLAN_OPTIONS, project: "wiki", ...options };
  const result = rewriteText(text, "wiki/docker-compose.yml", opts);
  const putBehind = options.virtualHost !== undefined || options.proxyNetwork !== undefined;
  expect(invariantsOfResult(text, result, putBehind)).toEqual([]);
  const again = rewriteText(result.output, "wiki/docker-compose.yml", opts);
  expect(again.status).toBe("unchanged");
  return { ...result, data: parse(result.output) as Dict };
}

describe("the article's first snippet with --virtual-host wiki.example.org", () => {
  test("becomes a stack behind nginx-proxy", () => {
    const { status, data, output } = migrate(first, { virtualHost: "wiki.example.org" });
    expect(status).toBe("changed");
    const wiki = data.services["martin-mediawiki"];
    expect(wiki.environment).toEqual({
      VIRTUAL_HOST: "wiki.example.org",
      LETSENCRYPT_HOST: "wiki.example.org",
    });
    expect(wiki.ports).toBeUndefined();
    expect(output).toContain("    # ports:\n    #   - ${WIKI_HTTP_PORT}:80\n");
    expect(wiki.networks).toEqual(["internal", "proxy"]);
    expect(data.services["martin-wiki-db"].networks).toEqual(["internal"]);
    expect(data.networks).toEqual({ internal: { driver: "bridge" }, proxy: { external: true } });
  });

  test("with --proxy-kind traefik: router and service labels, and traefik.docker.network", () => {
    const { data } = migrate(first, { virtualHost: "{service}.example.org", proxyKind: "traefik" });
    expect(data.services["martin-mediawiki"].labels).toEqual({
      "traefik.enable": "true",
      "traefik.http.routers.wiki-martin-mediawiki.rule": "Host(`martin-mediawiki.example.org`)",
      "traefik.http.services.wiki-martin-mediawiki.loadbalancer.server.port": "80",
      "traefik.docker.network": "proxy",
    });
  });

  test("with --proxy-kind caddy: caddy-docker-proxy labels", () => {
    const { data } = migrate(first, { virtualHost: "{project}.example.org", proxyKind: "caddy" });
    expect(data.services["martin-mediawiki"].labels).toEqual({
      caddy: "wiki.example.org",
      "caddy.reverse_proxy": "{{upstreams 80}}",
    });
  });
});

test("entries follow the block's list style, and VIRTUAL_PORT comes when the port is not 80", () => {
  const text = `services:
  ghost:
    image: ghost:5
    environment:
      - url=https://blog.example.org
    ports:
      - "2368:2368"
  db:
    image: mysql:8
`;
  const { output } = migrate(text, { virtualHost: "blog.example.org" });
  expect(output).toContain(
    "      - url=https://blog.example.org\n      - VIRTUAL_HOST=blog.example.org\n      - LETSENCRYPT_HOST=blog.example.org\n      - VIRTUAL_PORT=2368\n",
  );
});

test("the proxy kind comes from the file when it says", () => {
  const text = `services:
  app:
    image: x/app
    labels:
      - "traefik.enable=true"
      - "traefik.http.routers.app.rule=Host(\`a.example.org\`)"
    networks: [web]
  admin:
    image: x/admin
    ports: ["9000:9000"]
    networks: [web]
  db:
    image: postgres:16
    networks: [web]
networks:
  web: {external: true}
`;
  const { data } = migrate(text, {
    virtualHost: "{service}.example.org",
    overrides: flagRoles({ admin: "app" }),
  });
  // a new labels block takes the file's list form
  expect(data.services.admin.labels).toEqual([
    "traefik.enable=true",
    "traefik.http.routers.wiki-admin.rule=Host(`admin.example.org`)",
    "traefik.http.services.wiki-admin.loadbalancer.server.port=9000",
    "traefik.docker.network=web",
  ]);
});

test("--modernize rewrites the legacy external form, and means the same network", () => {
  const text = `services:
  app:
    image: x
    environment:
      VIRTUAL_HOST: a.example.org
  db:
    image: mariadb:11
networks:
  default:
    external:
      name: proxy
`;
  const { output, data } = migrate(text, { modernize: true });
  expect(output).toContain(
    "networks:\n  internal:\n    driver: bridge\n  default:\n    external: true\n    name: proxy\n",
  );
  expect(data.services.app.networks).toEqual(["internal", "default"]);
  const alone = rewriteText(
    "services:\n  app:\n    image: x\nnetworks:\n  default:\n    external:\n      name: proxy\n",
    "c.yaml",
    { ...DEFAULT_PLAN_OPTIONS, modernize: true },
  );
  expect(alone.output).toBe(
    "services:\n  app:\n    image: x\nnetworks:\n  default:\n    external: true\n    name: proxy\n",
  );
});
