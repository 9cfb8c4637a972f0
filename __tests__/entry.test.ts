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
