import { CommanderError } from "commander";

/**
 * What an option's value is, and how it is read: from the command line, where a mistake is a
 * usage error, and from the configuration file's JSON, where a mistake is named with its key.
 * `T` is the value's type in the options a run is given.
 */
export interface ValueKind<T> {
  /** The word help shows for the value (`--ports <mode>`); none for a switch. */
  readonly placeholder?: string;
  /** The values it can take, in the order help lists them. */
  readonly choices?: readonly T[];
  /** Each use on the command line adds one to a list. */
  readonly repeatable?: boolean;
  /** A file's path: the shell completes file names for it. */
  readonly path?: boolean;
  /** Checks a command-line argument (commander's own checks the choices). */
  readonly parse?: (text: string) => T;
  /** The configuration's JSON value as the value, or what it should have been. */
  readonly read: (json: unknown) => { value: T } | { expected: string };
}

/** A network name Docker accepts. */
const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** A mistake on the command line: commander's own kind of error, exit 2. */
function usageError(message: string): never {
  throw new CommanderError(2, "composemod.invalidArgument", `error: ${message}`);
}

const isString = (json: unknown): json is string => typeof json === "string";

/** On or off: a flag that takes no value, `true` or `false` in the configuration. */
export const SWITCH: ValueKind<boolean> = {
  read: (json) => (typeof json === "boolean" ? { value: json } : { expected: "true or false" }),
};

/** Any text. */
export function text(placeholder: string): ValueKind<string> {
  return {
    placeholder,
    read: (json) => (isString(json) ? { value: json } : { expected: "a string" }),
  };
}

/** A file's path. */
export function filePath(placeholder: string): ValueKind<string> {
  return { ...text(placeholder), path: true };
}

/** A name Docker accepts for a network. */
export function networkName(placeholder: string): ValueKind<string> {
  return {
    placeholder,
    parse: (value) =>
      NETWORK_NAME.test(value) ? value : usageError(`invalid network name '${value}'`),
    read: (json) =>
      isString(json) && NETWORK_NAME.test(json)
        ? { value: json }
        : { expected: "a network name (letters, digits, _ . -)" },
  };
}

/** One of a list of words; commander refuses the others with the list. */
export function choice<T extends string>(placeholder: string, choices: readonly T[]): ValueKind<T> {
  return {
    placeholder,
    choices,
    read: (json) =>
      isString(json) && (choices as readonly string[]).includes(json)
        ? { value: json as T }
        : { expected: `one of ${choices.join(", ")}` },
  };
}

/** Words given one at a time on the command line, a list in the configuration. */
export function list(placeholder: string): ValueKind<string[]> {
  return {
    placeholder,
    repeatable: true,
    read: (json) =>
      Array.isArray(json) && json.every(isString)
        ? { value: json }
        : { expected: "a list of strings" },
  };
}

/** A whole number from `min` to `max`. */
export function wholeNumber(
  placeholder: string,
  flag: string,
  min: number,
  max: number,
): ValueKind<number> {
  const expected = `a whole number from ${min} to ${max}`;
  const inRange = (n: unknown): n is number => Number.isInteger(n) && +n! >= min && +n! <= max;
  return {
    placeholder,
    parse: (value) => {
      const n = Number(value);
      return inRange(n) ? n : usageError(`${flag} takes ${expected}`);
    },
    read: (json) => (inRange(json) ? { value: json } : { expected }),
  };
}
