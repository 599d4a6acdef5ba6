// The one place the playground names the wasi-web package and the bundled
// example programs. In development the page is served from the repository
// root (/www/), so these are /js/index.js and /tests/guests/out/; the
// static build (www/tools/build.js) replaces this file with one pointing at
// its own copies, so the built folder works from any URL prefix.
export * from "../../js/index.js";

/** Where the example programs' .wasm files are (a URL ending in "/"). */
export const EXAMPLES_URL = new URL("../../tests/guests/out/", import.meta.url).href;
