import { classifyText } from "./helpers/classify";

describe("routing variables passed through or left empty", () => {
  const anchored = `x-app: &app
  image: ghcr.io/example/desk:7
  environment:
    DATABASE_URL: postgres://desk@db/desk
    VIRTUAL_HOST:
    VIRTUAL_PORT:
services:
  desk-init:
    <<: *app
    command: ["desk-init"]
  desk-web:
    <<: *app
    command: ["desk-web"]
  desk-nginx:
    <<: *app
    command: ["desk-nginx"]
    ports:
      - "8080:8080"
  desk-jobs:
    <<: *app
    command: ["desk-jobs"]
  db:
    image: postgres:16
`;

  test("a key passed through from an environment that gives it no value routes nothing, and an anchor that hands it to many says nothing", () => {
    const { roles, warnings } = classifyText(anchored);
    expect(roles).toEqual({
      "desk-init": "backend [backend]",
      "desk-web": "backend [backend]",
      "desk-nginx": "app [web-port]",
      "desk-jobs": "backend [backend]",
      db: "database [database]",
    });
    expect(warnings).toEqual([]);
  });

  test("the project's variables give a passed-through key its value", () => {
    const text = `services:
  blog:
    image: ghcr.io/example/blog:2
    environment:
      - VIRTUAL_HOST
  db:
    image: mariadb:11
`;
    const routed = classifyText(text, { VIRTUAL_HOST: "blog.example.org" });
    expect(routed.roles.blog).toBe("app [routed]");
    expect(routed.of("blog").reason).toBe(
      "routed by the proxy: VIRTUAL_HOST environment (nginx-proxy)",
    );
    expect(routed.of("blog").routingUncertain).toBe(false);
    // without a value it routes nothing, but it is still the one service the author wrote it on
    const unset = classifyText(text);
    expect(unset.roles.blog).toBe("app [empty-routing]");
    expect(unset.of("blog").routing).toBeUndefined();
    expect(unset.of("blog").reason).toBe(
      "VIRTUAL_HOST passed through from an environment that gives it no value, on no other service: routing written for the user to fill in says it is the entry",
    );
  });

  test("an empty VIRTUAL_HOST on exactly one service says it is the entry, over a published web port", () => {
    const text = `services:
  cloud:
    image: nextcloud:apache
    environment:
      - VIRTUAL_HOST=
      - LETSENCRYPT_HOST=
  office:
    image: collabora/code
    ports:
      - "9980:9980"
  admin:
    image: ghcr.io/example/admin
    ports:
      - "8080:80"
`;
    const { roles, of } = classifyText(text);
    expect(roles).toEqual({
      cloud: "app [empty-routing]",
      office: "backend [backend]",
      admin: "backend [backend]",
    });
    expect(of("cloud").reason).toBe(
      "an empty VIRTUAL_HOST, on no other service: routing written for the user to fill in says it is the entry",
    );
  });

  test("an empty VIRTUAL_HOST on two services says nothing of either", () => {
    const text = `services:
  a:
    image: x/a
    environment: ["VIRTUAL_HOST="]
  b:
    image: x/b
    environment: ["VIRTUAL_HOST="]
    ports: ["8080:80"]
`;
    expect(classifyText(text).roles).toEqual({ a: "backend [backend]", b: "app [web-port]" });
  });
});

