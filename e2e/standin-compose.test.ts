import { parse } from "yaml";
import { containerPort, standinImageName, toStandinCompose } from "./standin-compose";

const standin = (text: string) => {
  let port = 40000;
  const file = toStandinCompose(text, {
    project: "p",
    proxyNetwork: "proxy",
    hostPort: () => port++,
  });
  return { ...file, doc: parse(file.text) };
};

describe("the stand-in of a compose file", () => {
  test("keeps what decides networks and roles, drops the rest, serves the identity", () => {
    const { doc, services } = standin(`
services:
  app:
    image: ghcr.io/x/app:\${TAG:-2}
    container_name: fixed
    volumes: [./data:/data]
    env_file: .env
    healthcheck: { test: "true" }
    environment:
      - VIRTUAL_HOST=app.example.org
      - SECRET=1
    labels: { traefik.enable: "true" }
    depends_on: { db: { condition: service_healthy } }
    links: [db:database]
    ports: ["8080:3000", "2222:22/udp"]
  db:
    image: postgres:16@sha256:${"a".repeat(64)}
    networks: { back: { aliases: [pg], ipv4_address: 10.0.0.5 } }
networks:
  back: { driver: bridge, ipam: { config: [{ subnet: 10.0.0.0/24 }] } }
volumes: { data: {} }
`);
    expect(doc.services.app).toEqual({
      image: "ghcr.io/x/app:2",
      environment: ["VIRTUAL_HOST=app.example.org"],
      labels: { "traefik.enable": "true" },
      depends_on: ["db"],
      links: ["db:database"],
      ports: ["127.0.0.1:40000:3000", "127.0.0.1:40001:22/udp"],
      entrypoint: ["/bin/sh", "-c", expect.stringContaining("echo 'p/app'")],
    });
    expect(doc.services.db.networks).toEqual({ back: { aliases: ["pg"] }, default: null });
    expect(doc.volumes).toBeUndefined();
    expect(services.map((s) => [s.name, s.image, s.port])).toEqual([
      ["app", "ghcr.io/x/app:2", 3000],
      ["db", "postgres:16", 5432],
    ]);
  });

  test("a file on no shared network is put behind the proxy as the article does", () => {
    const { doc } = standin("services:\n  web:\n    image: nginx\n");
    expect(doc.networks).toEqual({ default: { external: { name: "proxy" } } });
    expect(doc.services.web.networks).toBeUndefined();
  });

  test("a file already on an external network is pointed at the proxy network, not changed", () => {
    const { doc } = standin(`
services:
  web: { image: nginx, networks: [web, back] }
  db: { image: mariadb, networks: [back] }
networks:
  web: { external: true }
  back: { internal: true }
`);
    expect(doc.networks).toEqual({
      web: { external: true, name: "proxy" },
      back: { internal: true },
    });
    expect(doc.services.db.networks).toEqual(["back"]);
  });

  test("a network used but not declared is the proxy network", () => {
    const { doc } = standin("services:\n  web:\n    image: nginx\n    networks: [tipi]\n");
    expect(doc.networks).toEqual({ tipi: { external: true, name: "proxy" } });
  });

  test("a port of its own: VIRTUAL_PORT, a Traefik service port, a published or exposed port, the image's", () => {
    const ports = standin(`
services:
  a: { image: x, environment: { VIRTUAL_PORT: "9001" }, ports: ["80:80"] }
  b: { image: x, labels: [traefik.http.services.b.loadbalancer.server.port=8000] }
  c: { image: x, expose: ["2283"] }
  d: { image: docker.io/library/redis:8 }
  e: { build: . }
`).services.map((s) => [s.name, s.port, s.image]);
    expect(ports).toEqual([
      ["a", 9001, "x"],
      ["b", 8000, "x"],
      ["c", 2283, "x"],
      ["d", 6379, "docker.io/library/redis:8"],
      ["e", 80, "composemod-e2e/p-e"],
    ]);
  });

  test("image names and container ports are read as Compose reads them", () => {
    expect(standinImageName("mediawiki:${WIKI_VERSION}", "f")).toBe("mediawiki");
    expect(standinImageName("${REGISTRY}/x", "f")).toBe("f");
    expect(containerPort("127.0.0.1:${PORT:-5432}:5432")).toEqual({ port: 5432, protocol: "tcp" });
    expect(containerPort({ target: 80, published: 8080 })).toEqual({ port: 80, protocol: "tcp" });
    expect(containerPort("8000-8010:8000-8010")).toBeUndefined();
  });
});
