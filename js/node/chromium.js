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
 * CHROMIUM_ARGS, plus --no-sandbox only when WASI_WEB_CHROMIUM_NO_SANDBOX=1
 * asks for it. Never by default, not even for root: the CLI runs untrusted
 * programs, and dropping the browser's sandbox is the user's call (the
 * test scripts set it because the tests run as root in a container).
 * @param {Record<string, string | undefined>} [env]
 */
export function chromiumArgs(env = process.env) {
  return env.WASI_WEB_CHROMIUM_NO_SANDBOX === "1" ? ["--no-sandbox", ...CHROMIUM_ARGS] : [...CHROMIUM_ARGS];
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
  const args = chromiumArgs();
  // Playwright turns the sandbox off unless chromiumSandbox is true.
  const chromiumSandbox = !args.includes("--no-sandbox");
  try {
    return await playwright.chromium.launch({ executablePath: chromiumPath(), headless: true, args, chromiumSandbox, ...options });
  } catch (error) {
    // Chromium will not start sandboxed as root; say so instead of a wall of launcher output.
    if (process.getuid?.() === 0 && !args.includes("--no-sandbox")) {
      throw new Error(
        "Chromium cannot run its sandbox as root. Run as another user, or, if you trust the program and the machine " +
          "(e.g. a CI container), set WASI_WEB_CHROMIUM_NO_SANDBOX=1 to run Chromium without its sandbox",
        { cause: error },
      );
    }
    throw error;
  }
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
