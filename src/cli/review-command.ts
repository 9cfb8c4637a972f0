import * as nodePath from "node:path";
import { EXPLICIT_ROLES, ExplicitRole, RoleOverride, RoleSource } from "../analysis/classify";
import { PORTS_MODES, PortsMode } from "../analysis/plan/options";
import type { UnitSettings } from "../batch/batch-options";
import { draftProject, ProjectDraft, reviewHost, writeDraft } from "../batch/review-project";
import { formatDiagnostic } from "../base/diagnostic";
import { normalizeProjectName } from "../compose/project-name";
import type { RewriteOptions } from "../rewrite/rewrite-project";
import { colorDiff } from "../yaml/diff";
import { configFinder, ConfigResult } from "./config";
import type { KeyReader, RunIO } from "./io";
import { noComposeFiles } from "./no-compose-files";
import type { RunOptions } from "./options";
import { projectSettings, shownConfigPath } from "./project-settings";
import { ownConfigFile, rememberDecisions, Remembered, roleKey } from "./remember";

/** What a review knows and decided of one project. */
interface Reviewed {
  unit: string[];
  dir: string;
  settings: UnitSettings;
  /** The configuration nearest to the project when the review began. */
  nearest: ConfigResult;
  draft: ProjectDraft;
  /** Roles changed in the review, by service. */
  roles: Map<string, ExplicitRole>;
  ports?: PortsMode;
  decision?: "accept" | "skip";
}

/** The keys of the review, as `?` lists them. */
const KEYS_HELP = [
  "y  accept: write this project at the end",
  "n  skip it (s too): it is left as it is, now and in later runs",
  "r  change a service's role, then see the new diff",
  "p  change how its ports are treated, then see the new diff",
  "q  stop: the projects accepted so far are written, the others left for another review",
  "?  these keys",
];

const ROLE_KEYS: Record<string, ExplicitRole> = {
  a: "app",
  d: "database",
  b: "backend",
  i: "ignore",
};
const PORTS_KEYS: Record<string, PortsMode> = { a: "auto", c: "comment", k: "keep", r: "rebind" };
/** The keys that pick a service: its number, then letters. */
const SERVICE_KEYS = "123456789abcdefghijklmnopqrstuvwxyz";

const BOLD = "\u001b[1m";
const DIM = "\u001b[2m";
const YELLOW = "\u001b[33m";
const RESET = "\u001b[0m";

/** How the review talks: lines that fit the terminal, coloured when it may. */
class Screen {
  constructor(
    private readonly io: RunIO,
    private readonly color: boolean,
    readonly width: number,
  ) {}

  /** A line cut to the terminal's width, with `…` where it was cut. */
  fit(line: string): string {
    const chars = [...line];
    return chars.length <= this.width ? line : chars.slice(0, this.width - 1).join("") + "…";
  }

  paint(style: string, text: string): string {
    return this.color ? `${style}${text}${RESET}` : text;
  }

  line(text = "", style?: string): void {
    const fitted = text.split("\n").map((l) => this.fit(l));
    const shown = style ? fitted.map((l) => this.paint(style, l)) : fitted;
    this.io.stdout(shown.join("\n") + "\n");
  }

  diff(diff: string): void {
    const fitted = diff
      .replace(/\n$/, "")
      .split("\n")
      .map((l) => this.fit(l))
      .join("\n");
    this.io.stdout((this.color ? colorDiff(fitted) : fitted) + "\n");
  }

  /** Asks with one key: the prompt, then the key pressed, on one line (a capital as its small letter). */
  async ask(keys: KeyReader, prompt: string): Promise<string> {
    this.io.stdout(this.paint(BOLD, prompt) + " ");
    const pressed = await keys.next();
    const key = pressed.length === 1 ? pressed.toLowerCase() : pressed;
    this.io.stdout((key.length === 1 && key >= " " ? key : "") + "\n");
    return key;
  }
}

/** The options a project is planned with in the review: its settings, and what was decided. */
function planOptions(
  reviewed: Reviewed,
  options: RunOptions,
  host: RewriteOptions["host"],
): RewriteOptions {
  const own = "options" in reviewed.settings ? reviewed.settings.options : {};
  const overrides = new Map<string, RoleOverride>(own.overrides ?? options.overrides);
  const file = ownConfigFile(reviewed.dir, reviewed.nearest);
  for (const [service, role] of reviewed.roles) {
    for (const name of overrides.keys()) {
      const slash = name.lastIndexOf("/");
      const project = normalizeProjectName(name.slice(0, slash));
      if (slash !== -1 && name.slice(slash + 1) === service && project === reviewed.draft.name) {
        overrides.delete(name);
      }
    }
    const source: RoleSource = {
      kind: "config",
      file: nodePath.basename(file),
      key: roleKey(role, file),
    };
    overrides.set(service, { role, source });
  }
  const { settingsFor: _s, ...rest } = options;
  return {
    ...rest,
    ...own,
    ...(reviewed.ports ? { ports: reviewed.ports } : {}),
    // a project skipped before is shown as it would be rewritten: accepting it undoes the skip
    skipped: undefined,
    overrides,
    host,
  };
}

