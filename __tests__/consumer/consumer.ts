// A library user's code: it imports composemod by its package name, with no @types/node, and
// must type-check against the published declarations (dist/types). It names every export.
import {
  applyEdits,
  auditHost,
  buildModel,
  classifyServices,
  DEFAULT_PLAN_OPTIONS,
  DRIVERS,
  formatDiagnostic,
  loadHost,
  loadProject,
  OverlappingEditsError,
  parseComposeFile,
  planProject,
  PORTS_MODES,
  PROXY_KINDS,
  rewriteProject,
  rewriteText,
  RULES,
  run,
  TRANSFORMS,
  VERSION,
  type AuditLevel,
  type AuditRule,
  type Classification,
  type ComposeFile,
  type ComposeFileOptions,
  type ComposeFileOutcome,
  type ComposeModel,
  type Diagnostic,
  type DiagnosticCode,
  type Driver,
  type Edit,
  type ExplicitRole,
  type FileReasonCode,
  type FileReport,
  type FileResult,
  type FileStatus,
  type Finding,
  type Host,
  type HostProject,
  type LoadedFile,
  type LoadedProject,
  type LoadFailure,
  type LoadInput,
  type Membership,
  type NetworkDecl,
  type Plan,
  type PlanInput,
  type PlanOptions,
  type PlanReason,
  type PortsMode,
  type ProjectLoad,
  type ProjectRewrite,
  type ProxyKind,
  type ReadText,
  type Report,
  type RewriteOptions,
  type Role,
  type RoleOverride,
  type RoleOverrides,
  type RoleSource,
  type RuleCode,
  type RuleInfo,
  type RunIO,
  type ServiceModel,
  type ServicePlan,
  type ServiceReport,
  type SourceFile,
  type Summary,
  type Transform,
  type TransformContext,
  type TransformResult,
  type Warning,
  type WarningCode,
} from "composemod";

const ports: PortsMode = PORTS_MODES[1];
const driver: Driver = DRIVERS[0];
const proxyKind: ProxyKind = PROXY_KINDS[0];
const plan: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, ports, driver, proxyKind };
const role: ExplicitRole = "database";
const source: RoleSource = { kind: "flag", flag: "--database" };
const override: RoleOverride = { role, source };
const overrides: RoleOverrides = new Map([["db", override]]);
const options: RewriteOptions = { ...plan, overrides };

const result: FileResult = rewriteText("services: {}\n", "compose.yaml", options);
const status: FileStatus = result.status;
const code: FileReasonCode = result.reasonCode;
const warnings: Warning[] = result.warnings;
const codes: WarningCode[] = warnings.map((w) => w.code);
const texts: string[] = warnings.map((w) => (w.service ? `${w.service}: ${w.message}` : w.message));
const error: string | undefined = result.error && formatDiagnostic(result.error);
const problem: DiagnosticCode | undefined = (result.error as Diagnostic | undefined)?.code;

const readText: ReadText = () => ({ code: "ENOENT" });
const file: SourceFile = { path: "compose.yaml", absolute: "/srv/wiki/compose.yaml", text: "" };
const input: LoadInput = { dir: "/srv/wiki", files: [file], readText, show: (p) => p };
const load: ProjectLoad = loadProject(input);
const failure: LoadFailure | undefined = load.kind === "failed" ? load.failure : undefined;
const loaded: LoadedProject | undefined = load.kind === "ok" ? load.project : undefined;
const files: LoadedFile[] = loaded?.files ?? [];
const rewritten: ProjectRewrite = rewriteProject(load, options);

const parseOptions: ComposeFileOptions = { servicesOptional: false };
const parsed: ComposeFileOutcome = parseComposeFile("services: {}\n", "compose.yaml", parseOptions);
function steps(composeFile: ComposeFile): string {
  const model: ComposeModel = buildModel(composeFile);
  const service: ServiceModel | undefined = model.services[0];
  const memberships: Membership[] | null | undefined = service?.membership;
  const declared: NetworkDecl[] = [...model.networks.values()];
  const roles: Map<string, Classification> = classifyServices(model, "wiki", overrides);
  const given: Role | undefined = roles.get("db")?.role;
  const rule: RuleCode | undefined = roles.get("db")?.rule;
  const planInput: PlanInput = { model, roles, project: "wiki" };
  const planned: Plan = planProject(planInput, plan);
  const why: PlanReason = planned.reasonCode;
  const servicePlans: ServicePlan[] = planned.services;
  const transform: Transform = TRANSFORMS[0];
  const context = null as unknown as TransformContext;
  const transformed: TransformResult = transform.apply(context);
  const edits: Edit[] = transformed.edits;
  return JSON.stringify([memberships, declared, given, rule, why, servicePlans, edits]);
}
const spliced: string = applyEdits("ab", [{ start: 1, end: 1, text: "-" }]);
const edit: Edit = { start: 0, end: 1, text: "" };
const overlapping: boolean = new OverlappingEditsError(edit, edit) instanceof Error;

async function audit(): Promise<Finding[]> {
  const host: Host = await loadHost(["/srv/stacks"], "/", options);
  const projects: HostProject[] = host.projects;
  const findings: Finding[] = auditHost(host);
  const levels: AuditLevel[] = findings.map((f) => f.level);
  const rules: AuditRule[] = findings.map((f) => f.rule);
  const info: RuleInfo[] = rules.map((r) => RULES[r]);
  return projects.length && levels.length && info.length ? findings : [];
}

const io: RunIO = {
  stdout: () => undefined,
  stderr: () => undefined,
  cwd: "/srv/stacks",
  now: () => 0,
};
const exit: Promise<number> = run(["--check", "."], io);

function summary(report: Report): [FileReport[], ServiceReport[], Summary] {
  const services = report.files.flatMap((f) => Object.values(f.services));
  return [report.files, services, report.summary];
}

export const used = [
  [status, code, codes, texts, error, problem, failure, files, rewritten, parsed, steps],
  [spliced, overlapping, audit, exit, summary, VERSION],
];
