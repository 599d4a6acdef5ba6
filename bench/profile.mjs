// Where does wasi-web's time go? Profiles wasi-web on each workload
//   - in Node: `node --cpu-prof` around bench/node-host.mjs (one sample of runs)
//   - in the page: the DevTools protocol's Profiler (CDP) around page.mjs's measure()
// and writes bench/profiles/summary.md (top self-time functions, time per
// category); the raw .cpuprofile files stay in bench/profiles/ for DevTools.
//
//   node bench/profile.mjs [workload ...]   (bash bench/run.sh --profile ... builds first)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BENCH, GUEST_URLS, ROOT, launchChromium, nodeHost } from "./lib/common.mjs";
import { MIN_SAMPLE_MS, WORKLOADS } from "./lib/workloads.mjs";
import { startServer } from "../js/node/server.js";

const OUT_DIR = path.join(BENCH, "profiles");
const TOP = 12;
const SAMPLING_US = 100;
fs.mkdirSync(OUT_DIR, { recursive: true });
const wanted = process.argv.slice(2);
const workloads = WORKLOADS.filter((w) => !w.name.includes("(large)") || wanted.includes(w.name)).filter(
  (w) => wanted.length === 0 || wanted.includes(w.name) || wanted.includes(w.name.split(" ")[0]),
);
const slug = (name) => name.replace(/[^a-z0-9]+/gi, "-").replace(/-$/, "");
const log = (...a) => console.error("profile:", ...a);

/**
 * Self time (ms) per function and per category, from a V8 .cpuprofile;
 * only samples inside `windowUs` ([start, end] on the profile's clock) count.
 */
