import type { ComposeModel } from "../../compose/model";

/** Keys of a service's `deploy:` that only swarm reads (Compose ignores them or has no use for them). */
const SWARM_DEPLOY_KEYS = [
  "placement",
  "mode",
  "update_config",
  "rollback_config",
  "endpoint_mode",
  "labels",
];

/**
 * Why a file is meant for `docker stack deploy`, if it is: a network with the `overlay` driver,
 * or a service whose `deploy:` holds what only swarm reads (placement, mode, labels, update and
 * rollback settings, endpoint mode). `deploy.replicas` and `deploy.resources`, which Compose
 * honours too, say nothing either way.
 */
export function swarmEvidence(model: ComposeModel): string | undefined {
  const networks = model.file.data.networks;
  if (networks && typeof networks === "object") {
    for (const [key, cfg] of Object.entries(networks as Record<string, unknown>)) {
      if (cfg && typeof cfg === "object" && (cfg as Record<string, unknown>).driver === "overlay") {
        return `network \`${key}\` uses the overlay driver`;
      }
    }
  }
  for (const service of model.services) {
    const deploy = service.data.deploy;
    if (!deploy || typeof deploy !== "object") continue;
    const key = SWARM_DEPLOY_KEYS.find((k) => (deploy as Record<string, unknown>)[k] != null);
    if (key) return `service \`${service.name}\` sets deploy.${key}`;
  }
  return undefined;
}
