import * as nodePath from "node:path";
import type { AuditProject } from "../analysis/audit-model";
import { ProjectFacts, projectFacts } from "../analysis/host-index";
import { auditProjectOf } from "../analysis/audit-project";
import type { NetworkDecl } from "../compose/model";
import { Diagnostic, diagnosticAt } from "../base/diagnostic";
import { sarifFixes, sarifReplacements } from "../report/sarif-fix";
import { analyseProject, RewriteOptions, rewriteProject } from "../rewrite/rewrite-project";
import { displayPath } from "./read-files";
import { FROM_DISK, readReadable } from "./read-project";

const fixesName = (decl: NetworkDecl) => decl.fixedName !== undefined && !decl.external;

/** What the audit keeps of one unit (the files Compose reads together): plain data, sent by workers. */
export interface UnitAudit {
  /** The project as it is; none when none of its files could be read. */
  before?: AuditProject;
  /** The project as `composemod --write` leaves it; none when that is as it is. */
  after?: AuditProject;
  /** The rewrite's edits as the JSON text of a SARIF result's `fixes`, when asked for. */
  fix?: string;
  /** The project's directory, absolute. */
  dir: string;
  errors: Diagnostic[];
  /**
   * Asked to defer projects that name networks with a fixed `name:`: this one does, and these
   * are the fixed-name networks its services are on. Its plan depends on the other projects
   * that name them; it is audited again once they are known.
   */
  deferred?: ProjectFacts;
  /** What the project shows the others on the networks it shares with them, when it is on one. */
  facts?: ProjectFacts;
}

/**
 * A unit's audit as a worker thread sends it: its JSON text, small, and made into objects only
 * once the workers are done, so that the host's peak memory is that of one thread's work.
 */
export type PackedUnitAudit = UnitAudit | string;

export function unpackUnitAudit(packed: PackedUnitAudit): UnitAudit {
  return typeof packed === "string" ? (JSON.parse(packed) as UnitAudit) : packed;
}

/** What an audit of a unit is asked: the rewrite's options, and whether to keep the rewrite's edits. */
export interface UnitAuditOptions extends RewriteOptions {
  fixes: boolean;
  /** Defer a project that declares a network with a fixed `name:` (see {@link UnitAudit.deferred}). */
  deferFixedNames?: boolean;
  /** Only the project as it is: no rewrite carried out, no `after`. */
  asIs?: boolean;
}

/**
 * Reads, classifies and plans one project as the rewrite does, carries the rewrite out in
 * memory, and keeps only what the audit needs of it, before and after: so that the audit of a
 * host holds one project's files at a time. A project with a file that cannot be read is read
 * from the others, and left as it is after (the rewrite leaves such a project alone). Never
 * throws for a file's sake.
 */
export function auditUnit(unit: string[], options: UnitAuditOptions, cwd: string): UnitAudit {
  const dir = nodePath.dirname(unit[0]);
  const show = (p: string) => displayPath(p, cwd);
  const errors: Diagnostic[] = [];
  const shownDir = show(dir) || ".";
  try {
    const readable = readReadable(unit, FROM_DISK, show, errors);
    if (!readable) return { dir, errors };
    const { project: loaded, unread } = readable;
    const facts = projectFacts(loaded.name, loaded.merged);
    if (options.deferFixedNames && [...loaded.merged.networks.values()].some(fixesName)) {
      return { dir, errors: [], deferred: facts };
    }
    const shown = facts.shared.length || facts.reaches.length ? { facts } : {};
    if (unread !== undefined || options.asIs) {
      const { roles, plan } = analyseProject(loaded, options);
      const leftAlone = unread ?? (plan.action === "change" ? undefined : plan.reason);
      const before = auditProjectOf(loaded, roles, plan, { dir: shownDir, leftAlone });
      return { before, dir, errors, ...shown };
    }
    const rewrite = rewriteProject({ kind: "ok", project: loaded }, options);
    const { roles, plan } = rewrite as Required<typeof rewrite>;
    const failed = rewrite.files.find((f) => f.status === "error" || f.status === "skipped");
    const changed = !failed && rewrite.files.some((f) => f.status === "changed");
    let leftAlone: string | undefined;
    if (plan.action !== "change") leftAlone = plan.reason;
    else if (failed) leftAlone = failed.reason;
    const before = auditProjectOf(loaded, roles, plan, { dir: shownDir, leftAlone });
    if (!changed) return { before, dir, errors, ...shown };
    const after = auditProjectOf(loaded, roles, plan, { dir: shownDir, after: true });
    const out: UnitAudit = { before, after, dir, errors, ...shown };
    if (options.fixes) {
      out.fix = sarifFixes({
        description: plan.reason,
        files: rewrite.files.flatMap((result, i) =>
          result.status === "changed" && result.edits
            ? [
                {
                  path: result.path,
                  replacements: sarifReplacements(loaded.files[i].file.source, result.edits),
                },
              ]
            : [],
        ),
      });
    }
    return out;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    errors.push(
      diagnosticAt(
        undefined,
        show(unit[0]),
        0,
        "internal-error",
        `composemod could not audit the project: ${message}`,
      ),
    );
    return { dir, errors };
  }
}