function analyse(profile, windowUs = null) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += deltas[i];
    if (windowUs && (t < windowUs[0] || t > windowUs[1])) continue;
    // Each sample counts as one sampling interval. (Weighting by the gap to
    // the next sample, as DevTools does, pins whole descheduled stretches on
    // whatever function was running: on a machine shared with other builds
    // that turned a 3 % function into 38 %.)
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + SAMPLING_US / 1000);
  }
  // Which wasm script is which. Chromium names a wasm script by its URL;
  // Node by wasm://wasm/<module name>-<hash>, the core's functions being wasi_web::... .
  const wasmKind = new Map();
  for (const n of profile.nodes) {
    const { url, functionName } = n.callFrame;
    if (/wasi_web_bg\.wasm/.test(url) || (url.startsWith("wasm://") && /wasi_web|wasm_bindgen/.test(functionName))) {
      wasmKind.set(url, "wasi-web core (wasm)");
    }
  }
  const isWasm = (url) => url.startsWith("wasm://") || url.endsWith(".wasm");
  const category = (cf) => {
    const { url, functionName } = cf;
    if (isWasm(url)) return wasmKind.get(url) ?? "guest (wasm)";
    if (functionName === "(garbage collector)") return "GC";
    if (functionName === "(idle)") return "idle";
    if (functionName === "(program)" || functionName === "(root)" || !url) return "V8/runtime (native)";
    if (/\/pkg\/|\/js\//.test(url)) return "wasi-web JS (js/, pkg/ glue)";
    if (/browser_wasi_shim/.test(url)) return "browser_wasi_shim";
    if (/\/bench\//.test(url)) return "bench harness";
    if (url.startsWith("node:") || !url.includes("/")) return "Node internals (node:wasi, fs)";
    return "other JS";
  };
  const fns = new Map();
  const cats = new Map();
  let total = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const cat = category(cf);
    if (cat === "idle") continue;
    total += ms;
    cats.set(cat, (cats.get(cat) ?? 0) + ms);
    const where = isWasm(cf.url) ? cat.replace(/ \(wasm\)/, "") : `${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
    const key = `${demangle(cf.functionName) || "(anonymous)"}\t${where}`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
  }
  return { total, cats: [...cats].sort((a, b) => b[1] - a[1]), fns: [...fns].sort((a, b) => b[1] - a[1]).slice(0, TOP) };
}
/** Rust symbol names, legacy (_ZN...E) and v0 (_R...) roughly demangled; hashes dropped. */
function demangle(name) {
  if (/^_ZN/.test(name)) {
    const parts = [];
    let i = 3;
    while (i < name.length && name[i] !== "E") {
      const m = /^\d+/.exec(name.slice(i));
      if (!m) break;
      i += m[0].length;
      parts.push(name.slice(i, i + Number(m[0])));
      i += Number(m[0]);
    }
    if (parts.length && /^h[0-9a-f]{16}$/.test(parts[parts.length - 1])) parts.pop();
    return parts
      .join("::")
      .replace(/\$LT\$/g, "<")
      .replace(/\$GT\$/g, ">")
      .replace(/\$u20\$/g, " ")
      .replace(/\$RF\$/g, "&")
      .replace(/\.\./g, "::")
      .replace(/\$C\$/g, ",");
  }
  if (/^_R/.test(name)) {
    // v0, roughly: the identifiers in order (crate disambiguators and
    // back-references skipped), e.g. core::fmt::Formatter::pad_integral.
    const ids = [];
    let i = 2;
    while (i < name.length) {
      if (name[i] === "s" || name[i] === "B") {
        // a disambiguator (s<base62>_) or a back-reference (B<base62>_)
        i = name.indexOf("_", i) + 1 || name.length;
        continue;
      }
      const m = /^\d+/.exec(name.slice(i));
      if (!m) {
        i++;
        continue;
      }
      i += m[0].length;
      if (name[i] === "_") i++;
      ids.push(name.slice(i, i + Number(m[0])));
      i += Number(m[0]);
    }
    return ids.length ? ids.join("::") : name;
  }
  return name.replace(/::h[0-9a-f]{16}\b/g, "");
}
function shortUrl(url) {
  if (!url) return "(native)";
  const m = /(?:\/work\/main|127\.0\.0\.1:\d+)\/(.*)$/.exec(url);
  return (m ? m[1] : url.replace(/^file:\/\//, "")).replace(/^bench\/\.cache\/prof\//, "").replace(/snippets\/[^/]+\//, "snippets/…/");
}
function section(title, a) {
  const pct = (ms) => `${((100 * ms) / a.total).toFixed(1)}%`;
  const out = [`#### ${title} — ${Math.round((a.total * 1000) / SAMPLING_US)} samples`, ""];
  out.push("By category: " + a.cats.map(([c, ms]) => `${c} ${pct(ms)}`).join(", "), "");
  out.push("| self | function | where |", "| ---: | --- | --- |");
  for (const [key, ms] of a.fns) {
    const [fn, where] = key.split("\t");
    out.push(`| ${pct(ms)} | \`${fn.replace(/\|/g, "\\|").slice(0, 110)}\` | ${where} |`);
  }
  return out.join("\n");
}

// The shipped pkg/ has no function names (wasm-opt drops the name section),
// so profiles would show wasm-function[N]. Build the same sources with
// `wasm-pack build --release` and no wasm-opt into bench/.cache/prof/pkg
// (names kept; cargo's own target dir bench/target/core), next to a copy of js/.
const PROF = path.join(BENCH, ".cache/prof");
if (!process.env.BENCH_PROFILE_SHIPPED) {
  log("building the core with function names (bench/.cache/prof)");
  const b = spawnSync(
    "wasm-pack",
    ["--quiet", "build", "--release", "--target", "web", "--out-dir", path.relative(ROOT, path.join(PROF, "pkg"))],
    {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env,
        CARGO_TARGET_DIR: path.join(BENCH, "target/core"),
        PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}`,
      },
    },
  );
  if (b.status !== 0) throw new Error("wasm-pack build failed (set BENCH_PROFILE_SHIPPED=1 to profile pkg/ as shipped)");
  fs.rmSync(path.join(PROF, "js"), { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, "js"), path.join(PROF, "js"), { recursive: true });
}
const wasiWebDir = process.env.BENCH_PROFILE_SHIPPED ? null : PROF;
const wasiWebUrl = wasiWebDir ? "/" + path.relative(ROOT, wasiWebDir) + "/" : "/";

const sections = [];

// ---- Node -----------------------------------------------------------------
for (const w of workloads) {
  const name = `node-${slug(w.name)}.cpuprofile`;
  const file = path.join(OUT_DIR, name);
  fs.rmSync(file, { force: true });
  log(`node ${w.name}`);
  const r = nodeHost(
    "wasi-web",
    w.name,
    1,
    ["--cpu-prof", `--cpu-prof-dir=${OUT_DIR}`, `--cpu-prof-name=${name}`, `--cpu-prof-interval=${SAMPLING_US}`],
    wasiWebDir ? { BENCH_WASI_WEB: wasiWebDir } : {},
  );
  sections.push({ w: w.name, env: "Node", a: analyse(JSON.parse(fs.readFileSync(file, "utf8")), r.windowUs) });
}

// ---- Chromium page (CDP Profiler) ------------------------------------------
const server = await startServer(ROOT, { crossOriginIsolated: false });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench/page/index.html?wasi-web=${encodeURIComponent(wasiWebUrl)}`);
  await page.evaluate(async () => {
    window.bench = await import("/bench/page/page.mjs");
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: SAMPLING_US });
  for (const w of workloads) {
    log(`page ${w.name}`);
    const spec = { args: w.args, inputs: w.inputs ?? {}, outputs: w.outputs ?? [] };
    const args = ["wasi-web", GUEST_URLS[w.guest], spec];
    await page.evaluate(([h, u, s]) => window.bench.measure(h, u, s, 0, 0, true), args); // warm-up only
    await cdp.send("Profiler.start");
    await page.evaluate(([h, u, s, ms]) => window.bench.measure(h, u, s, 1, ms, false), [...args, MIN_SAMPLE_MS]);
    const { profile } = await cdp.send("Profiler.stop");
    fs.writeFileSync(path.join(OUT_DIR, `page-${slug(w.name)}.cpuprofile`), JSON.stringify(profile));
    sections.push({ w: w.name, env: "Chromium page", a: analyse(profile) });
  }
} finally {
  await browser.close();
  await server.close();
}

// ---- Where the core's size goes (the named build: code bytes per module) ----
function leb(bytes, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return [result, pos];
  }
}
function sizeBreakdown(file) {
  const bytes = fs.readFileSync(file);
  const names = new Map();
  const sections = [];
  let imported = 0;
  let bodies = [];
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++];
    let size;
    [size, pos] = leb(bytes, pos);
    const start = pos;
    const end = pos + size;
    let label =
      ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount"][
        id
      ] ?? `#${id}`;
    if (id === 0) {
      let n;
      [n, pos] = leb(bytes, pos);
      const name = bytes.subarray(pos, pos + n).toString("latin1");
      label = `custom "${name}"`;
      pos += n;
      if (name === "name") {
        while (pos < end) {
          const sub = bytes[pos++];
          let len;
          [len, pos] = leb(bytes, pos);
          if (sub === 1) {
            let count;
            let p = pos;
            [count, p] = leb(bytes, p);
            for (let i = 0; i < count; i++) {
              let idx;
              let l;
              [idx, p] = leb(bytes, p);
              [l, p] = leb(bytes, p);
              names.set(idx, bytes.subarray(p, p + l).toString("utf8"));
              p += l;
            }
          }
          pos += len;
        }
      }
    } else if (id === 2) {
      let count;
      let p = start;
      [count, p] = leb(bytes, p);
      for (let i = 0; i < count; i++) {
        for (let k = 0; k < 2; k++) {
          let l;
          [l, p] = leb(bytes, p);
          p += l;
        }
        const kind = bytes[p++];
        if (kind === 0) {
          imported++;
          [, p] = leb(bytes, p);
        } else if (kind === 1) {
          p++;
          let flags;
          [flags, p] = leb(bytes, p);
          [, p] = leb(bytes, p);
          if (flags & 1) [, p] = leb(bytes, p);
        } else if (kind === 2) {
          let flags;
          [flags, p] = leb(bytes, p);
          [, p] = leb(bytes, p);
          if (flags & 1) [, p] = leb(bytes, p);
        } else if (kind === 3) {
          p += 2;
        } else {
          p++;
        }
      }
    } else if (id === 10) {
      let count;
      let p = start;
      [count, p] = leb(bytes, p);
      for (let i = 0; i < count; i++) {
        let l;
        [l, p] = leb(bytes, p);
        bodies.push(l);
        p += l;
      }
    }
    sections.push([label, size]);
    pos = end;
  }
  const groups = new Map();
  bodies.forEach((len, i) => {
    const name = demangle(names.get(imported + i) ?? "?");
    const m = /^<?([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?(?:::([A-Za-z_][A-Za-z0-9_]*))?(?:::([A-Za-z_][A-Za-z0-9_]*))?/.exec(name);
    let key = m ? m[1] : "(other)";
    if (m && key === "wasi_web")
      key = [m[1], m[2], m[3]]
        .filter(Boolean)
        .slice(0, m[2] === "bindings" || m[2] === "preview1" || m[2] === "preview2" || m[2] === "fs" ? 3 : 2)
        .join("::");
    groups.set(key, (groups.get(key) ?? 0) + len);
  });
  return { total: bytes.length, sections, groups: [...groups].sort((a, b) => b[1] - a[1]) };
}

const md = [
  "# wasi-web profiles",
  "",
  `Generated by \`bash bench/run.sh --profile\` (bench/profile.mjs), ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}.`,
  `Self time per function, sampled every ${SAMPLING_US} µs over one timed sample (≥ ${MIN_SAMPLE_MS} ms of runs after a warm-up run),`,
  "as a share of the samples (each sample counts once, so time the process spent descheduled is not pinned on one function);",
  "idle time is left out, and the bench harness (output hashing, outside the timings) is listed but small.",
  "Raw profiles: bench/profiles/*.cpuprofile (open in DevTools → Performance).",
  "",
];
for (const w of workloads) {
  md.push(`## ${w.name} (\`${w.args.slice(1).join(" ")}\`)`, "");
  for (const s of sections.filter((s) => s.w === w.name)) md.push(section(s.env, s.a), "");
}
if (wasiWebDir) {
  const b = sizeBreakdown(path.join(PROF, "pkg/wasi_web_bg.wasm"));
  const code = b.groups.reduce((sum, [, n]) => sum + n, 0);
  md.push(
    "## Where the core's size goes",
    "",
    `The named build (no wasm-opt) is ${(b.total / 1000).toFixed(1)} KB: ` +
      b.sections.map(([l, n]) => `${l} ${(n / 1000).toFixed(1)} KB`).join(", ") +
      ". Function bodies by crate (wasi-web by module), before wasm-opt:",
    "",
    "| code | share | module |",
    "| ---: | ---: | --- |",
    ...b.groups.slice(0, 25).map(([k, n]) => `| ${(n / 1000).toFixed(1)} KB | ${((100 * n) / code).toFixed(1)}% | \`${k}\` |`),
    "",
  );
}
fs.writeFileSync(path.join(OUT_DIR, "summary.md"), md.join("\n"));
log("wrote bench/profiles/summary.md");
