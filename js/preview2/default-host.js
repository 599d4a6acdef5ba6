// The host behind the module exports of io.js, cli.js, ... (for
// `jco transpile --map`): the WASIp2 `configure()` made, else one made on
// first use with default options (console output, a new empty MemFS, no
// preopens). A module of its own so that the interface files need not
// import WASIp2, which imports them.
import { ComponentHost } from "./component-host.js";

/** @type {ComponentHost | null} */
let current = null;

/** @param {ComponentHost} host */
export function setDefaultHost(host) {
  current = host;
}

/** The host the module exports serve now. */
export function defaultHost() {
  current ??= new ComponentHost();
  return current;
}
