/** Something a user should know about a file that is not an error: data, rendered as text or JSON. */
export interface Warning {
  code: WarningCode;
  /** The service it is about, when it is about one. */
  service?: string;
  message: string;
}

export type WarningCode =
  // reading the project
  | "include-remote"
  | "extends-unreadable"
  | "project-name-shared"
  | "project-files-apart"
  | "project-files-differ"
  | "link-outside"
  // roles and the proxy network
  | "proxy-network-ambiguous"
  | "database-routed"
  | "routing-without-shared-network"
  | "routing-conflict"
  | "role-unmatched"
  // what stays as it is
  | "shared-database-service"
  | "shared-network-kept"
  | "cross-project-connection"
  | "backend-port-published"
  | "database-port-kept"
  | "app-ports-kept"
  | "port-kept"
  | "port-variable"
  | "links-stop-resolving"
  | "fixed-address-moved"
  | "name-order"
  | "no-egress"
  | "proxy-network-must-exist"
  | "edit-by-hand"
  | "anchor-copied"
  | "legacy-external-kept";

/** `service: message`, or the message alone. */
export function warningText(warning: Warning): string {
  return warning.service !== undefined ? `${warning.service}: ${warning.message}` : warning.message;
}

/** Warnings without repeats, in their first order. */
export function uniqueWarnings(warnings: Warning[]): Warning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.code}\u0000${w.service ?? ""}\u0000${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
