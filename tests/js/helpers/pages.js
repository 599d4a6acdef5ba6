// Headless Chromium pages on a server of the repository, for the tests that
// drive wasi-web inside a page. Close the browser and the server when done.
import { launchChromium } from "../../../js/node/chromium.js";
import { BLANK_PAGE, startServer } from "../../../js/node/server.js";
import { REPO } from "./corpus.js";

const NM = "/node_modules/@bytecodealliance";

/** Bare specifiers of jco's browser build, and the WASI 0.2 shim it imports, mapped for the page. */
const IMPORT_MAP = {
  imports: {
    "@bytecodealliance/jco/component": `${NM}/jco/dist/browser.js`,
    "@bytecodealliance/jco-transpile/component": `${NM}/jco-transpile/vendor/js-component-bindgen-component.js`,
    "@bytecodealliance/preview2-shim/cli": "/js/preview2/cli.js",
    "@bytecodealliance/preview2-shim/filesystem": "/js/preview2/filesystem.js",
    "@bytecodealliance/preview2-shim/io": "/js/preview2/io.js",
    "@bytecodealliance/preview2-shim/random": "/js/preview2/random.js",
    "@bytecodealliance/preview2-shim/clocks": "/js/preview2/clocks.js",
  },
};

/** A blank page with the package loaded as `globalThis.wasiWeb`. */
/**
 * Chromium, or the launch error after closing the server (an open server
 * would keep node --test waiting instead of failing).
 * @param {{ close(): unknown }} server
 */
async function launchOrClose(server) {
  try {
    return await launchChromium();
  } catch (error) {
    await server.close();
    throw error;
  }
}

export async function openLibraryPage() {
  const server = await startServer(REPO);
  const browser = await launchOrClose(server);
  const page = await browser.newPage();
  await page.goto(`${server.url}${BLANK_PAGE}`);
  await page.evaluate(async () => {
    globalThis.wasiWeb = await import("/js/index.js");
    // In a page the core loads with init() (no top-level await).
    await globalThis.wasiWeb.init();
  });
  return { server, browser, page };
}

/**
 * A page (`/__wasi-web/<name>.html`) that can run WASI 0.2 components with
 * run(): an import map points jco's browser build, and the WASI 0.2 shim
 * jco's own transpiler imports, at the repository (so jco runs on wasi-web
 * too).
 * @param {string} name
 */
export async function openP2Page(name) {
  const server = await startServer(REPO);
  server.route(
    `/__wasi-web/${name}.html`,
    `<!doctype html><meta charset=utf-8><script type="importmap">${JSON.stringify(IMPORT_MAP)}</script><title>${name}</title>`,
  );
  const browser = await launchOrClose(server);
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("pageerror:", e));
  await page.goto(`${server.url}/__wasi-web/${name}.html`);
  return { server, browser, page };
}
