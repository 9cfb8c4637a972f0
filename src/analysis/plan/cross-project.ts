import type { Membership, ServiceModel } from "../../compose/model";
import {
  answerersOf,
  HostService,
  namesOn,
  Reacher,
  reachersOf,
  sharedNetworkName,
} from "../host-index";
import type { PlanContext } from "./context";
import { ForeignReference, foreignReferences } from "./references";

/** Services of other projects that reach a service by one of its names on a network it is on. */
export function reachersOn(
  ctx: Pick<PlanContext, "model" | "project" | "options">,
  service: ServiceModel,
  m: Membership,
): Reacher[] {
  const network = sharedNetworkName(ctx.model, m.key, ctx.project, ctx.options.host);
  if (network === undefined) return [];
  return reachersOf(
    ctx.options.host,
    ctx.project,
    network,
    namesOn(ctx.project, service, m.settings),
  );
}

/** `backup/backup (environment MYSQL_HOST)`, the first few of them. */
export function describeReachers(reachers: readonly Reacher[]): string {
  const shown = reachers.slice(0, 3).map((r) => `\`${r.project}/${r.service}\` (${r.via})`);
  const more = reachers.length - shown.length;
  return shown.join(", ") + (more > 0 ? ` and ${more} more` : "");
}

/** A connection a service makes to a name its project does not define, and who answers it. */
export interface OutgoingReach {
  ref: ForeignReference;
  /** The services of other projects of the run that answer the name on the network; none when the run does not know. */
  answerers: HostService[];
}

/**
 * The connections a service makes over a network it is on to names its own project does not
 * define: only another project's container can answer those, and the service may need that
 * network for them. Where the run holds another project that answers the name there, it is
 * named; a run never holds all of a host for sure, so a name nobody of the run answers counts
 * too.
 */
export function outgoingOn(
  ctx: PlanContext,
  service: ServiceModel,
  m: Membership,
  own: ReadonlySet<string>,
  projectHasDataStore: boolean,
): OutgoingReach[] {
  const refs = foreignReferences(service, own, projectHasDataStore);
  if (refs.length === 0) return [];
  const index = ctx.options.host;
  const network = sharedNetworkName(ctx.model, m.key, ctx.project, index);
  return refs.map((ref) => ({
    ref,
    answerers:
      network === undefined || ref.unknown
        ? []
        : answerersOf(index, ctx.project, network, ref.host),
  }));
}
