// Headless Chromium through playwright-core, with the system's browser
// (playwright's own downloads are not used).
import fs from "node:fs";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

export const CHROMIUM_ARGS = [
  "--no-sandbox",
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

/** @returns {Promise<import("playwright-core").Browser>} */
export async function launchChromium() {
  let playwright;
  try {
    playwright = await import("playwright-core");
  } catch {
    throw new Error("--browser needs the playwright-core package: npm install playwright-core");
  }
  return playwright.chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
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
