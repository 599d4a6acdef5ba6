#!/usr/bin/env node
// Regenerates tests/conformance/preview2-compare.md: the Preview 1 corpus,
// componentized with jco's command adapter, on wasi-web's Preview 2 host and
// on @bytecodealliance/preview2-shim, plus wasmtime's Preview 2 host as a
// reference column when python3 has wasmtime-py (pip install wasmtime).
//
//   node scripts/preview2-compare.mjs               # all three hosts
//   node scripts/preview2-compare.mjs --no-wasmtime # wasi-web and preview2-shim only
//
// Needs the built guests (bash tests/guests/build.sh) and the devDependencies.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { loadCorpus, REPO } from "../tests/js/helpers/corpus.js";
import { COMPARE_MD, compareCorpus, hasWasmtimeP2, renderMarkdown, tally } from "../tests/js/helpers/preview2-compare.js";
import { hasAdapter, hasShim } from "../tests/js/helpers/preview2-corpus.js";

const fail = (message) => {
  console.error(`preview2-compare: ${message}`);
  process.exit(1);
};

if (process.env.WASI_WEB_ONLY) fail("unset WASI_WEB_ONLY: the table covers the whole corpus");
if (!hasAdapter() || !hasShim()) fail("npm install first (@bytecodealliance/jco and @bytecodealliance/preview2-shim)");
const corpus = loadCorpus();
const missing = corpus.filter((c) => !fs.existsSync(c.wasmPath)).map((c) => c.wasm);
if (missing.length) fail(`guests not built (bash tests/guests/build.sh): ${[...new Set(missing)].join(", ")}`);

const wasmtime = !process.argv.includes("--no-wasmtime") && hasWasmtimeP2();
if (!wasmtime) console.error("preview2-compare: no wasmtime column (--no-wasmtime, or python3 lacks wasmtime-py)");

const version = (pkg) => JSON.parse(fs.readFileSync(path.join(REPO, "node_modules", pkg, "package.json"), "utf8")).version;
const versions = {
  shimVersion: version("@bytecodealliance/preview2-shim"),
  jcoVersion: version("@bytecodealliance/jco"),
  wasmtimeVersion: wasmtime
    ? spawnSync("python3", ["-c", "import importlib.metadata as m; print(m.version('wasmtime'))"], { encoding: "utf8" }).stdout.trim()
    : undefined,
};

const rows = await compareCorpus(corpus, {
  wasmtime,
  onRow: (r) => console.error(`${r.name}: wasi-web ${r.wasiWeb.pass ? "pass" : "FAIL"}, preview2-shim ${r.shim.pass ? "pass" : "FAIL"}`),
});
fs.writeFileSync(COMPARE_MD, renderMarkdown(rows, versions));
const t = tally(rows);
console.log(
  `wrote ${path.relative(REPO, COMPARE_MD)}: wasi-web ${t.wasiWeb}/${t.total}, preview2-shim ${t.shim}/${t.total}` +
    (t.wasmtime !== undefined ? `, wasmtime ${t.wasmtime}/${t.total}` : "") +
    `; only preview2-shim: ${t.onlyShim.join(", ") || "none"}`,
);
