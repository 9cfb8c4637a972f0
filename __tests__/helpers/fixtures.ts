/** A wiki behind nginx-proxy with the proxy network as its default: the seed's second form. */
export const WIKI_BEHIND_PROXY = `services:
  app:
    image: ghcr.io/example/wiki:3
    environment:
      VIRTUAL_HOST: wiki.example.org
  db:
    image: postgres:16
networks:
  default:
    external:
      name: proxy
`;

/** The same wiki that still publishes its port. */
export const WIKI_WITH_PORT = WIKI_BEHIND_PROXY.replace(
  "      VIRTUAL_HOST: wiki.example.org\n",
  '      VIRTUAL_HOST: wiki.example.org\n    ports:\n      - "8080:80"\n',
);
