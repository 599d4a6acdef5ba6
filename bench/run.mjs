// The benchmark: wasi-web against @bjorn3/browser_wasi_shim (same headless
// Chromium page) and node:wasi (Node), plus wasi-web in Node. Prints a table
// and writes bench/results.md. Run through `npm run bench` (bench/run.sh),
// which builds the guest and fetches the real program first.
//
//   node bench/run.mjs [--repeats=3] [--only=small,meta] [--no-browser] [--no-node] [--out=bench/results.md]
//
// Hosts run one after another (never in parallel): each timing is the median
// of `repeats` samples, each sample the mean time per run over >= 200 ms
// (in Node, each sample in a fresh process after one warm-up run).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BENCH, GUEST_FILES, GUEST_URLS, ROOT, fmtMs, gzipSize, launchChromium, median, nodeHost } from "./lib/common.mjs";
import { MIN_SAMPLE_MS, SIZE_TARGET_BYTES, TARGETS, WORKLOADS } from "./lib/workloads.mjs";
import { startServer } from "../js/node/server.js";
import { measureSizes } from "./lib/size.mjs";

const opts = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`bad argument ${a}`);
    return [m[1], m[2] ?? true];
  }),
);
const REPEATS = Number(opts.repeats ?? 3);
const STARTUP_REPEATS = Number(opts["startup-repeats"] ?? 5);
const OUT = path.resolve(ROOT, opts.out ?? "bench/results.md");
const only = opts.only ? new Set(String(opts.only).split(",")) : null;
const log = (...a) => console.error("bench:", ...a);
const loadAtStart = os.loadavg()[0];

const workloads = WORKLOADS.filter((w) => !only || only.has(w.name) || only.has(w.name.split(" ")[0])).filter((w) => {
  if (fs.existsSync(GUEST_FILES[w.guest])) return true;
  log(`skipping "${w.name}": ${path.relative(ROOT, GUEST_FILES[w.guest])} is missing (run bench/run.sh)`);
  return false;
});

/** results[workload][host] = { ms: median, samples, result } ; host: wasi-web, shim (page), wasi-web-node, wasi-web-mount, node */
/** Workloads also run on a host-folder mount, against node:wasi (target: within 1.5×). */
const MOUNT_WORKLOADS = ["small", "meta"];
const MOUNT_TARGET = 1.5;
const results = Object.fromEntries(workloads.map((w) => [w.name, {}]));

// ---- Node: wasi-web and node:wasi, each workload in a fresh process -------
if (!opts["no-node"]) {
  // Samples alternate between the hosts (A B A B ...), so a burst of load
  // from someone else's build hits both rather than one.
  for (const w of workloads) {
    const hosts = [
      ["wasi-web-node", "wasi-web"],
      // The CLI's --dir: /work a live hostFolder mount (issue 13).
      ...(MOUNT_WORKLOADS.includes(w.name) ? [["wasi-web-mount", "wasi-web-mount"]] : []),
      ...(w.peers.includes("node") ? [["node", "node"]] : []),
    ];
    log(`node  ${hosts.map(([, h]) => h).join(" vs ")}: ${w.name} ${w.args.slice(1).join(" ")}`);
    const acc = Object.fromEntries(hosts.map(([key]) => [key, { samples: [], runs: [], crashes: 0 }]));
    for (let i = 0; i < REPEATS; i++) {
      for (const [key, host] of hosts) {
        const r = nodeHost(host, w.name, 1);
        acc[key].samples.push(...r.ms);
        acc[key].runs.push(...r.runs);
        acc[key].result = r.result;
        acc[key].crashes += r.crashes;
        if (r.crashes) log(`  ${host} crashed ${r.crashes}× (retried)`);
      }
    }
    for (const [key, a] of Object.entries(acc)) results[w.name][key] = { ms: median(a.samples), ...a };
  }
}

