// Driving the built playground in headless Chromium: shared by
// tests/js/www-terminal.test.js and bench/playground-output.mjs (the same
// program, the same way of adding it and of waiting for a run's end).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { REPO } from "./corpus.js";
import { guest } from "./wat.js";

/**
 * A program that prints "000000\n" … up to `lines` - 1, one fd_write per
 * line, as a line-buffered tty program does.
 * @param {number} lines
 */
export function counterGuest(lines) {
  return guest({
    start: `(local $i i32) (local $n i32) (local $p i32)
    (loop $line
      (local.set $n (local.get $i))
      (local.set $p (i32.const 105))
      (loop $digit
        (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
        (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (br_if $digit (i32.ge_u (local.get $p) (i32.const 100))))
      (i32.store8 (i32.const 106) (i32.const 10))
      (call $print (i32.const 1) (i32.const 100) (i32.const 7))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $line (i32.lt_u (local.get $i) (i32.const ${lines}))))`,
  });
}

/** Builds the playground with Vite into `outDir` (needs pkg/). @param {string} outDir */
export function buildPlayground(outDir) {
  execFileSync(
    path.join(REPO, "node_modules/.bin/vite"),
    ["build", "--config", path.join(REPO, "www/vite.config.js"), "--outDir", outDir, "--logLevel", "error"],
    { cwd: REPO, stdio: ["ignore", "ignore", "inherit"] },
  );
}

/** Runs finished so far (the terminal panel's data-runs, set once the exit note is written). @param {import("playwright-core").Page} page */
export async function runsDone(page) {
  return Number((await page.locator("#terminal-panel").getAttribute("data-runs")) ?? 0);
}

/**
 * Waits until more than `n` runs have finished.
 * @param {import("playwright-core").Page} page @param {number} n @param {number} [timeout] ms
 */
export async function waitRuns(page, n, timeout = 120_000) {
  await page.waitForFunction((m) => Number(document.getElementById("terminal-panel")?.dataset.runs ?? 0) > m, n, { timeout });
}

/**
 * Adds a .wasm to the Program panel and waits until it is the one picked.
 * @param {import("playwright-core").Page} page @param {string} name @param {Uint8Array} bytes
 */
export async function addProgram(page, name, bytes) {
  await page.setInputFiles("#wasm-input", { name, mimeType: "application/wasm", buffer: Buffer.from(bytes) });
  await page.waitForFunction((n) => document.getElementById("program-select")?.selectedOptions[0]?.textContent?.startsWith(n), name);
}