describe("one host name on different paths", () => {
  test("nginx-proxy's VIRTUAL_PATH: a web app and its streaming API are both apps", () => {
    const text = `services:
  web:
    image: ghcr.io/example/social:4
    environment:
      - VIRTUAL_HOST=social.example.org
      - VIRTUAL_PATH=/
  streaming:
    image: ghcr.io/example/social-streaming:4
    environment:
      - VIRTUAL_HOST=social.example.org
      - VIRTUAL_PATH=/api/v1/streaming
  sidekiq:
    image: ghcr.io/example/social:4
    command: bundle exec sidekiq
`;
    const { roles, warnings } = classifyText(text);
    expect(roles).toEqual({
      web: "app [routed]",
      streaming: "app [routed]",
      sidekiq: "backend [backend]",
    });
    expect(warnings).toEqual([]);
  });

  test("Traefik's PathPrefix: the same host under another path is another endpoint", () => {
    const text = `services:
  front:
    image: x/front
    labels:
      - traefik.http.routers.front.rule=Host(\`app.example.org\`)
  api:
    image: x/api
    labels:
      - traefik.http.routers.api.rule=Host(\`app.example.org\`) && PathPrefix(\`/api\`)
`;
    const { roles, warnings } = classifyText(text);
    expect(roles).toEqual({ front: "app [routed]", api: "app [routed]" });
    expect(warnings).toEqual([]);
  });

  test("VIRTUAL_HOST_MULTIPORTS: the paths under a host are its endpoints", () => {
    const text = `services:
  app:
    image: x/app
    environment:
      VIRTUAL_HOST_MULTIPORTS: |-
        app.example.org:
          "/": 80
  admin:
    image: x/admin
    environment:
      VIRTUAL_HOST_MULTIPORTS: |-
        app.example.org:
          "/admin": 9000
`;
    const { roles, warnings } = classifyText(text);
    expect(roles).toEqual({ app: "app [routed]", admin: "app [routed]" });
    expect(warnings).toEqual([]);
  });

  test("the same host and path on two different services is still a conflict", () => {
    const text = `services:
  web:
    image: x/web
    environment: [VIRTUAL_HOST=app.example.org, VIRTUAL_PATH=/api]
    ports: ["8080:80"]
  worker:
    image: x/worker
    environment: [VIRTUAL_HOST=app.example.org, VIRTUAL_PATH=/api]
`;
    const { roles, of, warnings } = classifyText(text);
    expect(roles).toEqual({ web: "app [routed]", worker: "backend [routing-shared]" });
    expect(of("worker").reason).toBe(
      "its routing to app.example.org/api is shared with `web`, the app; a backend here",
    );
    expect(warnings).toEqual([
      "`web`, `worker` all answer app.example.org/api; `web` is taken for the app and the others for backends (give one --app NAME to choose)",
    ]);
  });

  test("without routing, every service that publishes a web port on loopback only is an entry for a proxy on the host", () => {
    const text = `services:
  web:
    image: ghcr.io/example/social:4
    ports: ["127.0.0.1:3000:3000"]
  streaming:
    image: ghcr.io/example/social-streaming:4
    ports: ["127.0.0.1:4000:4000"]
  sidekiq:
    image: ghcr.io/example/social:4
    command: bundle exec sidekiq
  db:
    image: postgres:14
`;
    const { roles, of } = classifyText(text);
    expect(roles).toEqual({
      web: "app [loopback-web-port]",
      streaming: "app [loopback-web-port]",
      sidekiq: "backend [backend]",
      db: "database [database]",
    });
    expect(of("streaming").reason).toBe(
      "publishes web port 4000 on loopback only, for a proxy on the host, and nothing in the project has proxy routing",
    );
  });

  test("a bundled web server is the entry before a port kept on loopback for the host", () => {
    const text = `services:
  nginx:
    image: nginx
    expose: ["80"]
  debug:
    image: busybox
    command: httpd -f -p 8000
    ports: ["127.0.0.1:8001:8000"]
`;
    expect(classifyText(text).roles).toEqual({
      nginx: "app [web-server]",
      debug: "backend [backend]",
    });
  });
});

