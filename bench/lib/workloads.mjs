// The workloads, their sizes and the targets (ratios wasi-web / peer).
// Sizes are fixed (not calibrated per run) so results stay comparable across
// runs; BENCH_SCALE=0.1 (for example) shrinks every size for a quick check.

const SCALE = Number(globalThis.process?.env?.BENCH_SCALE ?? 1) || 1;
const scaled = (n) => Math.max(1, Math.round(n * SCALE));

/** The SVG rendered by the real-program workload (no text: fonts play no part). */
export const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240">
  <defs>
    <linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f80"/><stop offset="1" stop-color="#08f"/></linearGradient>
    <radialGradient id="r"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient>
  </defs>
  <rect width="320" height="240" fill="url(#g)"/>
  <circle cx="160" cy="120" r="90" fill="url(#r)" stroke="#000" stroke-width="4"/>
  <path d="M40 200 Q160 20 280 200" fill="none" stroke="#c00" stroke-width="8" stroke-linecap="round"/>
  <g transform="rotate(15 160 120)"><rect x="110" y="90" width="100" height="60" rx="12" fill="#0a0" fill-opacity="0.6"/></g>
</svg>
`;

/**
 * name: table row; guest: "bench" (bench/guest) or "resvg" (the real program);
 * args: argv; peers: which hosts run it besides wasi-web ("shim" in the page,
 * "node" for node:wasi). browser_wasi_shim's `small` and `big` are O(n²) in
 * the number of writes, so those rows use sizes it finishes in ~1–3 s and the
 * "(large)" rows compare wasi-web with node:wasi only at 10–16× the size.
 * A timed sample repeats a run until MIN_SAMPLE_MS have passed and reports
 * the time per run, so fast hosts are not measured at timer resolution.
 */
export const WORKLOADS = [
  { name: "small", guest: "bench", args: ["bench-guest", "small", String(scaled(25_000))], peers: ["shim", "node"] },
  { name: "small (large)", guest: "bench", args: ["bench-guest", "small", String(scaled(400_000))], peers: ["node"] },
  { name: "big", guest: "bench", args: ["bench-guest", "big", String(scaled(16))], peers: ["shim", "node"] },
  { name: "big (large)", guest: "bench", args: ["bench-guest", "big", String(scaled(256))], peers: ["node"] },
  { name: "meta", guest: "bench", args: ["bench-guest", "meta", String(scaled(2_000))], peers: ["shim", "node"] },
  { name: "clock", guest: "bench", args: ["bench-guest", "clock", String(scaled(2_000_000))], peers: ["shim", "node"] },
  { name: "seek", guest: "bench", args: ["bench-guest", "seek", String(scaled(300_000))], peers: ["shim", "node"] },
  { name: "print", guest: "bench", args: ["bench-guest", "print", String(scaled(300_000))], peers: ["shim", "node"] },
  {
    name: "resvg startup",
    guest: "resvg",
    args: ["resvg", "/work/in.svg", "/work/out.png"],
    inputs: { "in.svg": SVG },
    outputs: ["out.png"],
    peers: ["shim", "node"],
  },
];

/** Targets: the highest acceptable ratio wasi-web / peer. */
export const TARGETS = {
  small: { shim: 0.02, node: 1.0 },
  "small (large)": { node: 1.0 },
  big: { shim: 0.1, node: 2.0 },
  "big (large)": { node: 2.0 },
  meta: { shim: 1.0, node: 0.5 },
  seek: { shim: 1.0 },
  clock: { shim: 1.0 },
  print: { shim: 1.0 },
};

export const MIN_SAMPLE_MS = 200;

export const SIZE_TARGET_BYTES = 100 * 1000; // 100 KB gzipped

/** Inputs as bytes (the job objects handed to hosts/adapters). */
export function jobOf(workload) {
  const enc = new TextEncoder();
  return {
    args: workload.args,
    inputs: Object.fromEntries(Object.entries(workload.inputs ?? {}).map(([k, v]) => [k, enc.encode(v)])),
    outputs: workload.outputs ?? [],
  };
}
