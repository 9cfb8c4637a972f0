import { parse } from "yaml";
import { unifiedDiff } from "../src/yaml/diff";
import { rewriteText, RewriteOptions, FileResult } from "../src/rewrite/rewrite-project";
import { DEFAULT_PLAN_OPTIONS } from "../src/analysis/plan/options";
import { decodeUtf8 } from "../src/yaml/decode";
import { invariantsOfResult } from "./helpers/invariants";
import { warningText } from "../src/base/warning";

type Dict = Record<string, any>;

interface Case {
  name: string;
  input: string;
  options?: Partial<RewriteOptions>;
  /** The exact output text, or `same` for a file that is left as it is. */
  expected: string;
  check: (result: FileResult, data: Dict) => void;
}

const cases: Case[] = [
  {
    name: "a label added to a flow sequence written over several lines goes after its last item",
    input: `services:
  app:
    image: x
    labels: [
      "traefik.enable=true",
      "traefik.http.routers.app.rule=Host(\`a.example.org\`)"
    ]
    networks: [web]
  db:
    image: postgres
    networks: [web]
networks:
  web: {external: true}
`,
    expected: `services:
  app:
    image: x
    labels: [
      "traefik.enable=true",
      "traefik.http.routers.app.rule=Host(\`a.example.org\`)", "traefik.docker.network=web"
    ]
    networks: [web, internal]
  db:
    image: postgres
    networks: [internal]
networks:
  internal:
    driver: bridge
  web: {external: true}
`,
    check: (_r, data) =>
      expect(data.services.app.labels).toEqual([
        "traefik.enable=true",
        "traefik.http.routers.app.rule=Host(`a.example.org`)",
        "traefik.docker.network=web",
      ]),
  },
  {
    name: "kept and new scalars are quoted where YAML 1.1 would misread them",
    input: `x-p: &p
  ports: ["8080:80", "22:22"]
services:
  app:
    <<: *p
    image: gitea
    labels: [traefik.enable=true]
    networks: [web]
  db:
    image: postgres
    networks: [web]
networks:
  web: {external: true}
`,
    options: { internalNetwork: "on" },
    expected: `x-p: &p
  ports: ["8080:80", "22:22"]
services:
  app:
    <<: *p
    image: gitea
    labels: [traefik.enable=true, traefik.docker.network=web]
    networks: [web, "on"]
    # ports: [8080:80, "22:22"]
    ports: ["22:22"]
  db:
    image: postgres
    networks: ["on"]
networks:
  "on":
    driver: bridge
  web: {external: true}
`,
    check: (r, data) => {
      expect(r.status).toBe("changed");
      expect(r.output).toContain(`    ports: ["22:22"]\n`);
      expect(data.services.db.networks).toEqual(["on"]);
      expect(r.output).toContain(`  "on":\n`);
    },
  },
  {
    name: "flow-mapping networks with empty settings",
    input: `services:
  app:
    image: myapp
    environment: [VIRTUAL_HOST=a]
    networks: {proxy: {}}
  db:
    image: postgres
    networks: {proxy: null, default: null}
networks: {proxy: {external: true}}
`,
    expected: `services:
  app:
    image: myapp
    environment: [VIRTUAL_HOST=a]
    networks: {proxy: {}, internal: {}}
  db:
    image: postgres
    networks: {default: null, internal: {}}
networks: {proxy: {external: true}, internal: {driver: bridge}}
`,
    check: (r, data) => {
      expect(r.status).toBe("changed");
      expect(Object.keys(data.services.db.networks).sort()).toEqual(["default", "internal"]);
    },
  },
  {
    name: "a removed map entry with settings hands them to the internal network in place",
    input: `services:
  app:
    image: myapp
    environment: {VIRTUAL_HOST: a.com}
  db:
    image: postgres
    networks:
      proxy:
        aliases: [pg]
      default:
networks:
  proxy: {external: true}
`,
    expected: `services:
  app:
    image: myapp
    environment: {VIRTUAL_HOST: a.com}
    networks:
      - internal
      - proxy
  db:
    image: postgres
    networks:
      internal:
        aliases: [pg]
      default:
networks:
  internal:
    driver: bridge
  proxy: {external: true}
`,
    check: (r, data) => {
      expect(r.status).toBe("changed");
      expect(data.services.db.networks.internal).toEqual({ aliases: ["pg"] });
      expect(r.output).toContain("      internal:\n        aliases: [pg]\n");
    },
  },
  {
    name: "--ports comment on an app found by its web port is stable on a second run",
    input: `services:
  web:
    image: nginx
    ports: ["8080:80"]
    networks: [proxy]
  worker:
    image: myworker
    networks: [proxy]
  db:
    image: postgres
    ports: ["5432:5432"]
    networks: [proxy]
networks:
  proxy: {external: true}
`,
    options: { ports: "comment" },
    expected: `services:
  web:
    image: nginx
    # ports: ["8080:80"]
    networks: [proxy, internal]
  worker:
    image: myworker
    networks: [internal]
  db:
    image: postgres
    # ports: ["5432:5432"]
    networks: [internal]
networks:
  internal:
    driver: bridge
  proxy: {external: true}
`,
    check: (r, data) => {
      expect(r.status).toBe("changed");
      expect(data.services.web.networks).toEqual(["proxy", "internal"]);
      expect(data.services.web.ports).toBeUndefined();
    },
  },
  {
    name: "a service written as a flow mapping whose ports must go is skipped, not half-edited",
    input: `services:
  app:
    image: myapp
    environment: [VIRTUAL_HOST=a]
    networks: [proxy]
  db: {image: postgres, ports: ["5432:5432"], networks: [proxy]}
networks:
  proxy: {external: true}
`,
    expected: "same",
    check: (r) => {
      expect(r.status).toBe("skipped");
      expect(r.reason).toMatch(/flow mapping/);
    },
  },
  {
    name: "new top-level networks go before a `...` document end marker",
    input: `---
services:
  app:
    image: wordpress
    environment: {VIRTUAL_HOST: example.com}
  db:
    image: mariadb:10
...
`,
    options: { proxyNetwork: "proxy" },
    expected: `---
services:
  app:
    image: wordpress
    environment: {VIRTUAL_HOST: example.com}
    networks:
      - internal
      - proxy
  db:
    image: mariadb:10
    networks:
      - internal
networks:
  internal:
    driver: bridge
  proxy:
    external: true
...
`,
    check: (r) => {
      expect(r.status).toBe("changed");
      expect(r.output).toMatch(/    external: true\n\.\.\.\n$/);
    },
  },
  {
    name: "an anchored top-level networks block used elsewhere is left alone",
    input: `networks: &nets
  proxy:
    external: true
x-copy: *nets
services:
  app:
    image: myapp
    environment: [VIRTUAL_HOST=a]
    networks: [proxy]
  db:
    image: postgres
    networks: [proxy]
`,
    expected: "same",
    check: (r) => {
      expect(r.status).toBe("skipped");
      expect(r.reason).toMatch(/&nets/);
    },
  },
  {
    name: "an anchored environment block does not stop a networks key after it",
    input: `services:
  app:
    image: x
    environment: &env
      VIRTUAL_HOST: a
  db:
    image: mariadb
    environment: *env
`,
    options: { proxyNetwork: "proxy" },
    expected: `services:
  app:
    image: x
    environment: &env
      VIRTUAL_HOST: a
    networks:
      - internal
      - proxy
  db:
    image: mariadb
    environment: *env
    networks:
      - internal
networks:
  internal:
    driver: bridge
  proxy:
    external: true
`,
    check: (r) => expect(r.status).toBe("changed"),
  },
  {
    name: "services that come through a merge key are skipped with a reason",
    input: `x-more: &more
  cache: {image: redis, networks: [proxy]}
services:
  <<: *more
  app:
    image: x
`,
    expected: "same",
    check: (r) => {
      expect(r.status).toBe("skipped");
      expect(r.reason).toMatch(/merge key/);
    },
  },
  {
    name: "an empty networks list means the default network",
    input: `services:
  app:
    image: myapp
    environment: [VIRTUAL_HOST=a]
    networks: []
  db:
    image: postgres
    ports: ["5432:5432"]
    networks: []
`,
    options: { proxyNetwork: "proxy" },
    expected: `services:
  app:
    image: myapp
    environment: [VIRTUAL_HOST=a]
    networks: [internal, proxy]
  db:
    image: postgres
    # ports: ["5432:5432"]
    networks: [internal]
networks:
  internal:
    driver: bridge
  proxy:
    external: true
`,
    check: (_r, data) => {
      expect(data.services.app.networks).toEqual(["internal", "proxy"]);
      expect(data.services.db.networks).toEqual(["internal"]);
    },
  },
  {
    name: "mixed line endings: each new line takes the ending of the line it follows",
    input:
      "services:\n  app:\r\n    image: x\r\n    environment: {VIRTUAL_HOST: a}\r\n    networks:\r\n      - proxy\r\n  db:\r\n    image: redis\r\n    networks:\r\n      - proxy\r\nnetworks:\r\n  proxy:\r\n    external: true\r\n",
    expected:
      "services:\n  app:\r\n    image: x\r\n    environment: {VIRTUAL_HOST: a}\r\n    networks:\r\n      - proxy\r\n      - internal\r\n  db:\r\n    image: redis\r\n    networks:\r\n      - internal\r\nnetworks:\r\n  internal:\r\n    driver: bridge\r\n  proxy:\r\n    external: true\r\n",
    check: (r) => {
      expect(r.status).toBe("changed");
      expect(r.output).toContain("networks:\r\n  internal:\r\n    driver: bridge\r\n  proxy:\r\n");
      expect(r.output).toContain("      - proxy\r\n      - internal\r\n");
    },
  },
  {
    name: "a comment left of a ports block keeps its place when the block is commented out",
    input: `services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
    ports:
# old port
      - "80:80"
`,
    options: { proxyNetwork: "proxy" },
    expected: `services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
    # ports:
# # old port
    #   - "80:80"
    networks:
      - proxy
networks:
  proxy:
    external: true
`,
    check: (r) => expect(r.output).toContain('    # ports:\n# # old port\n    #   - "80:80"\n'),
  },
  {
    name: "a one-line flow networks list with a comment after it is edited",
    input: `services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
    networks: [proxy] # the proxy
  db:
    image: postgres
    networks: [proxy]   # not for long
networks:
  proxy: {external: true}
`,
    expected: `services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
    networks: [proxy, internal] # the proxy
  db:
    image: postgres
    networks: [internal]   # not for long
networks:
  internal:
    driver: bridge
  proxy: {external: true}
`,
    check: (r) => {
      expect(r.status).toBe("changed");
      expect(r.output).toContain("    networks: [internal]   # not for long\n");
    },
  },
  {
    name: "an image given through a variable's default is recognised",
    input: `services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
    networks: [proxy]
  db:
    image: \${DB_IMAGE:-postgres:15}
    networks: [proxy]
networks:
  proxy: {external: true}
`,
    expected: `services:
  app:
    image: x
    environment: {VIRTUAL_HOST: a}
    networks: [proxy, internal]
  db:
    image: \${DB_IMAGE:-postgres:15}
    networks: [internal]
networks:
  internal:
    driver: bridge
  proxy: {external: true}
`,
    check: (r) => expect(r.services.db.role).toBe("database"),
  },
  {
    name: "a routed data store is moved, with a warning",
    input: `services:
  app:
    image: x
    labels: [traefik.enable=true]
    networks: [proxy]
  influx:
    image: influxdb:2
    labels: [traefik.enable=true]
    networks: [proxy]
networks:
  proxy: {external: true}
`,
    expected: `services:
  app:
    image: x
    labels: [traefik.enable=true, traefik.docker.network=proxy]
    networks: [proxy, internal]
  influx:
    image: influxdb:2
    labels: [traefik.enable=true]
    networks: [internal]
networks:
  internal:
    driver: bridge
  proxy: {external: true}
`,
    check: (r) =>
      expect(r.warnings.map(warningText).join("\n")).toMatch(
        /influx: has proxy routing but is a data store/,
      ),
  },
  {
    name: "two candidate proxy networks: the proxy-like one wins, and the choice is reported",
    input: `services:
  app:
    image: x
    labels: [traefik.enable=true]
    networks: [monitoring, traefik]
  db:
    image: postgres
    networks: [monitoring, traefik]
networks:
  monitoring: {external: true}
  traefik: {external: true}
`,
    expected: `services:
  app:
    image: x
    labels: [traefik.enable=true, traefik.docker.network=traefik]
    networks: [monitoring, traefik, internal]
  db:
    image: postgres
    networks: [internal]
networks:
  internal:
    driver: bridge
  monitoring: {external: true}
  traefik: {external: true}
`,
    check: (r) => {
      expect(r.output).toContain("traefik.docker.network=traefik");
      expect(r.warnings.map(warningText).join("\n")).toMatch(
        /took `traefik` for the proxy network; `monitoring` could be it too/,
      );
    },
  },
];