/** Each service's role and why, then what the plan does of the project, then each file's diff. */
function show(screen: Screen, reviewed: Reviewed, at: string, cwd: string): void {
  const { draft } = reviewed;
  const first = draft.files[0];
  screen.line(`── ${draft.name} (${at}) ${first ? first.path : ""} `, BOLD);
  const width = Math.max(0, ...[...draft.roles.keys()].map((s) => s.length));
  for (const [service, c] of draft.roles) {
    screen.line(`  ${service.padEnd(width)}  ${c.role.padEnd(8)}  ${c.reason}`);
  }
  if ("options" in reviewed.settings && reviewed.settings.options.skipped !== undefined) {
    const file = shownConfigPath(ownConfigFile(reviewed.dir, reviewed.nearest), cwd);
    screen.line(`  skipped until now (\`skip\` in ${file}): y rewrites it again`, YELLOW);
  }
  for (const file of draft.files) {
    if (file.status === "error") screen.line(formatDiagnostic(file.error!), YELLOW);
    else if (file.status !== "changed")
      screen.line(`  ${file.path}: ${file.status}: ${file.reason}`, DIM);
    else screen.diff(file.diff);
  }
}

/** `r`: which service, then which role; undefined when the user thinks better of it. */
async function askRole(
  screen: Screen,
  keys: KeyReader,
  draft: ProjectDraft,
): Promise<[string, ExplicitRole] | undefined> {
  const services = [...draft.roles.keys()].slice(0, SERVICE_KEYS.length);
  const list = services.map((s, i) => `${SERVICE_KEYS[i]} ${s}`).join(", ");
  const which = await screen.ask(keys, `which service? ${list} >`);
  const service = services[SERVICE_KEYS.indexOf(which)];
  if (which === "" || service === undefined) return undefined;
  const roles = Object.entries(ROLE_KEYS)
    .map(([k, r]) => `${k} ${r}`)
    .join(", ");
  const role = ROLE_KEYS[await screen.ask(keys, `role of ${service}? ${roles} >`)];
  return role && EXPLICIT_ROLES.includes(role) ? [service, role] : undefined;
}

/** `p`: how the project's ports are treated; undefined when the user thinks better of it. */
async function askPorts(
  screen: Screen,
  keys: KeyReader,
  current: PortsMode,
): Promise<PortsMode | undefined> {
  const modes = Object.entries(PORTS_KEYS)
    .map(([k, m]) => `${k} ${m}`)
    .join(", ");
  const mode = PORTS_KEYS[await screen.ask(keys, `ports (now ${current})? ${modes} >`)];
  return mode && PORTS_MODES.includes(mode) ? mode : undefined;
}

type Outcome = "next" | "stop" | "abort";

/** One project: shown, then asked about until it is accepted or skipped, or the review ends. */
async function reviewProject(
  screen: Screen,
  keys: KeyReader,
  reviewed: Reviewed,
  at: string,
  replan: () => void,
  cwd: string,
): Promise<Outcome> {
  show(screen, reviewed, at, cwd);
  if (reviewed.draft.files.every((f) => f.status === "error")) return "next";
  for (;;) {
    const ports = planPorts(reviewed);
    const key = await screen.ask(keys, `${reviewed.draft.name}: accept? [y,n,r,p,q,?]`);
    if (key === "y") reviewed.decision = "accept";
    else if (key === "n" || key === "s") reviewed.decision = "skip";
    if (reviewed.decision) return "next";
    if (key === "q") return "stop";
    if (key === "\u0003" || key === "") return "abort";
    if (key === "r") {
      const chosen = await askRole(screen, keys, reviewed.draft);
      if (!chosen) continue;
      reviewed.roles.set(...chosen);
      replan();
      show(screen, reviewed, at, cwd);
    } else if (key === "p") {
      const mode = await askPorts(screen, keys, ports);
      if (!mode) continue;
      reviewed.ports = mode;
      replan();
      show(screen, reviewed, at, cwd);
    } else for (const line of KEYS_HELP) screen.line(`  ${line}`);
  }
}

/** How a project's ports are treated now: as decided in the review, else its settings'. */
function planPorts(reviewed: Reviewed): PortsMode {
  const own = "options" in reviewed.settings ? reviewed.settings.options.ports : undefined;
  return reviewed.ports ?? own ?? "auto";
}

/** The message of a review whose standard input is no terminal. */
const NOT_A_TERMINAL =
  "error: composemod review asks about each project, one key at a time, and standard input is not a terminal; run it in one (to rewrite without asking: composemod --write)\n";

/**
 * `composemod review`: each project in turn, its roles and reasons and its diff, decided with
 * one key; at the end the accepted projects are written (as `--write` writes), every decision
 * is kept in the project's configuration file, and a summary says what was done. Returns the
 * exit status: 0 done, 2 an error (no terminal, nothing found, a file not written), 130 when
 * interrupted (nothing written).
 */
