// The pre-bundled browser entry (npm run build; shipped in the package):
// dist/browser/ holds what a page imports with no bundler and no import map,
// from a static folder or a CDN:
//   wasi-web.js            the package's API (js/index.js + wasi-web/preview2), ESM, minified
//   wasi_web_bg.wasm       the core, fetched by init() from next to wasi-web.js
//   worker.js              runInWorker()'s worker (self-contained; it gets the core from the page)
//   jco-*.js + *.core*.wasm  jco's transpiler, loaded only when a component is run
//   wasi-web-*.js          the WASI 0.3 host (with wasi:http 0.3), loaded only when a 0.3 component is run
//   jco-LICENSE            the licence of jco's code (Apache-2.0 WITH LLVM-exception)
// jco's own WASI 0.2 imports (@bytecodealliance/preview2-shim/*) are served
// by wasi-web's Preview 2 host, as in the tests' pages.
//   node scripts/bundle.mjs [outDir]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const at = (/** @type {string} */ p) => path.join(REPO, p);
const outDir = path.resolve(process.argv[2] ?? at("dist/browser"));
const JCO_TRANSPILE = at("node_modules/@bytecodealliance/jco-transpile/vendor");

if (!fs.existsSync(at("pkg/wasi_web_bg.wasm"))) throw new Error("pkg/ is missing: build the core first (scripts/build.sh)");

/**
 * The core's `new URL("../pkg/wasi_web_bg.wasm", import.meta.url)` (js/core.js)
 * names the .wasm next to the bundle instead.
 * @returns {import("rolldown").Plugin}
 */
function coreNextToBundle() {
  return {
    name: "wasi-web-core-url",
    transform(code, id) {
      if (path.resolve(id) !== at("js/core.js")) return null;
      const from = 'new URL("../pkg/wasi_web_bg.wasm", import.meta.url)';
      if (!code.includes(from)) this.error("js/core.js no longer names ../pkg/wasi_web_bg.wasm as the bundle expects");
      return { code: code.replace(from, 'new URL("./wasi_web_bg.wasm", import.meta.url)'), map: null };
    },
  };
}

/** jco's transpiler imports the WASI 0.2 shim: wasi-web's own interface modules serve it. */
const shimAlias = Object.fromEntries(
  ["cli", "clocks", "filesystem", "io", "random"].map((name) => [`@bytecodealliance/preview2-shim/${name}`, at(`js/preview2/${name}.js`)]),
);

fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });

// The page's entry, with jco in a chunk of its own (a dynamic import).
const main = await rolldown({
  input: { "wasi-web": at("js/bundle.js") },
  platform: "browser",
  // Code that the entry and jco's chunk share stays in the entry (which the
  // chunk then imports), rather than in a third file.
  preserveEntrySignatures: "allow-extension",
  resolve: { alias: shimAlias },
  plugins: [coreNextToBundle()],
  // jco's Node branch (node:fs/promises) is never taken in a page.
  external: [/^node:/],
  onLog(level, log, handler) {
    // jco's generated glue uses eval-free but `this`-at-top-level code; nothing to act on.
    if (log.code === "EVAL" || log.code === "THIS_IS_UNDEFINED") return;
    handler(level, log);
  },
});
// A chunk is named for whose code it holds: jco-*.js (jco's, under jco-LICENSE)
// or wasi-web-*.js (the WASI 0.3 host and wasi:http, loaded on first use).
const fromJco = (/** @type {string} */ id) => /[\\/]node_modules[\\/]@bytecodealliance[\\/]/.test(id);
await main.write({
  dir: outDir,
  format: "es",
  minify: true,
  entryFileNames: "[name].js",
  chunkFileNames: (chunk) => (chunk.moduleIds.some(fromJco) ? "jco-[hash].js" : "wasi-web-[hash].js"),
});
await main.close();

// runInWorker()'s worker: one self-contained file next to the entry.
const worker = await rolldown({ input: at("js/worker/worker.js"), platform: "browser", plugins: [coreNextToBundle()] });
await worker.write({ file: path.join(outDir, "worker.js"), format: "es", minify: true, codeSplitting: false });
await worker.close();

fs.copyFileSync(at("pkg/wasi_web_bg.wasm"), path.join(outDir, "wasi_web_bg.wasm"));
for (const file of ["js-component-bindgen-component.core.wasm", "js-component-bindgen-component.core2.wasm"]) {
  fs.copyFileSync(path.join(JCO_TRANSPILE, file), path.join(outDir, file));
}
// jco's code ships with its licence (jco-transpile's file; jco's package has none).
fs.copyFileSync(at("node_modules/@bytecodealliance/jco-transpile/LICENSE"), path.join(outDir, "jco-LICENSE"));

const sizes = fs.readdirSync(outDir).map((f) => `${f} ${fs.statSync(path.join(outDir, f)).size}`);
console.error(`bundle: ${path.relative(REPO, outDir)}: ${sizes.join(", ")}`);
