#!/usr/bin/env node
// Builds the playground into a static folder (default dist/www) that any web
// server can host, at any URL prefix:
//   index.html  style.css  app/       the page (app/lib.js and the import map rewritten to the copies below)
//   js/                               the wasi-web package (browser files)
//   pkg/                              the core (wasi_web.js, wasi_web_bg.wasm, snippets/)
//   examples/*.wasm                   the example programs
//   examples/p2/*.wasm                the component examples (tests/p2guests/build.sh, run here if needed)
//   vendor/@bytecodealliance/         jco's browser build and transpiler (node_modules/… in the
//                                     repository; not node_modules/ here, which some hosts skip)
// Needs pkg/ and tests/guests/out/ (npm run build makes both). Without jco
// (an optional dependency) or the component examples the page still builds;
// components then fail to run with a message saying why.
//   node www/tools/build.js [OUT_DIR]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { COMPONENT_EXAMPLES, EXAMPLES } from "../app/examples.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(REPO, "dist", "www"));
const at = (/** @type {string} */ p) => path.join(REPO, p);

/** @param {string} what @param {string} file */
function need(what, file) {
  if (!fs.existsSync(file)) {
    console.error(`build:www: ${what} is missing (${path.relative(REPO, file)}): run npm run build first`);
    process.exit(1);
  }
}
need("the core", at("pkg/wasi_web_bg.wasm"));
for (const { name } of EXAMPLES) need(`the example ${name}`, at(`tests/guests/out/${name}.wasm`));

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

/** @param {string} from @param {string} to @param {(name: string) => boolean} [keep] */
function copy(from, to, keep = () => true) {
  fs.cpSync(from, path.join(out, to), { recursive: true, filter: (src) => keep(path.relative(from, src)) });
}

// The import map's paths, relative to the page, go from the repository's
// layout (../js/, ../node_modules/) to the copies next to index.html (js/, vendor/).
const html = fs.readFileSync(at("www/index.html"), "utf8");
const mapped = html
  .replaceAll('": "../node_modules/', '": "./vendor/')
  .replaceAll('": "../js/', '": "./js/')
  .replaceAll('href="../node_modules/', 'href="./vendor/');
if (mapped.includes('"../')) {
  console.error("build:www: index.html's import map has a path this build does not rewrite");
  process.exit(1);
}
fs.writeFileSync(path.join(out, "index.html"), mapped);
copy(at("www/style.css"), "style.css");
copy(at("www/app"), "app", (rel) => rel !== "lib.js");
fs.writeFileSync(
  path.join(out, "app/lib.js"),
  `// The wasi-web package and the example programs, copied next to the page by www/tools/build.js.
export * from "../js/index.js";

export { WASIp2 } from "../js/preview2/index.js";

/** Where the example programs' .wasm files are (a URL ending in "/"). */
export const EXAMPLES_URL = new URL("../examples/", import.meta.url).href;

/** Where the component examples' .wasm files are (a URL ending in "/"). */
export const COMPONENT_EXAMPLES_URL = new URL("../examples/p2/", import.meta.url).href;
`,
);
// The package's browser files: no Node-only parts (js/node/, the CLI).
copy(at("js"), "js", (rel) => rel === "" || !(rel === "node" || rel.startsWith(`node${path.sep}`) || rel === "cli.js"));
copy(at("pkg"), "pkg", (rel) => rel === "" || rel === "snippets" || rel.startsWith(`snippets${path.sep}`) || /^wasi_web(_bg)?\.(js|wasm)$/.test(rel));
fs.mkdirSync(path.join(out, "examples"));
for (const { name } of EXAMPLES) fs.copyFileSync(at(`tests/guests/out/${name}.wasm`), path.join(out, "examples", `${name}.wasm`));

// The component examples: built by tests/p2guests/build.sh (which skips when
// the wasm32-wasip2 target is missing).
const p2 = (/** @type {string} */ name) => at(`tests/p2guests/out/${name}.wasm`);
if (COMPONENT_EXAMPLES.some(({ name }) => !fs.existsSync(p2(name))) && fs.existsSync(at("tests/p2guests/build.sh"))) {
  try {
    execFileSync("bash", [at("tests/p2guests/build.sh")], { stdio: ["ignore", "inherit", "inherit"] });
  } catch {
    console.warn("build:www: tests/p2guests/build.sh failed");
  }
}
fs.mkdirSync(path.join(out, "examples", "p2"));
for (const { name } of COMPONENT_EXAMPLES) {
  if (fs.existsSync(p2(name))) fs.copyFileSync(p2(name), path.join(out, "examples", "p2", `${name}.wasm`));
  else console.warn(`build:www: the component example ${name} is missing (tests/p2guests/out/${name}.wasm): it will not load`);
}

// jco's browser files, where the rewritten import map points (vendor/ for node_modules/).
const JCO_FILES = [
  "node_modules/@bytecodealliance/jco/dist/browser.js",
  "node_modules/@bytecodealliance/jco-transpile/vendor/js-component-bindgen-component.js",
  "node_modules/@bytecodealliance/jco-transpile/vendor/js-component-bindgen-component.core.wasm",
  "node_modules/@bytecodealliance/jco-transpile/vendor/js-component-bindgen-component.core2.wasm",
];
if (JCO_FILES.every((file) => fs.existsSync(at(file)))) {
  for (const file of JCO_FILES) {
    const to = path.join(out, file.replace(/^node_modules\//, "vendor/"));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(at(file), to);
  }
  for (const pkg of ["jco", "jco-transpile"]) {
    for (const name of ["LICENSE", "package.json"]) {
      const file = `node_modules/@bytecodealliance/${pkg}/${name}`;
      if (fs.existsSync(at(file))) fs.copyFileSync(at(file), path.join(out, file.replace(/^node_modules\//, "vendor/")));
    }
  }
} else {
  console.warn("build:www: @bytecodealliance/jco is not installed (npm install): components will not run in this build");
}

// The page's own dependencies (xterm.js, fflate): needed, so a missing one fails the build.
const VENDOR_FILES = [
  "node_modules/@xterm/xterm/lib/xterm.mjs",
  "node_modules/@xterm/xterm/css/xterm.css",
  "node_modules/@xterm/xterm/LICENSE",
  "node_modules/@xterm/xterm/package.json",
  "node_modules/fflate/esm/browser.js",
  "node_modules/fflate/LICENSE",
  "node_modules/fflate/package.json",
];
for (const file of VENDOR_FILES) {
  if (!fs.existsSync(at(file))) {
    console.error(`build:www: ${file} is missing: run npm install`);
    process.exit(1);
  }
  const to = path.join(out, file.replace(/^node_modules\//, "vendor/"));
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(at(file), to);
}

// Keep the build out of git without touching the repository's .gitignore.
if (path.dirname(out) === at("dist")) fs.writeFileSync(at("dist/.gitignore"), "# built by npm run build:www\n*\n");

let files = 0;
let bytes = 0;
for (const entry of fs.readdirSync(out, { recursive: true, withFileTypes: true })) {
  if (entry.isFile()) {
    files++;
    bytes += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
  }
}
console.log(`build:www: ${path.relative(process.cwd(), out) || "."}: ${files} files, ${(bytes / 1e6).toFixed(2)} MB`);
console.log(`build:www: try it with: node www/tools/serve.js ${path.relative(process.cwd(), out)}`);