export async function runReview(options: RunOptions, io: RunIO): Promise<number> {
  if (!io.stdinIsTTY || !io.keys) {
    io.stderr(NOT_A_TERMINAL);
    return 2;
  }
  const host = await reviewHost(options.paths, io.cwd, options.ignore);
  for (const d of host.missing) io.stderr(formatDiagnostic(d) + "\n");
  if (host.units.length === 0) {
    if (host.missing.length === 0) io.stderr(noComposeFiles(options.paths));
    return 2;
  }
  const screen = new Screen(io, options.color, Math.max(40, io.columns ?? 80));
  const nearest = configFinder();
  const settingsFor = projectSettings({}, nearest, io.cwd);
  const reviews: Reviewed[] = [];
  const keys = io.keys();
  let ended: Outcome = "next";
  try {
    for (const [i, unit] of host.units.entries()) {
      const dir = nodePath.dirname(unit[0]);
      const settings = settingsFor(dir);
      const reviewed: Reviewed = {
        unit,
        dir,
        settings,
        nearest: nearest(dir),
        roles: new Map(),
        draft: { name: "", dir, files: [], roles: new Map() },
      };
      const replan = () => {
        reviewed.draft = draftProject(unit, planOptions(reviewed, options, host.index), io.cwd);
      };
      if ("errors" in settings) {
        for (const e of settings.errors) io.stderr(`error: ${e}\n`);
        continue;
      }
      replan();
      reviews.push(reviewed);
      ended = await reviewProject(
        screen,
        keys,
        reviewed,
        `${i + 1}/${host.units.length}`,
        replan,
        io.cwd,
      );
      if (ended !== "next") break;
    }
  } finally {
    keys.close();
  }
  if (ended === "abort") {
    io.stderr("review interrupted: nothing written, nothing remembered\n");
    return 130;
  }
  return finish(reviews, options, host.index, io, screen);
}

/**
 * The end of a review: each decision kept in its project's configuration, then each accepted
 * project written, as the saved configuration plans it (and only when that is what was
 * shown), then the summary.
 */
function finish(
  reviews: Reviewed[],
  options: RunOptions,
  host: RewriteOptions["host"],
  io: RunIO,
  screen: Screen,
): number {
  const shown = (p: string) => shownConfigPath(p, io.cwd) ?? p;
  const written: string[] = [];
  const skipped: string[] = [];
  const remembered: string[] = [];
  const failed: string[] = [];
  for (const reviewed of reviews) {
    if (!reviewed.decision) continue;
    const saved: Remembered = rememberDecisions(
      reviewed.dir,
      reviewed.draft.name,
      reviewed.nearest,
      {
        roles: reviewed.roles,
        ports: reviewed.ports,
        skip: reviewed.decision === "skip",
      },
    );
    if ("error" in saved) {
      failed.push(`${shown(saved.path)}: ${saved.error}; ${reviewed.draft.name} not written`);
      continue;
    }
    if (saved.keys.length) {
      remembered.push(
        `${shown(saved.path)}${saved.created ? " (new)" : ""}: ${saved.keys.join("; ")}`,
      );
    }
    if (reviewed.decision === "skip") {
      skipped.push(reviewed.draft.name);
      continue;
    }
    const problem = writeAccepted(reviewed, options, host, io.cwd);
    if (problem) failed.push(`${reviewed.draft.name}: ${problem}`);
    else
      written.push(
        ...reviewed.draft.files.filter((f) => f.status === "changed").map((f) => f.path),
      );
  }
  const left = reviews.filter((r) => !r.decision).map((r) => r.draft.name);
  screen.line();
  screen.line("── summary", BOLD);
  for (const path of written) screen.line(`  written: ${path}`);
  for (const name of skipped) screen.line(`  skipped: ${name}`);
  for (const line of remembered) screen.line(`  remembered in ${line}`);
  for (const name of left) screen.line(`  not reviewed: ${name}`, DIM);
  for (const line of failed) io.stderr(`error: ${line}\n`);
  screen.line(
    `${written.length} ${written.length === 1 ? "file" : "files"} written, ${skipped.length} skipped, ${remembered.length} ${remembered.length === 1 ? "configuration" : "configurations"} updated`,
  );
  return failed.length ? 2 : 0;
}

/**
 * Writes an accepted project as its configuration, read again from the disk, plans it: the
 * rewrite a later `composemod --write` makes. Not when that differs from what was shown.
 */
function writeAccepted(
  reviewed: Reviewed,
  options: RunOptions,
  host: RewriteOptions["host"],
  cwd: string,
): string | undefined {
  if (!reviewed.draft.files.some((f) => f.status === "changed")) return undefined;
  const settings = projectSettings({}, configFinder(), cwd)(reviewed.dir);
  if ("errors" in settings) return settings.errors.join("; ");
  const { settingsFor: _s, ...rest } = options;
  const again = draftProject(reviewed.unit, { ...rest, ...settings.options, host }, cwd);
  const same =
    again.files.length === reviewed.draft.files.length &&
    again.files.every((f, i) => f.output === reviewed.draft.files[i].output);
  if (!same) return "its saved configuration plans another rewrite than the one shown; not written";
  return writeDraft(again, cwd);
}
