// The one place the playground names the wasi-web package and the bundled
// example programs (core modules and components). In development the page is
// served from the repository root (/www/), so these are /js/index.js,
// /tests/guests/out/ and /tests/p2guests/out/; the static build
// (www/tools/build.js) replaces this file with one pointing at its own
// copies, so the built folder works from any URL prefix. (jco, which
// transpiles components, is found through the import map in index.html.)
export * from "../../js/index.js";
export { WASIp2 } from "../../js/preview2/index.js";

/** Where the example programs' .wasm files are (a URL ending in "/"). */
export const EXAMPLES_URL = new URL("../../tests/guests/out/", import.meta.url).href;

/** Where the component examples' .wasm files are (a URL ending in "/"). */
export const COMPONENT_EXAMPLES_URL = new URL("../../tests/p2guests/out/", import.meta.url).href;
