// Headless Chromium through playwright-core, with the system's browser
// (playwright's own downloads are not used).
import fs from "node:fs";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/** The flags the CLI and tests launch Chromium with; the sandbox stays on (see chromiumArgs). */
export const CHROMIUM_ARGS = [
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The browser binary: $WASI_WEB_CHROMIUM, else the first of the usual paths. */
export function chromiumPath() {
  const fromEnv = process.env.WASI_WEB_CHROMIUM;
  if (fromEnv) return fromEnv;
  const found = CANDIDATES.find((p) => fs.existsSync(p));
  if (!found) throw new Error("no Chromium found: install it (apt-get install chromium) or set WASI_WEB_CHROMIUM");
  return found;
}

/**
 * CHROMIUM_ARGS, plus --no-sandbox only where Chromium cannot sandbox:
 * for root (it refuses to start sandboxed as root, e.g. in CI containers,
 * where the tests run), or when WASI_WEB_CHROMIUM_NO_SANDBOX=1 asks for it.
 * WASI_WEB_CHROMIUM_NO_SANDBOX=0 keeps the sandbox even for root.
 * @param {Record<string, string | undefined>} [env]
 * @param {boolean} [root] whether this process runs as root
 */
export function chromiumArgs(env = process.env, root = process.getuid?.() === 0) {
  const wanted = env.WASI_WEB_CHROMIUM_NO_SANDBOX;
  const noSandbox = wanted === "1" || (wanted !== "0" && root);
  return noSandbox ? ["--no-sandbox", ...CHROMIUM_ARGS] : [...CHROMIUM_ARGS];
}

/**
 * @param {import("playwright-core").LaunchOptions} [options] more launch options (the CLI's --browser
 *   handles SIGINT/SIGTERM itself: `handleSIGINT: false`, so the browser outlives the signal)
 * @returns {Promise<import("playwright-core").Browser>}
 */
export async function launchChromium(options = {}) {
  let playwright;
  try {
    playwright = await import("playwright-core");
  } catch {
    throw new Error("--browser needs the playwright-core package: npm install playwright-core");
  }
  return playwright.chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs(), ...options });
}

/**
 * The page's global object once openRunnerPage has loaded the runner.
 * @typedef {typeof globalThis & { __wasiWebRunner: typeof import("../browser/page-runner.js") }} RunnerGlobal
 */

/**
 * Opens a page on the server's blank page and loads the page runner in it.
 * @param {import("playwright-core").Browser} browser
 * @param {string} serverUrl
 */
export async function openRunnerPage(browser, serverUrl) {
  const page = await browser.newPage();
  await page.goto(`${serverUrl}/__wasi-web/blank.html`);
  // In the page: the runner's URL on the server (a path, not this process's module).
  await page.evaluate(async (url) => {
    /** @type {RunnerGlobal} */ (globalThis).__wasiWebRunner = await import(url);
  }, "/js/browser/page-runner.js");
  return page;
}