describe("with no port and no routing anywhere", () => {
  test("the one service beside the data stores is the entry, by elimination", () => {
    const text = `services:
  analytics:
    image: ghcr.io/example/analytics:2
    command: sh -c "/entrypoint.sh db migrate && /entrypoint.sh run"
    depends_on: [analytics_db, events_db]
  analytics_db:
    image: postgres:16-alpine
  events_db:
    image: clickhouse/clickhouse-server:24
`;
    const { roles, of } = classifyText(text);
    expect(roles.analytics).toBe("app [sole-service]");
    expect(of("analytics").reason).toBe(
      "the one service that is no data store, worker or job, in a project without ports or routing: the entry by elimination (weak evidence; an app keeps its place on a proxy network)",
    );
  });

  test("a lone service is its project's entry", () => {
    expect(classifyText("services:\n  reader:\n    image: ghcr.io/example/rss\n").roles).toEqual({
      reader: "app [sole-service]",
    });
  });

  test.each([
    ["a worker by its command", "sync", 'command: ["celery", "-A", "shop", "worker"]'],
    ["a worker by its name", "queue-worker", "init: true"],
    ["a one-shot job by its name", "db-migrate", "init: true"],
    ["a one-shot job by its restart policy", "sync", "restart: on-failure"],
    ["an idle placeholder", "sync", "command: sleep infinity"],
    ["a job that prints and exits", "sync", 'command: ["echo", "done"]'],
    ["an optional part, started with a profile only", "sync", "profiles: [debug]"],
    ["a provider service, which runs no container", "sync", "provider: {type: model}"],
    ["a service the proxy must not route to", "sync", 'labels: ["traefik.enable=false"]'],
  ])("%s is no entry: a database and it make no app", (_what, name, line) => {
    const text = `services:
  ${name}:
    image: x/shop
    ${line}
  db:
    image: postgres:16
`;
    expect(classifyText(text).roles).toEqual({
      [name]: "backend [backend]",
      db: "database [database]",
    });
  });

  test("a port anywhere in the project, a data store's too, leaves the election to the port rules", () => {
    const text = `services:
  etl:
    image: x/etl
  broker:
    image: redpanda:v22
    ports: ["8082:8082"]
`;
    expect(classifyText(text).roles).toEqual({
      etl: "backend [backend]",
      broker: "database [database]",
    });
  });
});

describe("already on the proxy's network", () => {
  const text = `services:
  db_recipes:
    image: postgres:16-alpine
    networks: [default]
  web_recipes:
    image: ghcr.io/example/recipes
    networks: [default, nginx-proxy]
  worker:
    image: ghcr.io/example/recipes
    command: celery worker
networks:
  default:
  nginx-proxy:
    external:
      name: nginx-proxy
`;

  test("the one service on an external network named like a proxy's, the rest on their own, is the app", () => {
    const { roles, of } = classifyText(text);
    expect(roles).toEqual({
      db_recipes: "database [database]",
      web_recipes: "app [proxy-network]",
      worker: "backend [backend]",
    });
    expect(of("web_recipes").reason).toBe(
      "already on `nginx-proxy`, an external network named like a proxy's, which the rest of the project is not on",
    );
  });

  test("a network every service is on says nothing of which one is the app", () => {
    const all = `services:
  a:
    image: x/a
    ports: ["8080:80"]
  b:
    image: x/b
networks:
  default:
    external: true
    name: proxy
`;
    expect(classifyText(all).roles).toEqual({ a: "app [web-port]", b: "backend [backend]" });
  });

  test("a network named for something else (monitoring) is no proxy's", () => {
    // the service is still the project's entry, by elimination only
    const other = text.replaceAll("nginx-proxy", "monitoring");
    expect(classifyText(other).roles.web_recipes).toBe("app [sole-service]");
  });
});

describe("ports of a service commented out whole", () => {
  test("belong to that service, not to the one whose block it follows", () => {
    const text = `services:
  filter:
    image: ghcr.io/example/filter
    environment:
      TARGET: http://web:8000

#  caddy:
#    image: caddy
#    ports:
#      - "80:80"
#      - "443:443"

  flower:
    image: x/flower
    ports:
      - "5555:5555"
`;
    const { roles } = classifyText(text);
    expect(roles.filter).toBe("backend [backend]");
    expect(roles.flower).toBe("app [only-port]");
  });

  test("ports the service's own block comments out still count", () => {
    const text = `services:
  app:
    image: x/app
    # ports:
    #   - "8080:80"
  worker:
    image: x/app
    command: worker
`;
    expect(classifyText(text).roles.app).toBe("app [web-port]");
  });
});
