// Builds the playground with Vite: `npm run build:www` → dist/www/, a static
// folder that works from any URL prefix (base "./"). The page imports wasi-web
// by its package name ("wasi-web", "wasi-web/preview2"), as an app using the
// npm package would; from this repository the name resolves to the package
// itself through its package.json "exports" (a package may import itself by
// name; Vite 8's resolver does this, so no alias or self-link is needed).
//   npx vite build -c www/vite.config.js [--outDir DIR]   build
//   npx vite -c www/vite.config.js                        dev server (http://127.0.0.1:8080/)
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { COMPONENT_EXAMPLES, EXAMPLES } from "./app/examples.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const at = (/** @type {string} */ p) => path.join(REPO, p);

/** The example .wasm files: where the page fetches them → where they are built. */
function exampleFiles() {
  /** @type {Map<string, string>} */
  const files = new Map();
  for (const { name } of EXAMPLES) files.set(`examples/${name}.wasm`, at(`tests/guests/out/${name}.wasm`));
  for (const { name } of COMPONENT_EXAMPLES) files.set(`examples/p2/${name}.wasm`, at(`tests/p2guests/out/${name}.wasm`));
  return files;
}

/**
 * Copies the example programs into the build (examples/, examples/p2/) and
 * serves them from the dev server. Core examples are needed (npm run build
 * makes them); component examples are built by tests/p2guests/build.sh if
 * missing (it skips without the wasm32-wasip2 target; they then fail to load).
 * @returns {import("vite").Plugin}
 */
function examples() {
  return {
    name: "wasi-web-playground-examples",
    buildStart() {
      const p2Missing = COMPONENT_EXAMPLES.some(({ name }) => !fs.existsSync(at(`tests/p2guests/out/${name}.wasm`)));
      if (p2Missing && fs.existsSync(at("tests/p2guests/build.sh"))) {
        try {
          execFileSync("bash", [at("tests/p2guests/build.sh")], { stdio: ["ignore", "inherit", "inherit"] });
        } catch {
          this.warn("tests/p2guests/build.sh failed");
        }
      }
    },
    generateBundle() {
      for (const [fileName, source] of exampleFiles()) {
        if (fs.existsSync(source)) this.emitFile({ type: "asset", fileName, source: fs.readFileSync(source) });
        else if (fileName.startsWith("examples/p2/"))
          this.warn(`${path.relative(REPO, source)} is missing: that component example will not load`);
        else this.error(`${path.relative(REPO, source)} is missing: run npm run build first`);
      }
    },
    configureServer(server) {
      const files = exampleFiles();
      server.middlewares.use((req, res, next) => {
        const source = files.get(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).slice(1));
        if (!source || !fs.existsSync(source)) return next();
        res.setHeader("content-type", "application/wasm");
        fs.createReadStream(source).pipe(res);
      });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  publicDir: false,
  resolve: {
    alias: [
      // jco's transpiler is a component; its WASI 0.2 imports run on wasi-web's
      // host (an app using the npm package would alias to wasi-web/preview2/*).
      { find: /^@bytecodealliance\/preview2-shim\/(cli|clocks|filesystem|io|random)$/, replacement: at("js/preview2/$1.js") },
    ],
  },
  // Top-level await (main.js and the worker await the core's init()) and JSPI-era browsers.
  build: {
    target: "esnext",
    outDir: at("dist/www"),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: "es" },
  // Pre-bundling would lose the `new URL("….wasm", import.meta.url)` next to these modules.
  optimizeDeps: { exclude: ["wasi-web", "@bytecodealliance/jco", "@bytecodealliance/jco-transpile"], include: [] },
  server: { host: "127.0.0.1", port: 8080, fs: { allow: [REPO] } },
  preview: { host: "127.0.0.1", port: 8080 },
  plugins: [examples()],
});
