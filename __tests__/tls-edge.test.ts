import { classifyText } from "./helpers/classify";

describe("a stack's own TLS edge", () => {
  test("a web server that publishes 443 with certbot beside it is the edge; what it forwards to is the app", () => {
    const text = `services:
  webserver:
    image: ghcr.io/example/video-webserver:latest
    ports:
      - "80:80"
      - "443:443"
    volumes:
      - certbot-www:/var/www/certbot
      - ./certbot/conf:/etc/letsencrypt
    depends_on:
      - video
  certbot:
    image: certbot/certbot
    volumes:
      - ./certbot/conf:/etc/letsencrypt
      - certbot-www:/var/www/certbot
    entrypoint: /bin/sh -c "trap exit TERM; while :; do certbot renew --webroot -w /var/www/certbot; sleep 12h & wait $\${!}; done;"
  video:
    image: ghcr.io/example/video:production
    ports:
      - "1935:1935"
    depends_on: [postgres]
  postgres:
    image: postgres:13-alpine
volumes:
  certbot-www:
`;
    const { roles, of } = classifyText(text);
    expect(roles).toEqual({
      webserver: "proxy [tls-edge]",
      certbot: "proxy [acme-companion]",
      video: "app [edge-target]",
      postgres: "database [database]",
    });
    expect(of("webserver").reason).toBe(
      "the stack's own TLS edge: publishes 443 and serves TLS itself (mounts /etc/letsencrypt); a host proxy would replace it, not route to it",
    );
    expect(of("certbot").reason).toBe(
      "obtains the certificates of `webserver`, the stack's TLS edge: part of that edge",
    );
    expect(of("video").reason).toBe(
      "the stack's own edge `webserver` forwards to it (it depends on it)",
    );
  });

  test("an nginx that mounts its certificate and key files is the edge", () => {
    const text = `services:
  nginx:
    image: nginx:\${NGINX_IMAGE_TAG}
    depends_on: [chat]
    volumes:
      - \${NGINX_CONFIG_PATH}:/etc/nginx/conf.d:ro
      - \${NGINX_DHPARAMS_FILE}:/dhparams4096.pem
      - \${CERT_PATH}:/cert.pem:ro
      - \${KEY_PATH}:/key.pem:ro
    ports:
      - \${HTTPS_PORT}:443
      - \${HTTP_PORT}:80
  chat:
    ports:
      - \${CALLS_PORT}:\${CALLS_PORT}/udp
`;
    const { roles, of } = classifyText(text);
    expect(roles).toEqual({ nginx: "proxy [tls-edge]", chat: "app [edge-target]" });
    expect(of("nginx").reason).toContain("serves TLS itself (mounts /cert.pem)");
  });

  test("an ACME client sharing the web server's webroot makes it the edge", () => {
    const text = `services:
  web:
    image: nginx:alpine
    ports: ["80:80", "443:443"]
    volumes: ["webroot:/usr/share/nginx/html", "./conf:/etc/nginx/conf.d"]
    depends_on: [app]
  renew:
    image: neilpang/acme.sh
    volumes: ["webroot:/webroot"]
  app:
    image: x/app
volumes:
  webroot:
`;
    const { roles, of } = classifyText(text);
    expect(roles).toEqual({
      web: "proxy [tls-edge]",
      renew: "proxy [acme-companion]",
      app: "app [edge-target]",
    });
    expect(of("web").reason).toContain(
      "`renew` (neilpang/acme.sh) gets its certificates through webroot",
    );
  });

  test.each([
    [
      "a Caddy that only publishes 80/443 (its own data volume) is the stack's app",
      "image: caddy:2\n    volumes: [caddy_data:/data, ./Caddyfile:/etc/caddy/Caddyfile]",
    ],
    [
      "a web server with certificates that the proxy routes to is an app",
      "image: nginx\n    volumes: [./certs:/etc/nginx/certs]\n    environment: [VIRTUAL_HOST=a.example.org, VIRTUAL_PROTO=https]",
    ],
    [
      "an app that serves TLS itself is what a proxy routes to",
      "image: gitlab/gitlab-ce\n    volumes: [./ssl:/etc/gitlab/ssl]",
    ],
    [
      "a trust store is no served certificate",
      "image: nginx\n    volumes: [/etc/ssl/certs:/etc/ssl/certs:ro]",
    ],
  ])("%s", (_what, lines) => {
    const text = `services:
  front:
    ${lines}
    ports: ["80:80", "443:443"]
  db:
    image: postgres:16
`;
    expect(classifyText(text).roles.front).toMatch(/^app \[/);
  });

  test("an in-house ACME client is not known as one: the web server it feeds stays the app", () => {
    const text = `services:
  nginx-mail:
    image: ghcr.io/example/nginx:1.30
    ports: ["\${HTTPS_BIND:-}:\${HTTPS_PORT:-443}:\${HTTPS_PORT:-443}", "80:80"]
    volumes: ["./data/assets/ssl/:/etc/ssl/mail/:ro"]
  acme-mail:
    image: ghcr.io/example/acme:1.98
    volumes: ["./data/assets/ssl:/var/lib/acme/"]
`;
    expect(classifyText(text).roles).toEqual({
      "nginx-mail": "app [web-port]",
      "acme-mail": "backend [backend]",
    });
  });
});

describe("an nginx-proxy the stack builds itself", () => {
  const text = `services:
  db:
    image: postgres:alpine
  app:
    image: nextcloud:apache
    networks: [proxy-tier, default]
    depends_on: [db, proxy]
  cron:
    image: nextcloud:apache
    entrypoint: /cron.sh
  proxy:
    build: ./proxy
    ports: ["80:80", "443:443"]
    labels: ["com.github.jrcs.letsencrypt_nginx_proxy_companion.nginx_proxy"]
    volumes: ["certs:/etc/nginx/certs:ro", "/var/run/docker.sock:/tmp/docker.sock:ro"]
    networks: [proxy-tier]
  letsencrypt-companion:
    image: nginxproxy/acme-companion
    volumes: ["certs:/etc/nginx/certs", "/var/run/docker.sock:/var/run/docker.sock:ro"]
    networks: [proxy-tier]
networks:
  proxy-tier:
`;

  test("is a proxy by its companion label; the service on its network is what it routes to", () => {
    const { roles, of } = classifyText(text);
    expect(roles).toEqual({
      db: "database [database]",
      app: "app [edge-target]",
      cron: "backend [scheduled]",
      proxy: "proxy [proxy]",
      "letsencrypt-companion": "proxy [proxy]",
    });
    expect(of("proxy").reason).toBe(
      "an nginx-proxy built here (label com.github.jrcs.letsencrypt_nginx_proxy_companion.nginx_proxy)",
    );
    expect(of("app").reason).toBe("it shares `proxy-tier` with `proxy`, the stack's own edge");
  });

  test("a network other projects share says nothing of what the proxy forwards to", () => {
    const shared = `services:
  traefik:
    image: traefik:v3
    ports: ["80:80", "443:443"]
    networks: [default, metrics]
  dashboard:
    image: x/dashboard
    ports: ["8080:80"]
  exporter:
    image: x/exporter
    networks: [metrics]
networks:
  metrics:
    external: true
`;
    expect(classifyText(shared).roles).toEqual({
      traefik: "proxy [proxy]",
      dashboard: "app [web-port]",
      exporter: "backend [backend]",
    });
  });

  test("is a proxy by reading the containers from /tmp/docker.sock, without the label", () => {
    const unlabelled = text.replace(
      '    labels: ["com.github.jrcs.letsencrypt_nginx_proxy_companion.nginx_proxy"]\n',
      "",
    );
    const { of } = classifyText(unlabelled);
    expect(of("proxy").role).toBe("proxy");
    expect(of("proxy").reason).toBe(
      "reads the containers from /tmp/docker.sock as nginx-proxy does, and publishes 80, 443",
    );
  });
});
