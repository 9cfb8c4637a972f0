import { classifyProject, Classification } from "../../src/analysis/classify";
import { buildModel } from "../../src/compose/model";
import { parseComposeFile } from "../../src/compose/compose-file";
import { warningText } from "../../src/base/warning";

/**
 * Classifies one compose file as a project, with `variables` as its `.env`: each service's role
 * with the rule that decided it (`app [web-port]`), the full classifications, and the warnings.
 */
export function classifyText(text: string, variables: Record<string, string> = {}) {
  const parsed = parseComposeFile(text, "compose.yaml");
  if (parsed.kind !== "ok") throw new Error(parsed.kind);
  const model = buildModel(parsed.file, new Map(Object.entries(variables)));
  const { roles, warnings } = classifyProject(model, "shop");
  return {
    roles: Object.fromEntries([...roles].map(([name, c]) => [name, `${c.role} [${c.rule}]`])),
    of: (name: string): Classification => roles.get(name)!,
    warnings: warnings.map(warningText),
  };
}
