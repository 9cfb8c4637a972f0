export {
  auditHost,
  auditProjects,
  findingsOf,
  hostAudit,
  hostFindings,
  hostNetworks,
  markFixed,
  reachableDatabases,
} from "./analysis/audit";
export type { Audit, HostAudit, HostNetworks } from "./analysis/audit";
export { RULES } from "./analysis/findings";
export type { AuditLevel, AuditRule, Finding, RuleInfo } from "./analysis/findings";
export { auditProjectOf } from "./analysis/audit-project";
export type {
  AuditProject,
  AuditService,
  NetworkEntry,
  Others,
  Where,
} from "./analysis/audit-model";
export { classifyServices, EXPLICIT_ROLES, ROLE_RULES, ROLES } from "./analysis/classify";
export type {
  Classification,
  ExplicitRole,
  Role,
  RoleOverride,
  RoleOverrides,
  RoleRule,
  RoleSource,
  RuleCode,
} from "./analysis/classify";
export { PROXY_KINDS } from "./analysis/evidence";
export type { ProxyKind } from "./analysis/evidence";
export type { Host, HostProject } from "./analysis/host";
export { DEFAULT_PLAN_OPTIONS, DRIVERS, PORTS_MODES } from "./analysis/plan/options";
export type { Driver, PlanOptions, PortsMode } from "./analysis/plan/options";
export { planProject } from "./analysis/plan/plan-project";
export type { PlanInput } from "./analysis/plan/plan-project";
export type { Plan, PlanReason, ServicePlan } from "./analysis/plan/types";
export { realNetworkName, sharedNetworks } from "./analysis/reachability";
export type { NetworkGroup, NetworkMember } from "./analysis/reachability";
export { topology } from "./analysis/topology";
export type { Topology } from "./analysis/topology";
export type { BatchOptions } from "./batch/batch-options";
export { discover, COMPOSE_FILE_NAME } from "./batch/discover";
export type { DiscoverOptions, Discovered } from "./batch/discover";
export { auditHostFiles } from "./batch/audit-host";
export type { AuditedHost } from "./batch/audit-host";
export { loadHost, migratedHost } from "./batch/load-host";
export { loadConfig } from "./cli/config";
export type { Config, ConfigResult } from "./cli/config";
export type { RunIO } from "./cli/io";
export type { RunOptions } from "./cli/options";
export { run } from "./cli/program";
export { parseComposeFile } from "./compose/compose-file";
export type { ComposeFile, ComposeFileOptions, ComposeFileOutcome } from "./compose/compose-file";
export { loadProject } from "./compose/load-project";
export type {
  LoadedFile,
  LoadedProject,
  LoadInput,
  ProjectLoad,
  ReadText,
  SourceFile,
} from "./compose/load-project";
export { buildModel } from "./compose/model";
export type { ComposeModel, Membership, NetworkDecl, ServiceModel } from "./compose/model";
export { normalizeProjectName, projectName } from "./compose/project-name";
export { groupProjects } from "./compose/project-files";
export { auditReport, writeAuditJson, writeAuditTable } from "./report/audit-report";
export type { AuditReport, NetworkReport } from "./report/audit-report";
export { writeSarif } from "./report/sarif";
export { formatDiagnostic } from "./report/diagnostic";
export type { Diagnostic, DiagnosticCode } from "./report/diagnostic";
export type {
  FileReasonCode,
  FileReport,
  FileStatus,
  Report,
  ServiceReport,
  Summary,
} from "./report/file-report";
export { renderDot, renderMermaid, renderText } from "./report/graph-render";
export type { Warning, WarningCode } from "./report/warning";
export { analyseProject, rewriteProject, rewriteText } from "./rewrite/rewrite-project";
export type { FileResult, ProjectRewrite, RewriteOptions } from "./rewrite/rewrite-project";
export { VERSION } from "./version";
export { applyEdits, OverlappingEditsError } from "./yaml/apply-edits";
export type { Edit } from "./yaml/apply-edits";
export { unifiedDiff } from "./yaml/diff";
export { parseYaml } from "./yaml/parse-yaml";
export type { ParsedYaml, YamlOutcome } from "./yaml/parse-yaml";
export { TRANSFORMS } from "./rewrite/transforms";
export type { Transform, TransformContext, TransformResult } from "./rewrite/transforms";
