#!/usr/bin/env node
// Builds the playground into a static folder (default dist/www) that any web
// server can host, at any URL prefix:
//   index.html  style.css  app/       the page (app/lib.js rewritten to the copies below)
//   js/                               the wasi-web package (browser files)
//   pkg/                              the core (wasi_web.js, wasi_web_bg.wasm, snippets/)
//   examples/*.wasm                   the example programs
// Needs pkg/ and tests/guests/out/ (npm run build makes both).
//   node www/tools/build.js [OUT_DIR]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EXAMPLES } from "../app/examples.js";

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

copy(at("www/index.html"), "index.html");
copy(at("www/style.css"), "style.css");
copy(at("www/app"), "app", (rel) => rel !== "lib.js");
fs.writeFileSync(
  path.join(out, "app/lib.js"),
  `// The wasi-web package and the example programs, copied next to the page by www/tools/build.js.
export * from "../js/index.js";

/** Where the example programs' .wasm files are (a URL ending in "/"). */
export const EXAMPLES_URL = new URL("../examples/", import.meta.url).href;
`,
);
// The package's browser files: no Node-only parts (js/node/, the CLI).
copy(at("js"), "js", (rel) => rel === "" || !(rel === "node" || rel.startsWith(`node${path.sep}`) || rel === "cli.js"));
copy(at("pkg"), "pkg", (rel) => rel === "" || rel === "snippets" || rel.startsWith(`snippets${path.sep}`) || /^wasi_web(_bg)?\.(js|wasm)$/.test(rel));
fs.mkdirSync(path.join(out, "examples"));
for (const { name } of EXAMPLES) fs.copyFileSync(at(`tests/guests/out/${name}.wasm`), path.join(out, "examples", `${name}.wasm`));

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
