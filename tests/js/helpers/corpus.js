// The conformance corpus: tests/conformance/*.json, guests in tests/guests/out/.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MemFS } from "../../../js/index.js";
import { fromHostDir } from "../../../js/node/host-dirs.js";

export const REPO = fileURLToPath(new URL("../../..", import.meta.url));
export const CONFORMANCE = path.join(REPO, "tests/conformance");
export const FIXTURES = path.join(CONFORMANCE, "fixtures");
export const GUESTS = path.join(REPO, "tests/guests/out");
export const TRAP_EXIT_CODE = 134;

/**
 * @typedef {{ name: string, wasm: string, wasmPath: string, args: string[], env: Record<string, string>,
 *   dirs: string[], stdin: string, exitCode: number, stdout: string, wasmtimeDiffers?: string }} Case
 */

/** Every manifest, sorted by name; WASI_WEB_ONLY=a,b narrows the list. @returns {Case[]} */
export function loadCorpus() {
  if (!fs.existsSync(CONFORMANCE)) return [];
  const only = process.env.WASI_WEB_ONLY?.split(",").filter(Boolean);
  return fs
    .readdirSync(CONFORMANCE)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -5);
      const m = JSON.parse(fs.readFileSync(path.join(CONFORMANCE, f), "utf8"));
      const wasm = m.wasm ?? `${name}.wasm`;
      return {
        name,
        wasm,
        wasmPath: path.join(GUESTS, wasm),
        args: m.args ?? [],
        env: m.env ?? {},
        dirs: m.dirs ?? [],
        stdin: m.stdin ?? "",
        exitCode: m.exit_code ?? 0,
        stdout: m.stdout ?? "",
        wasmtimeDiffers: m.wasmtime_differs,
      };
    })
    .filter((c) => !only || only.includes(c.name));
}

/** The guest's bytes, or a failed assertion that says how to build them. */
export function readGuest(c) {
  assert.ok(fs.existsSync(c.wasmPath), `${c.wasmPath} is missing: run bash tests/guests/build.sh (npm run build)`);
  return fs.readFileSync(c.wasmPath);
}

/** The fixture directory of a dir name (it may not exist: the dir starts empty). */
export function fixtureDir(dir) {
  return path.join(FIXTURES, dir);
}

/** Copies the case's fixture dirs into a fresh temp dir; returns its path. */
export function copyFixtures(c, tmpRoot) {
  for (const d of c.dirs) {
    const src = fixtureDir(d);
    const dst = path.join(tmpRoot, d);
    if (fs.existsSync(src)) fs.cpSync(src, dst, { recursive: true, verbatimSymlinks: true });
    else fs.mkdirSync(dst, { recursive: true });
  }
  return tmpRoot;
}

/**
 * A MemFS holding the case's fixture dirs (each at `/<name>`, empty when it
 * has no fixture) and the preopens naming them.
 * @returns {{ memfs: MemFS, preopens: Record<string, string> }}
 */
export function mountFixtures(c) {
  const memfs = new MemFS();
  const preopens = {};
  for (const d of c.dirs) {
    const at = `/${d}`;
    if (fs.existsSync(fixtureDir(d))) fromHostDir(fixtureDir(d), { fs: memfs, at });
    else memfs.mkdir(at, { recursive: true });
    preopens[d] = at;
  }
  return { memfs, preopens };
}

/** Asserts exit code and exact stdout, showing stderr on failure. */
export function checkResult(c, { exitCode, stdout, stderr, trap }) {
  const context = `${c.name}${trap ? `\ntrap: ${trap}` : ""}${stderr ? `\nstderr:\n${stderr}` : ""}`;
  assert.equal(stdout, c.stdout, `stdout of ${context}`);
  assert.equal(exitCode, c.exitCode, `exit code of ${context}`);
}
