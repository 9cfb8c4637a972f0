import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:net";
import * as path from "node:path";
import { composeRejects } from "./compose";
import { mapLimit } from "./exec";
import { StandinService, toStandinCompose } from "./standin-compose";

/** A project of the host: where its compose file comes from and what it stands for. */
export interface ProjectSpec {
  /** Its directory's name, which is also its Compose project name. */
  name: string;
  /** `corpus:<path>` in the shared corpus, or `repo:<path>` in this repository. */
  source: string;
  about: string;
}

/** The host the suite builds: the article's wiki and the stacks a self-hoster keeps beside it. */
export const HOST_PROJECTS: ProjectSpec[] = [
  {
    name: "wiki",
    source: "repo:examples/article-2-behind-proxy/docker-compose.yml",
    about: "the article's MediaWiki and MariaDB, the proxy network as default network",
  },
  {
    name: "wiki-migrated",
    source: "repo:examples/already-migrated/docker-compose.yml",
    about: "already migrated (internal network and proxy), service names as in wiki",
  },
  {
    name: "gitea",
    source: "repo:examples/map-networks-aliases/docker-compose.yml",
    about: "map-style networks with aliases; services app, database, cache",
  },
  {
    name: "pads",
    source: "repo:e2e/fixtures/pads/docker-compose.yml",
    about: "services app and db, as in gitea and wordpress; a link alias",
  },
  {
    name: "blog",
    source: "repo:examples/environment-list/docker-compose.yml",
    about: "Ghost with its environment as a list",
  },
  {
    name: "cloud",
    source: "repo:examples/traefik-labels-list/docker-compose.yml",
    about: "Traefik labels as a list; a cron backend",
  },
  {
    name: "nextcloud",
    source: "corpus:haxxnet/nextcloud/docker-compose-mariadb-redis.yml",
    about: "Nextcloud, MariaDB and Redis, put behind the proxy",
  },
  {
    name: "wordpress",
    source: "corpus:awesome-compose/wordpress-mysql/compose.yaml",
    about: "WordPress and its db, put behind the proxy",
  },
  {
    name: "paperless",
    source: "corpus:runtipi/paperless-ngx/docker-compose.yml",
    about: "Traefik-routed; workers (gotenberg, tika) and a cache (broker)",
  },
  {
    name: "immich",
    source: "corpus:haxxnet/immich/docker-compose.yml",
    about: "half migrated: machine learning worker on the proxy, an internal: true network",
  },
  {
    name: "react-rust-postgres",
    source: "corpus:awesome-compose/react-rust-postgres/compose.yaml",
    about: "a top-level name:, which Compose 1.29 does not run",
  },
];

export interface HostProject {
  name: string;
  about: string;
  source: string;
  dir: string;
  file: string;
  services: StandinService[];
  /** Why Compose 1.29 cannot run it (`config -q` refused it), when it cannot. */
  notRunnable?: string;
}

export interface Host {
  dir: string;
  projects: HostProject[];
  /** Sources that could not be read (no corpus beside the repository). */
  missing: string[];
  /** Every image name the host's files use. */
  images: string[];
}

/** The shared corpus: $COMPOSEMOD_CORPUS, else ../shared/corpus beside the repository. */
export function corpusDir(repoRoot: string): string | undefined {
  const candidates = [
    process.env.COMPOSEMOD_CORPUS,
    path.resolve(repoRoot, "..", "shared", "corpus"),
  ];
  return candidates.find((p): p is string => !!p && existsSync(p) && statSync(p).isDirectory());
}

/**
 * Writes the stand-in of each project into `dir/<name>/` (a compose file name the source had,
 * else docker-compose.yml) and notes which ones Compose refuses. Corpus sources are only read.
 */
export async function buildHost(
  dir: string,
  specs: ProjectSpec[],
  options: { repoRoot: string; corpus?: string; proxyNetwork: string; env: NodeJS.ProcessEnv },
): Promise<Host> {
  const ports = await freeLoopbackPorts(200);
  const hostPort = () => {
    const port = ports.shift();
    if (port === undefined) throw new Error("out of free loopback ports");
    return port;
  };
  const projects: HostProject[] = [];
  const missing: string[] = [];
  for (const spec of specs) {
    const [kind, rel] = spec.source.split(/:(.*)/s);
    const base = kind === "corpus" ? options.corpus : options.repoRoot;
    const sourcePath = base && path.join(base, rel);
    if (!sourcePath || !existsSync(sourcePath)) {
      missing.push(spec.source);
      continue;
    }
    const standin = toStandinCompose(readFileSync(sourcePath, "utf8"), {
      project: spec.name,
      proxyNetwork: options.proxyNetwork,
      hostPort,
      origin: spec.source,
    });
    const fileName = /^(docker-)?compose\.ya?ml$/.test(path.basename(rel))
      ? path.basename(rel)
      : "docker-compose.yml";
    const projectDir = path.join(dir, spec.name);
    mkdirSync(projectDir, { recursive: true });
    const file = path.join(projectDir, fileName);
    writeFileSync(file, standin.text);
    projects.push({
      name: spec.name,
      about: spec.about,
      source: spec.source,
      dir: projectDir,
      file,
      services: standin.services,
    });
  }
  await mapLimit(projects, 4, async (project) => {
    project.notRunnable = await composeRejects(project.file, options.env);
  });
  const images = [...new Set(projects.flatMap((p) => p.services.map((s) => s.image)))].sort();
  return { dir, projects, missing, images };
}

/** Distinct loopback ports free right now, chosen by the kernel. */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
      });
      const address = server.address();
      if (address && typeof address === "object") ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}
