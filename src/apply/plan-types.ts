import type { EndpointSpec, NetworkSpec } from "./engine";

/** A file the apply rewrites: where it is, and digests of what it holds before and after. */
export interface FileChange {
  /** Absolute path. */
  path: string;
  /** As paths are shown. */
  shown: string;
  before: string;
  after: string;
}

/** A container by name and id, with the service it runs. */
export interface ContainerRef {
  container: string;
  id: string;
  service: string;
}

/** One thing the apply does to a project, in order, with why. */
export type Step =
  | { kind: "write-files"; files: FileChange[]; why: string }
  | { kind: "create-network"; network: NetworkSpec; why: string }
  | (ContainerRef & { kind: "connect"; network: string; endpoint: EndpointSpec; why: string })
  | (ContainerRef & { kind: "reconnect"; network: string; endpoint: EndpointSpec; why: string })
  | {
      kind: "replace-network";
      network: NetworkSpec;
      /** The containers on it, each put back with the endpoint its files give it there. */
      members: (ContainerRef & { endpoint: EndpointSpec })[];
      why: string;
    }
  | { kind: "recreate"; services: string[]; containers: ContainerRef[]; why: string[] }
  | (ContainerRef & { kind: "disconnect"; network: string; why: string });

export type StepKind = Step["kind"];

/** What the apply proves of a project once its steps are done, before it goes on. */
export type Check =
  | {
      kind: "networks";
      /** Each running service with the networks (and its names there) its files give it. */
      services: { service: string; networks: { network: string; aliases: string[] }[] }[];
    }
  | {
      kind: "proxy-reaches-app";
      service: string;
      network: string;
      port: number;
      /** The proxy's container the probe runs in. */
      via: string;
    }
  | { kind: "app-reaches-database"; app: string; database: string; port: number }
  | {
      kind: "database-isolated";
      database: string;
      port?: number;
      /** A container of another project the probe runs in, when there is one. */
      via?: string;
    }
  | {
      kind: "healthy";
      /** Services whose containers ran before and run after; `health`: they were healthy and are again. */
      services: { service: string; health: boolean }[];
    };

export type CheckKind = Check["kind"];

/** Why a project is applied, left as it is, or refused. */
export type ProjectStatus =
  /** its containers are changed as the steps say */
  | "change"
  /** its containers already run as its files say */
  | "up-to-date"
  /** none of its containers runs: its next `up` makes them as the files say */
  | "not-running"
  /** the apply cannot carry it out safely; nothing of it is touched */
  | "refused"
  /** its files cannot be read or rewritten */
  | "error";

/** The digests a saved plan is checked against before it is carried out. */
export interface Seen {
  /** Each file of the project by absolute path, with the digest of what it held. */
  files: Record<string, string>;
  /** The project's containers: ids, state, networks and names there. */
  containers: string;
  /** The networks its files name, as the engine has them. */
  networks: string;
}

export interface ProjectPlan {
  /** The Compose project name (its containers' label, else the one its files give). */
  name: string;
  /** Its directory, as paths are shown. */
  dir: string;
  /** Its files, as paths are shown. */
  files: string[];
  status: ProjectStatus;
  reason: string;
  /** Running containers of the project. */
  containers: number;
  steps: Step[];
  checks: Check[];
  /** What the user should know: what a later `docker compose up -d` does, ports still published, ... */
  notes: string[];
  /** Projects applied together with it (next to it in the plan): changed, then proved, as one. */
  together?: string[];
  seen: Seen;
}

/** A plan as printed with `--json` and saved with `--plan-file`. */
export interface ApplyPlan {
  format: "composemod-apply-plan";
  version: 1;
  composemod: string;
  createdAt: string;
  /** The engine it was made against. */
  engine: string;
  /** The paths it was made for, absolute. */
  paths: string[];
  /** The working directory paths are shown from. */
  cwd: string;
  /** Whether the apply rewrites the files first (`--write`). */
  write: boolean;
  /** The rewrite's options it was made with (with `--write`, what the files become depends on them). */
  options: Record<string, unknown>;
  /** The Compose that recreates containers, when the host has one. */
  compose?: string;
  projects: ProjectPlan[];
  summary: PlanSummary;
}

export interface PlanSummary {
  projects: number;
  change: number;
  upToDate: number;
  notRunning: number;
  refused: number;
  errors: number;
  networksCreated: number;
  containersReconnected: number;
  containersRecreated: number;
}
