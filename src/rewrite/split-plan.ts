import type { Plan, ServicePlan } from "../analysis/plan/types";
import type { EntryBlock } from "../compose/editability";
import {
  ComposeModel,
  holdsReferencedAnchor,
  Membership,
  ownPair,
  sameMembership,
  ServiceModel,
} from "../compose/model";

/**
 * The part of a project's plan that falls to each of its files: each change goes to the file
 * where the key it changes lives. New networks go to the first file that lists the service's
 * networks (else its first file), new labels and environment to the first file that defines
 * the service where no other service would get them through an anchor (`netbox: &netbox` in
 * the base file, merged by the workers: the override file's `netbox`), and the top-level
 * declarations to the project's first file, and to any other that holds a whole service
 * (Compose can read it alone) and now puts one on them.
 */
export function splitPlan(plan: Plan, models: ComposeModel[]): Plan[] {
  const byName = models.map((m) => new Map(m.services.map((s) => [s.name, s])));
  return models.map((_model, index) => {
    const services = plan.services.flatMap((sp) =>
      byName[index].has(sp.name) ? [serviceForFile(sp, models, byName, index)] : [],
    );
    // a file that Compose can read alone (`-f db.yml`) declares what its services are put on
    const declares = (key: string) =>
      index > 0 &&
      key !== "default" &&
      !models[index].networks.has(key) &&
      models[index].services.some(
        (s) => s.data.image !== undefined || s.data.build !== undefined,
      ) &&
      services.some((sp) => sp.networksChanged && sp.after?.some((m) => m.key === key));
    return {
      ...plan,
      services,
      internal: {
        ...plan.internal,
        declare: index === 0 ? plan.internal.declare : declares(plan.internal.key),
      },
      proxy: {
        ...plan.proxy,
        declare: index === 0 ? plan.proxy.declare : plan.proxy.used && declares(plan.proxy.key),
      },
      modernize: index === 0 ? plan.modernize : [],
    };
  });
}

/** True when entries added to the service's labels or environment in this file would reach other services through an anchor. */
function sharedThroughAnchor(
  model: ComposeModel,
  service: ServiceModel,
  block: EntryBlock,
): boolean {
  const anchor = service.node?.anchor;
  if (anchor && model.referencedAnchors.has(anchor)) return true;
  return holdsReferencedAnchor(model, ownPair(service, block)?.value);
}

function serviceForFile(
  sp: ServicePlan,
  models: ComposeModel[],
  files: Map<string, ServiceModel>[],
  index: number,
): ServicePlan {
  const inFile = (i: number) => files[i].get(sp.name);
  const own = inFile(index)!;
  const listing = (i: number) => {
    const s = inFile(i);
    return s && !s.implicitNetworks ? s.membership : null;
  };
  const indices = files.map((_f, i) => i);
  // where new entries go: the first file that lists the service's networks, else its first file
  const listed = indices.find((i) => listing(i) !== null);
  const home = listed ?? indices.find((i) => inFile(i)?.node);
  const ownList = listing(index);
  let after: Membership[] | null = own.membership;
  if (sp.networksChanged && sp.after && sp.before) {
    const target = new Map(sp.after.map((m) => [m.key, m]));
    const beforeKeys = new Set(sp.before.map((m) => m.key));
    const added = sp.after.filter((m) => !beforeKeys.has(m.key));
    if (ownList !== null) {
      const kept = ownList.filter((m) => target.has(m.key)).map((m) => target.get(m.key)!);
      const extra = index === home || kept.length === 0 ? added : [];
      after = [...kept, ...extra];
      if (after.length === 0) after = [sp.after[0]];
    } else if (index === home) after = sp.after;
  }
  const offset = indices.slice(0, index).reduce((n, i) => n + (inFile(i)?.ports.length ?? 0), 0);
  const mine = (list: number[]) =>
    list.filter((i) => i >= offset && i < offset + own.ports.length).map((i) => i - offset);
  const entryHome = (block: EntryBlock) => {
    const defining = indices.filter((i) => inFile(i)?.pair);
    return defining.find((i) => !sharedThroughAnchor(models[i], inFile(i)!, block)) ?? defining[0];
  };
  return {
    ...sp,
    before: own.membership,
    after,
    networksChanged: !sameMembership(after, own.membership),
    ports: own.ports.map((p) => p.text),
    commentPorts: mine(sp.commentPorts),
    rebindPorts: mine(sp.rebindPorts),
    addLabels: index === entryHome("labels") ? sp.addLabels : [],
    addEnvironment: index === entryHome("environment") ? sp.addEnvironment : [],
  };
}
