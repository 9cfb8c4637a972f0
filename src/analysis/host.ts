import type { LoadedProject } from "../compose/load-project";
import type { Diagnostic } from "../base/diagnostic";
import type { Classification } from "./roles/types";
import type { Plan } from "./plan/types";

/** A project of a host as Compose sees it, with its roles and the rewrite's plan. */
export interface HostProject {
  /** The project name as Compose computes it. */
  name: string;
  dir: string;
  loaded: LoadedProject;
  roles: Map<string, Classification>;
  plan: Plan;
  /** Files of the project that could not be read, when some could not: the rewrite leaves the project alone. */
  unread?: string;
}

/** Every project under the paths of a run, and the files that could not be read. */
export interface Host {
  projects: HostProject[];
  errors: Diagnostic[];
}