// ---- Chromium: wasi-web and browser_wasi_shim in one page -----------------
let chromiumVersion = "";
const startup = {};
let pageFiles = {};
if (!opts["no-browser"]) {
  const server = await startServer(ROOT, { crossOriginIsolated: false });
  const browser = await launchChromium();
  chromiumVersion = browser.version();
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => log("page error:", e.message));
    await page.goto(`${server.url}/bench/page/index.html`);
    await page.evaluate(async () => {
      window.bench = await import("/bench/page/page.mjs");
    });
    for (const w of workloads) {
      const spec = { args: w.args, inputs: w.inputs ?? {}, outputs: w.outputs ?? [] };
      const hosts = ["wasi-web", ...(w.peers.includes("shim") ? ["shim"] : [])];
      log(`page  ${hosts.join(" vs ")}: ${w.name} ${w.args.slice(1).join(" ")}`);
      const acc = Object.fromEntries(hosts.map((h) => [h, { samples: [], runs: [] }]));
      for (let i = 0; i < REPEATS; i++) {
        for (const host of hosts) {
          const r = await page.evaluate(
            ([host, url, spec, minMs, warmup]) => window.bench.measure(host, url, spec, 1, minMs, warmup),
            [host, GUEST_URLS[w.guest], spec, MIN_SAMPLE_MS, i === 0],
          );
          acc[host].samples.push(...r.ms);
          acc[host].runs.push(...r.runs);
          acc[host].result = r.result;
        }
      }
      for (const [host, a] of Object.entries(acc)) results[w.name][host] = { ms: median(a.samples), ...a };
    }
    await page.close();

    // Start-up: a fresh context (no caches) per sample; also records which
    // files each library makes the page fetch.
    const startupSamples = { "wasi-web": [], shim: [] };
    for (let i = 0; i < STARTUP_REPEATS; i++) {
      for (const host of ["wasi-web", "shim"]) {
        const context = await browser.newContext();
        const p = await context.newPage();
        const fetched = new Set();
        p.on("request", (req) => {
          const u = new URL(req.url());
          if (!u.pathname.startsWith("/bench/")) fetched.add(u.pathname);
        });
        await p.goto(`${server.url}/bench/page/startup.html?host=${host}`);
        const s = await p.waitForFunction(() => window.startup, null, { timeout: 30_000 }).then((h) => h.jsonValue());
        if (!s.ok) throw new Error(`${host} start-up did not produce an import object`);
        startupSamples[host].push(s.ms);
        pageFiles[host] = [...fetched].sort();
        await context.close();
      }
    }
    for (const [host, samples] of Object.entries(startupSamples)) startup[host] = { ms: median(samples), samples };
  } finally {
    await browser.close();
    await server.close();
  }
}

