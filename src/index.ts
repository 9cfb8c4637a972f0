// The library's API, as docs/library.md documents it: every name here is there.

// the rewrite, of one text or of the files of one project
export { rewriteProject, rewriteText } from "./rewrite/rewrite-project";
export type { FileResult, ProjectRewrite, RewriteOptions } from "./rewrite/rewrite-project";
export { loadProject } from "./compose/load-project";
export type {
  LoadedFile,
  LoadedProject,
  LoadFailure,
  LoadInput,
  ProjectLoad,
  ReadText,
  SourceFile,
} from "./compose/load-project";
export { DEFAULT_PLAN_OPTIONS, DRIVERS, PORTS_MODES } from "./analysis/plan/options";
export type { Driver, PlanOptions, PortsMode } from "./analysis/plan/options";
export { PROXY_KINDS } from "./analysis/evidence";
export type { ProxyKind } from "./analysis/evidence";

// the steps it is made of
export { parseComposeFile } from "./compose/compose-file";
export type { ComposeFile, ComposeFileOptions, ComposeFileOutcome } from "./compose/compose-file";
export { buildModel } from "./compose/model";
export type { ComposeModel, Membership, NetworkDecl, ServiceModel } from "./compose/model";
export { classifyServices } from "./analysis/classify";
export type {
  Classification,
  ExplicitRole,
  Role,
  RoleOverride,
  RoleOverrides,
  RoleSource,
  RuleCode,
} from "./analysis/classify";
export { planProject } from "./analysis/plan/plan-project";
export type { PlanInput } from "./analysis/plan/plan-project";
export type { Plan, PlanReason, ServicePlan } from "./analysis/plan/types";
export { applyEdits, OverlappingEditsError } from "./yaml/apply-edits";
export type { Edit } from "./yaml/apply-edits";
export { TRANSFORMS } from "./rewrite/transforms";
export type { Transform, TransformContext, TransformResult } from "./rewrite/transforms";

// the audit of the projects of a host
export { loadHost } from "./batch/load-host";
export type { Host, HostProject } from "./analysis/host";
export { auditHost } from "./analysis/audit";
export { RULES } from "./analysis/findings";
export type { AuditLevel, AuditRule, Finding, RuleInfo } from "./analysis/findings";

// what the rewrite reports: the JSON report of `--json`, its warnings and errors
export type {
  FileReasonCode,
  FileReport,
  FileStatus,
  Report,
  ServiceReport,
  Summary,
} from "./report/file-report";
export type { Warning, WarningCode } from "./base/warning";
export { formatDiagnostic } from "./base/diagnostic";
export type { Diagnostic, DiagnosticCode } from "./base/diagnostic";

// the command line, in-process
export { run } from "./cli/program";
export type { RunIO } from "./cli/io";
export { VERSION } from "./version";
