// What the tests need that they do not make themselves. The guests are built
// once, by scripts/build.sh (tests/guests/build.sh, tests/p2guests/build.sh),
// and the npm packages come from `npm ci` (scripts/bootstrap.sh): a test
// only checks that they are there and fails, saying how to get them, when
// they are not. A missing prerequisite is a failure, never a skip, so a
// machine without it cannot pass.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../..", import.meta.url));
export const P2_OUT = path.join(REPO, "tests/p2guests/out");

/** Throws, saying how to make it, unless `file` exists. Returns `file`. */
export function requireFile(file, how) {
  if (!fs.existsSync(file)) throw new Error(`${path.relative(REPO, file)} is missing: ${how}`);
  return file;
}

/** The path of a built WASI 0.2 test component (tests/p2guests/out/<name>.wasm). */
export function p2Guest(name) {
  return requireFile(path.join(P2_OUT, `${name}.wasm`), "run bash tests/p2guests/build.sh (scripts/build.sh runs it)");
}

/** Checks that each WASI 0.2 test component is built. */
export function requireP2Guests(...names) {
  for (const name of names) p2Guest(name);
}

/** The path of a built WASI 0.3 test component (tests/p3guests/out/<name>.wasm). */
export function p3Guest(name) {
  return requireFile(path.join(REPO, "tests/p3guests/out", `${name}.wasm`), "run bash tests/p3guests/build.sh (scripts/build.sh runs it)");
}

/** Checks that an npm package (a devDependency) is installed; returns its directory. */
export function requirePackage(name, file = "package.json") {
  requireFile(path.join(REPO, "node_modules", name, file), "run npm ci (scripts/bootstrap.sh does)");
  return path.join(REPO, "node_modules", name);
}
