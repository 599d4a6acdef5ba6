// What wasi-web costs a page to download, three ways:
//   core      pkg/wasi_web_bg.wasm + pkg/wasi_web.js (the wasm-bindgen glue)
//   page      everything `import { WASI, MemFS } from "wasi-web"` loads before
//             it is ready: the core plus js/ modules in its static import
//             graph (dynamic imports, e.g. the Preview 2 runner, load on use)
//               - as published (each file gzipped on its own), and
//               - as a production bundler ships it (rolldown, minified)
//   all       the bundle with its lazy chunks too
// Every figure is gzip -9.
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { rolldown } from "rolldown";
import { ROOT } from "./common.mjs";

const gz = (data) => gzipSync(data, { level: 9 }).length;

/** js/ files reachable from `entry` through static imports and re-exports. */
export function staticGraph(entry) {
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = fs.readFileSync(file, "utf8");
    for (const m of src.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*"(\.[^"]+)"|^\s*import\s*"(\.[^"]+)"/gm)) {
      walk(path.resolve(path.dirname(file), m[1] ?? m[2]));
    }
  };
  walk(path.resolve(ROOT, entry));
  return [...seen];
}

/** Minified bundle of `entry` for browsers: entry chunk + static chunks, and all chunks. */
async function bundle(entry) {
  const bundler = await rolldown({ input: path.resolve(ROOT, entry), platform: "browser", logLevel: "silent" });
  const { output } = await bundler.generate({ format: "esm", minify: true });
  await bundler.close();
  const chunks = new Map(output.filter((o) => o.type === "chunk").map((c) => [c.fileName, c]));
  const start = new Set();
  const visit = (name) => {
    if (start.has(name)) return;
    start.add(name);
    for (const i of chunks.get(name).imports) visit(i);
  };
  visit([...chunks.values()].find((c) => c.isEntry).fileName);
  const size = (names) => names.reduce((s, n) => s + gz(chunks.get(n).code), 0);
  return { start: size([...start]), all: size([...chunks.keys()]), chunks: chunks.size, startChunks: start.size };
}

/**
 * @param {string} wasm the optimised core (what scripts/build.sh ships)
 */
export async function measureSizes(wasm) {
  const wasmGzip = gz(fs.readFileSync(wasm));
  const glueGzip = gz(fs.readFileSync(path.join(ROOT, "pkg/wasi_web.js")));
  const graph = staticGraph("js/index.js").filter((f) => !f.endsWith(path.join("pkg", "wasi_web.js")));
  const jsGzip = graph.reduce((s, f) => s + gz(fs.readFileSync(f)), 0);
  const b = await bundle("js/index.js");
  return {
    wasmGzip,
    glueGzip,
    core: wasmGzip + glueGzip,
    published: { gzip: wasmGzip + glueGzip + jsGzip, jsGzip, files: graph.length + 2 },
    bundled: {
      start: wasmGzip + b.start,
      all: wasmGzip + b.all,
      jsStart: b.start,
      jsAll: b.all,
      chunks: b.chunks,
      startChunks: b.startChunks,
    },
  };
}