// Start-up in fresh Node processes.
const nodeStartup = {};
if (!opts["no-node"]) {
  const samples = { "wasi-web": [], shim: [], node: [] };
  for (let i = 0; i < STARTUP_REPEATS; i++) {
    for (const host of Object.keys(samples)) {
      const r = spawnSync(process.execPath, [path.join(BENCH, "node-startup.mjs"), host], { cwd: ROOT, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`node-startup ${host}: ${r.stderr}`);
      samples[host].push(JSON.parse(r.stdout.trim()).ms);
    }
  }
  for (const [host, s] of Object.entries(samples)) nodeStartup[host] = { ms: median(s), samples: s };
}

// ---- Sizes ----------------------------------------------------------------
// pkg/ may be a plain `wasm-pack build` (function names kept, no wasm-opt)
// or scripts/build.sh's (wasm-opt -Oz, names dropped). What ships is the
// latter, so the same wasm-opt pass is applied to a copy when names are there.
const sizes = {};
{
  const wasm = path.join(ROOT, "pkg/wasi_web_bg.wasm");
  const m = new WebAssembly.Module(fs.readFileSync(wasm));
  sizes.wasmRaw = fs.statSync(wasm).size;
  sizes.nameSection = WebAssembly.Module.customSections(m, "name").reduce((s, b) => s + b.byteLength, 0);
  let shipped = wasm;
  if (sizes.nameSection) {
    const copy = path.join(BENCH, ".cache/wasi_web_bg.oz.wasm");
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    const flags = [
      "--enable-bulk-memory",
      "--enable-nontrapping-float-to-int",
      "--enable-sign-ext",
      "--enable-mutable-globals",
      "--enable-multivalue",
      "--enable-reference-types",
    ];
    const r = spawnSync(path.join(ROOT, "node_modules/.bin/wasm-opt"), ["-Oz", "--converge", ...flags, wasm, "-o", copy], {
      encoding: "utf8",
    });
    if (r.status === 0) shipped = copy;
    else log(`wasm-opt failed (sizes are of the unoptimised core): ${r.stderr}`);
  }
  sizes.shippedWasmRaw = fs.statSync(shipped).size;
  Object.assign(sizes, await measureSizes(shipped));
  for (const [host, files] of Object.entries(pageFiles)) {
    const local = files.map((f) => f.slice(1)).filter((f) => fs.existsSync(path.join(ROOT, f)));
    sizes[host] = { files: local, gzip: local.reduce((sum, f) => sum + gzipSize(path.join(ROOT, f)), 0) };
  }
}

// ---- Cross-checks ---------------------------------------------------------
const HOST_LABEL = {
  "wasi-web": "wasi-web (page)",
  shim: "browser_wasi_shim (page)",
  "wasi-web-node": "wasi-web (Node)",
  "wasi-web-mount": "wasi-web on a host mount (Node)",
  node: "node:wasi",
};
const problems = [];
for (const w of workloads) {
  const byHost = results[w.name];
  const refKey = byHost.node ? "node" : Object.keys(byHost)[0];
  const ref = byHost[refKey]?.result;
  for (const [key, r] of Object.entries(byHost)) {
    const why = [];
    if (r.result.exitCode !== 0) why.push(`exit code ${r.result.exitCode} ${r.result.stderr}`);
    if (w.guest === "bench" && !/verify=ok$/.test(r.result.lastLine)) why.push(`guest says: ${r.result.lastLine}`);
    if (w.guest === "resvg" && !(r.result.files["out.png"] ?? "missing").match(/^\d+:/)) why.push("no out.png");
    if (ref && JSON.stringify(pick(r.result)) !== JSON.stringify(pick(ref))) {
      why.push(`output differs from ${HOST_LABEL[refKey]}: ${JSON.stringify(pick(r.result))} vs ${JSON.stringify(pick(ref))}`);
    }
    r.ok = why.length === 0;
    if (!r.ok) problems.push(`${w.name} on ${HOST_LABEL[key]}: ${why.join("; ")}`);
  }
}
function pick(r) {
  return { exitCode: r.exitCode, stdoutBytes: r.stdoutBytes, stdoutFnv: r.stdoutFnv, lastLine: r.lastLine, files: r.files };
}

// ---- Table ----------------------------------------------------------------
function verdict(ratio, target) {
  if (target == null) return "";
  return ratio <= target ? `met (≤ ${target}×)` : `**missed** (≤ ${target}×)`;
}
function cell(r) {
  if (!r) return "–";
  return r.ok ? fmtMs(r.ms) : `${fmtMs(r.ms)} WRONG`;
}
function ratioCells(mine, peer, target) {
  if (!mine || !peer) return ["–", ""];
  if (!mine.ok || !peer.ok) return ["n/a (wrong output)", target != null ? "**missed**" : ""];
  const ratio = mine.ms / peer.ms;
  return [`${ratio < 0.1 ? ratio.toFixed(4) : ratio.toFixed(2)}×`, verdict(ratio, target)];
}

const lines = [];
lines.push("### Chromium: wasi-web vs browser_wasi_shim (same page)", "");
lines.push("| workload | size | wasi-web | browser_wasi_shim | ratio | target |", "| --- | --- | ---: | ---: | ---: | --- |");
for (const w of workloads) {
  const r = results[w.name];
  if (!r["wasi-web"] && !r.shim) continue;
  const [ratio, met] = ratioCells(r["wasi-web"], r.shim, TARGETS[w.name]?.shim);
  lines.push(`| ${w.name} | ${sizeLabel(w)} | ${cell(r["wasi-web"])} | ${cell(r.shim)} | ${ratio} | ${met} |`);
}
lines.push("", "### Node: wasi-web vs node:wasi", "");
lines.push("| workload | size | wasi-web | node:wasi | ratio | target |", "| --- | --- | ---: | ---: | ---: | --- |");
for (const w of workloads) {
  const r = results[w.name];
  if (!r["wasi-web-node"] && !r.node) continue;
  const [ratio, met] = ratioCells(r["wasi-web-node"], r.node, TARGETS[w.name]?.node);
  lines.push(`| ${w.name} | ${sizeLabel(w)} | ${cell(r["wasi-web-node"])} | ${cell(r.node)} | ${ratio} | ${met} |`);
}
lines.push("", "### Node: wasi-web on a host-folder mount (the CLI's --dir) vs node:wasi", "");
lines.push(
  "The guest's /work is a live `hostFolder(fs, dir)` mount of a temp directory (as node:wasi's preopen is): every file operation is a host one.",
  "",
);
lines.push("| workload | size | wasi-web, mount | node:wasi | ratio | target |", "| --- | --- | ---: | ---: | ---: | --- |");
for (const w of workloads) {
  const r = results[w.name];
  if (!r["wasi-web-mount"]) continue;
  const [ratio, met] = ratioCells(r["wasi-web-mount"], r.node, MOUNT_TARGET);
  lines.push(`| ${w.name} | ${sizeLabel(w)} | ${cell(r["wasi-web-mount"])} | ${cell(r.node)} | ${ratio} | ${met} |`);
}
lines.push("", "### Size and start-up", "");
lines.push("| what | wasi-web | browser_wasi_shim | node:wasi | target |", "| --- | ---: | ---: | ---: | --- |");
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
const sizeVerdict = (bytes) => (bytes <= SIZE_TARGET_BYTES ? "met" : "**missed**") + ` (≤ ${SIZE_TARGET_BYTES / 1000} KB)`;
lines.push(
  `| shipped core, gzipped: pkg/wasi_web_bg.wasm (${kb(sizes.shippedWasmRaw)} after scripts/build.sh's \`wasm-opt -Oz\`) + pkg/wasi_web.js (wasm-bindgen glue) | ${kb(sizes.core)} (wasm ${kb(sizes.wasmGzip)}, glue ${kb(sizes.glueGzip)}) | | built in | ${sizeVerdict(sizes.core)} |`,
  `| a page's download to start: the core + the JS that \`import { WASI, MemFS } from "wasi-web"\` loads, bundled and minified (rolldown, as Vite ships it), gzipped | ${kb(sizes.bundled.start)} (JS ${kb(sizes.bundled.jsStart)}) | | | ${sizeVerdict(sizes.bundled.start)} |`,
  `| the same with the lazily loaded chunks (the Preview 2 runner) | ${kb(sizes.bundled.all)} (JS ${kb(sizes.bundled.jsAll)} in ${sizes.bundled.chunks} chunks) | | | |`,
  `| the start-up files as published, unminified, each gzipped | ${kb(sizes.published.gzip)} (${sizes.published.files} files, js/ ${kb(sizes.published.jsGzip)}) | | | |`,
);
if (sizes["wasi-web"]) {
  lines.push(
    `| files the bench page fetches, gzipped (unminified, as served) | ${kb(sizes["wasi-web"].gzip)} (${sizes["wasi-web"].files.length} files) | ${kb(sizes.shim.gzip)} (${sizes.shim.files.length} files) | | |`,
  );
}
if (startup["wasi-web"]) {
  lines.push(`| start-up in Chromium, import → ready | ${fmtMs(startup["wasi-web"].ms)} | ${fmtMs(startup.shim.ms)} | | |`);
}
if (nodeStartup["wasi-web"]) {
  lines.push(
    `| start-up in Node, import → ready | ${fmtMs(nodeStartup["wasi-web"].ms)} | ${fmtMs(nodeStartup.shim.ms)} | ${fmtMs(nodeStartup.node.ms)} | |`,
  );
}

function sizeLabel(w) {
  if (w.guest === "resvg") return "1 render, 320×240";
  const n = Number(w.args[2]);
  const unit = { small: "writes+reads of 16 B", big: "MiB", meta: "files", clock: "calls", seek: "seeks+writes", print: "lines" }[
    w.args[1]
  ];
  return `${n.toLocaleString("en")} ${unit}`;
}

const cpu = os.cpus()[0]?.model ?? "?";
const header = [
  `Run ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} on ${cpu} (${os.cpus().length} cores), Node ${process.version}` +
    (chromiumVersion ? `, Chromium ${chromiumVersion}` : "") +
    `, load average ${loadAtStart.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} (other builds share the machine)` +
    `, wasi-web ${gitRev()} (pkg/wasi_web_bg.wasm ${(sizes.wasmRaw / 1000).toFixed(1)} KB, ${sizes.nameSection ? "plain wasm-pack build, not wasm-opt'd" : "wasm-opt'd"}); median of ${REPEATS} samples, each ≥ ${MIN_SAMPLE_MS} ms of runs (time per run shown).`,
  "",
];
function gitRev() {
  const r = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" });
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "src", "js", "pkg"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  return `${r.stdout.trim()}${dirty ? " + uncommitted src/js changes" : ""}`;
}
const crashLines = [];
for (const w of workloads) {
  for (const [key, r] of Object.entries(results[w.name])) {
    if (r.crashes)
      crashLines.push(`- ${HOST_LABEL[key]} crashed (SIGSEGV) ${r.crashes}× on ${w.name}; those samples were rerun in a fresh process.`);
  }
}
const problemLines = problems.length
  ? ["", "**Output mismatches (these runs do not count):**", "", ...problems.map((p) => `- ${p}`)]
  : ["", "All hosts produced the same output (exit code, stdout checksum, output files) for every workload."];

if (crashLines.length) problemLines.push("", ...crashLines);
const table = [...header, ...lines, ...problemLines].join("\n");
console.log(table);
// Raw samples, one line per workload: ms per run of each sample, and runs per sample.
const round = (x) => Number(x.toFixed(3));
const rawLines = workloads.map((w) =>
  JSON.stringify({
    workload: w.name,
    args: w.args.slice(1).join(" "),
    ...Object.fromEntries(Object.entries(results[w.name]).map(([k, r]) => [k, { ms: r.samples.map(round), runs: r.runs }])),
  }),
);
rawLines.push(JSON.stringify({ startup: Object.fromEntries(Object.entries(startup).map(([k, v]) => [k, v.samples.map(round)])) }));
rawLines.push(JSON.stringify({ nodeStartup: Object.fromEntries(Object.entries(nodeStartup).map(([k, v]) => [k, v.samples.map(round)])) }));
fs.writeFileSync(
  OUT,
  `# wasi-web benchmark results\n\nGenerated by \`npm run bench\` (bench/run.mjs); see bench/README.md for what each workload does and how to read this.\n\n${table}\n\n<details><summary>raw samples (ms per run; runs per sample)</summary>\n\n\`\`\`\n${rawLines.join("\n")}\n\`\`\`\n\n</details>\n`,
);
log(`wrote ${path.relative(ROOT, OUT)}`);
// The README carries the latest full table between two markers.
const readme = path.join(BENCH, "README.md");
if (!opts.out && !only && fs.existsSync(readme)) {
  const text = fs.readFileSync(readme, "utf8");
  const a = text.indexOf("<!-- results:start -->");
  const b = text.indexOf("<!-- results:end -->");
  if (a >= 0 && b > a) {
    fs.writeFileSync(readme, `${text.slice(0, a)}<!-- results:start -->\n${table}\n${text.slice(b)}`);
    log("updated the table in bench/README.md");
  }
}
if (problems.length) process.exitCode = 1;