describe.each(cases)("$name", ({ input, options, expected, check }) => {
  const opts = { ...DEFAULT_PLAN_OPTIONS, ...options };
  const result = rewriteText(input, "compose.yaml", opts);
  const data = parse(result.output, { merge: true }) as Dict;

  test("gives exactly the expected text", () => {
    expect(result.output).toBe(expected === "same" ? input : expected);
    expect(result.status === "changed").toBe(expected !== "same");
  });

  test("does what it should", () => check(result, data));

  test("never an engine error; a changed file holds the invariants, reads the same in YAML 1.1, and stays", () => {
    expect(result.error?.code).not.toBe("verify-failed");
    if (result.status !== "changed") {
      expect(result.output).toBe(input);
      return;
    }
    expect(parse(result.output, { version: "1.1", merge: true })).toEqual(data);
    const putBehind = opts.proxyNetwork !== undefined || opts.virtualHost !== undefined;
    expect(invariantsOfResult(input, result, putBehind)).toEqual([]);
    const again = rewriteText(result.output, "compose.yaml", opts);
    expect(again.status).not.toBe("changed");
  });
});

test("a file that is not UTF-8 is reported at its first bad byte", () => {
  const bytes = Buffer.concat([
    Buffer.from("services:\n  app:\n    image: x # caf"),
    Buffer.from([0xe9, 0x0a]),
  ]);
  expect(decodeUtf8(bytes)).toEqual({ line: 3, col: 19 });
  expect(decodeUtf8(Buffer.from("\ufeffa: 1\n"))).toBe("\ufeffa: 1\n");
});

test("a path with a space ends its diff header with a tab, as git writes it", () => {
  const diff = unifiedDiff("my app/compose.yaml", "a: 1\n", "a: 2\n");
  expect(diff.split("\n").slice(0, 2)).toEqual([
    "--- a/my app/compose.yaml\t",
    "+++ b/my app/compose.yaml\t",
  ]);
});
