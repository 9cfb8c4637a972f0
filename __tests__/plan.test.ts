import { parse } from "yaml";
import { rewriteText, RewriteOptions } from "../src/rewrite/rewrite-project";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import { warningText } from "../src/base/warning";
import { flagRoles } from "./helpers/project";

type Dict = Record<string, any>;

function migrate(text: string, options: Partial<RewriteOptions> = {}) {
  const result = rewriteText(text, "compose.yaml", { ...DEFAULT_PLAN_OPTIONS, ...options });
  return {
    ...result,
    warnings: result.warnings.map(warningText),
    data: parse(result.output) as Dict,
  };
}

describe("target state", () => {
  test("databases leave every external network; backends leave the proxy but keep others", () => {
    const { status, data, warnings } = migrate(`services:
  app:
    image: x/app
    labels: [traefik.enable=true]
    networks: [proxy, monitoring]
  db:
    image: postgres:16
    networks: [proxy, monitoring]
  worker:
    image: x/worker
    networks: [proxy, monitoring]
networks:
  proxy: {external: true}
  monitoring: {external: true}
`);
    expect(status).toBe("changed");
    expect(data.services.db.networks).toEqual(["internal"]);
    expect(data.services.worker.networks).toEqual(["monitoring", "internal"]);
    expect(data.services.app.networks).toEqual(["proxy", "monitoring", "internal"]);
    expect(warnings).toContain("worker: stays on network `monitoring`, which other projects share");
  });

  test("a project of databases alone is a shared database service and stays", () => {
    const { status, reason, warnings } = migrate(`services:
  pg:
    image: postgres:16
    ports: ["5432:5432"]
    networks: [shared]
networks:
  shared: {external: true}
`);
    expect(status).toBe("unchanged");
    expect(reason).toMatch(/shared database service/);
    expect(warnings[0]).toMatch(/published ports are kept/);
  });

  test("a single app gets no internal network", () => {
    const { status, data } = migrate(
      `services:
  app:
    image: x/app
    environment: [VIRTUAL_HOST=a.example.org]
    ports: ["80:80"]
`,
      { proxyNetwork: "proxy" },
    );
    expect(status).toBe("changed");
    expect(data.services.app.networks).toEqual(["proxy"]);
    expect(data.networks).toEqual({ proxy: { external: true } });
    expect(data.services.app.ports).toBeUndefined();
  });

  test("--proxy-network names the proxy network and a key is declared for it", () => {
    const { data } = migrate(
      `services:\n  app:\n    image: x\n    environment:\n      VIRTUAL_HOST: a\n  db:\n    image: mariadb\n`,
      { proxyNetwork: "edge" },
    );
    expect(data.services.app.networks).toEqual(["internal", "edge"]);
    expect(data.networks.edge).toEqual({ external: true });
  });

  test("a proxy key that is taken by a project network gets its own name", () => {
    const { data } = migrate(
      `services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
    networks: [proxy]
  db:
    image: mariadb
    networks: [proxy]
networks:
  proxy: {}
`,
      { proxyNetwork: "proxy" },
    );
    expect(data.networks.proxy_2).toEqual({ external: true, name: "proxy" });
    expect(data.services.app.networks).toEqual(["proxy", "proxy_2"]);
  });

  test("--driver overlay and --no-egress shape the internal network, with a warning", () => {
    const { data, warnings } = migrate(
      `services:\n  app:\n    image: x\n    environment: {VIRTUAL_HOST: a}\n  db:\n    image: mariadb\n`,
      { driver: "overlay", noEgress: true, proxyNetwork: "proxy" },
    );
    expect(data.networks.internal).toEqual({ driver: "overlay", internal: true });
    expect(warnings.join("\n")).toMatch(/lose outbound traffic/);
  });

  test("links to a container outside the project are warned about", () => {
    const { warnings } = migrate(`services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
    external_links: [mail_server]
    networks: [proxy]
  db:
    image: mariadb
    networks: [proxy]
networks:
  proxy: {external: true}
`);
    expect(warnings.join("\n")).toMatch(/external_links to `mail_server` stops resolving/);
  });

  test("an ignored service keeps its peers on the network they share", () => {
    const { data } = migrate(
      `services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
  db:
    image: mariadb
  legacy:
    image: x/legacy
`,
      { overrides: flagRoles({ legacy: "ignore" }), proxyNetwork: "proxy" },
    );
    expect(data.services.legacy.networks).toBeUndefined();
    expect(data.services.db.networks).toContain("default");
    expect(data.services.app.networks).toContain("default");
    expect(data.services.app.networks).toContain("proxy");
  });

  test("a top-level x-composemod ignore skips the file", () => {
    const { status, reason } = migrate(
      `x-composemod:\n  ignore: true\nservices:\n  app:\n    image: x\n    environment: {VIRTUAL_HOST: a}\n`,
    );
    expect(status).toBe("skipped");
    expect(reason).toMatch(/x-composemod.ignore/);
  });

  test("ports of an app nothing routes to are kept, with a warning; --ports comment removes them", () => {
    const text = `services:
  app:
    image: x
    ports: ["8080:80"]
    networks: [web]
  db:
    image: mariadb
    networks: [web]
networks:
  web: {external: true}
`;
    const auto = migrate(text);
    expect(auto.data.services.app.ports).toEqual(["8080:80"]);
    expect(auto.warnings.join("\n")).toMatch(/ports kept: nothing routes to it/);
    expect(migrate(text, { ports: "comment" }).data.services.app.ports).toBeUndefined();
    expect(migrate(text, { ports: "keep" }).warnings.join("\n")).not.toMatch(/ports kept/);
  });

  test("a networks block given through an alias is replaced in the service, the anchor stays", () => {
    const text = `x-nets: &nets
  - proxy
services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
    networks: *nets
  db:
    image: mariadb
    networks: *nets
networks:
  proxy: {external: true}
`;
    const { status, data, output } = migrate(text);
    expect(status).toBe("changed");
    expect(output).toContain("x-nets: &nets\n  - proxy\n");
    expect(data.services.app.networks).toEqual(["proxy", "internal"]);
    expect(data.services.db.networks).toEqual(["internal"]);
  });
});

describe("anchors", () => {
  test("a networks block anchored in one service and aliased by another is edited when both are rewritten", () => {
    const { status, data, output } = migrate(`services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
    networks: &nets
      - proxy
  db:
    image: mariadb
    networks: *nets
networks:
  proxy: {external: true}
`);
    expect(status).toBe("changed");
    expect(data.services.app.networks).toEqual(["proxy", "internal"]);
    expect(data.services.db.networks).toEqual(["internal"]);
    expect(output).toContain("networks: &nets\n");
  });

  test("a database that an ignored service shares its network with stays where it is", () => {
    const text = `services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
  db:
    image: mariadb
    networks: &nets
      - proxy
  legacy:
    image: x/legacy
    networks: *nets
networks:
  proxy: {external: true}
`;
    const result = migrate(text, { overrides: flagRoles({ legacy: "ignore" }) });
    expect(result.status).toBe("skipped");
    expect(result.reason).toContain(
      "`db` (database) and `legacy` (ignore) share `proxy` now and would share no network after",
    );
    expect(result.output).toBe(text);
  });
});
