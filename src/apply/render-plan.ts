import type { ApplyPlan, Check, ProjectPlan, Step } from "./plan-types";

const STATUS: Record<ProjectPlan["status"], string> = {
  change: "changes",
  "up-to-date": "up to date",
  "not-running": "not running",
  refused: "refused",
  error: "error",
};

const names = (aliases: string[]) => aliases.filter((a) => !/^[0-9a-f]{12}$/.test(a)).join(", ");

/** One step, as a line of the plan: `+` adds, `-` removes, `~` changes in place, `!` recreates. */
export function stepLine(step: Step): string {
  switch (step.kind) {
    case "write-files":
      return `+ write ${step.files.map((f) => f.shown).join(", ")} (${step.why})`;
    case "create-network":
      return `+ create network ${step.network.name} (${step.network.driver}${step.network.internal ? ", internal" : ""}) ${step.why}`;
    case "connect":
      return `+ connect ${step.container} to ${step.network} as ${names(step.endpoint.aliases)}`;
    case "reconnect":
      return `~ reconnect ${step.container} to ${step.network} as ${names(step.endpoint.aliases)}: ${step.why}`;
    case "replace-network":
      return `! make network ${step.network.name} anew, its ${step.members.length} container(s) put back on it: ${step.why}`;
    case "recreate":
      return `! recreate ${step.containers.map((c) => c.container).join(", ")} through Compose: ${step.why.join("; ")}`;
    case "disconnect":
      return `- disconnect ${step.container} from ${step.network}`;
  }
}

/** One check, in words. */
export function checkLine(check: Check): string {
  switch (check.kind) {
    case "networks":
      return `each container of ${check.services.map((s) => s.service).join(", ")} on the networks its files say, answering its names there`;
    case "proxy-reaches-app":
      return `\`${check.via}\` reaches ${check.service} on ${check.network} at port ${check.port}`;
    case "app-reaches-database":
      return `${check.app} reaches ${check.database} by name at port ${check.port}`;
    case "database-isolated":
      return `no container of another project shares a network with ${check.database}${check.via ? ` (and \`${check.via}\` cannot reach it at port ${check.port})` : ""}`;
    case "healthy":
      return `${check.services.map((s) => s.service).join(", ")} still running${
        check.services.some((s) => s.health)
          ? `, ${check.services
              .filter((s) => s.health)
              .map((s) => s.service)
              .join(", ")} healthy again`
          : ""
      }`;
  }
}

/** A project's part of the plan, indented under its name. */
export function renderProjectPlan(p: ProjectPlan): string {
  const head = `${p.name} (${p.dir}): ${STATUS[p.status]}${p.reason ? ` - ${p.reason}` : ""}`;
  const lines = [head];
  for (const step of p.steps) lines.push(`  ${stepLine(step)}`);
  if (p.checks.length && p.status === "change") {
    lines.push("  then proves:");
    for (const check of p.checks) lines.push(`    ${checkLine(check)}`);
  }
  for (const note of p.notes) lines.push(`  note: ${note}`);
  return lines.join("\n") + "\n";
}

/** The closing line of a plan: what it changes, in numbers. */
export function planSummaryLine(plan: ApplyPlan): string {
  const s = plan.summary;
  const parts = [
    `${s.change} of ${s.projects} projects change (${s.containersReconnected} containers reconnected, ${s.containersRecreated} recreated, ${s.networksCreated} networks created)`,
    `${s.upToDate} up to date`,
    `${s.notRunning} not running`,
  ];
  if (s.refused) parts.push(`${s.refused} refused`);
  if (s.errors) parts.push(`${s.errors} with errors`);
  return `Plan: ${parts.join(", ")}.`;
}

/** The plan as text, as `terraform plan` shows one: project by project, then its summary. */
export function renderPlan(plan: ApplyPlan): string {
  const head = `composemod apply plan for ${plan.engine}${plan.compose ? ` (recreates through ${plan.compose})` : ""}${plan.write ? ", rewriting the files first" : ""}\n\n`;
  return (
    head + plan.projects.map(renderProjectPlan).join("\n") + "\n" + planSummaryLine(plan) + "\n"
  );
}
