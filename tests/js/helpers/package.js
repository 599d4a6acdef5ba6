// The npm package as a user gets it: `npm pack` of the package's files, and
// temporary projects that install the tarball (from npm's cache when it has
// the other dependencies, as `npm ci` left them).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO, requireFile } from "./prereq.js";

/** What `npm pack` needs built: the core (pkg/) and the browser bundle (dist/browser/). */
const BUILT = [
  "pkg/wasi_web.js",
  "pkg/wasi_web_bg.wasm",
  "dist/browser/wasi-web.js",
  "dist/browser/worker.js",
  "dist/browser/wasi_web_bg.wasm",
];

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * `npm pack` of a clean copy of the package's files (package.json "files"),
 * without its prepack build, which scripts/build.sh has done. A copy, so
 * that a pkg/.gitignore a dev build left ("*") cannot drop files, and other
 * edits in the tree do not race the pack. Returns the tarball and the list
 * of files npm put in it.
 */
export function packTarball() {
  for (const file of BUILT) requireFile(path.join(REPO, file), "run scripts/build.sh (npm run build)");
  const stage = tempDir("wasi-web-stage-");
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
  for (const entry of [...manifest.files, "package.json"]) {
    const from = path.join(REPO, entry);
    if (!fs.existsSync(from)) continue;
    fs.cpSync(from, path.join(stage, entry), { recursive: true, filter: (src) => path.basename(src) !== ".gitignore" });
  }
  const out = tempDir("wasi-web-pack-");
  const json = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", out], {
    cwd: stage,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [info] = JSON.parse(json);
  return { tarball: path.join(out, info.filename), files: info.files.map((/** @type {{ path: string }} */ f) => f.path), size: info.size };
}

/**
 * A project in a temp directory whose package.json depends on the tarball
 * (and `dependencies`), installed with npm. `files` are copied in
 * (destination → source).
 * @param {string} tarball
 * @param {{ dependencies?: Record<string, string>, files?: Record<string, string>, from?: string }} [options]
 *   `from`: a directory (an example) copied in first; its package.json's
 *   "wasi-web" dependency is pointed at the tarball
 */
export function installProject(tarball, { dependencies = {}, files = {}, from } = {}) {
  const dir = tempDir("wasi-web-project-");
  if (from) fs.cpSync(from, dir, { recursive: true });
  const manifestPath = path.join(dir, "package.json");
  const manifest = fs.existsSync(manifestPath)
    ? JSON.parse(fs.readFileSync(manifestPath, "utf8"))
    : { name: "project", private: true, type: "module" };
  manifest.dependencies = { ...manifest.dependencies, ...dependencies, "wasi-web": `file:${tarball}` };
  fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [to, source] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    fs.copyFileSync(source, path.join(dir, to));
  }
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel", "error"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return dir;
}

/** jco's version range, as this repository's devDependency names it. */
export function jcoRange() {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
  return manifest.devDependencies["@bytecodealliance/jco"];
}
