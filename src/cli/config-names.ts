/** The file composemod looks for its settings in, upward from each path. */
export const CONFIG_FILE = "composemod.config.json";

/** The key of a package.json that holds the same settings. */
export const PACKAGE_KEY = "composemod";
