import { version } from "../package.json";

/** composemod's version, as its package.json says it (read when the bundle is built). */
export const VERSION: string = version;
