// Helpers for the Node side of the benchmark (run.mjs, profile.mjs).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT = path.resolve(BENCH, "..");

export const GUEST_FILES = {
  bench: path.join(BENCH, "target/wasm32-wasip1/release/bench-guest.wasm"),
  resvg: path.join(BENCH, ".cache/resvg/resvg.wasm"),
};
/** The same files as URL paths on the bench server (which serves ROOT). */
export const GUEST_URLS = Object.fromEntries(
  Object.entries(GUEST_FILES).map(([k, f]) => [k, "/" + path.relative(ROOT, f).split(path.sep).join("/")]),
);

// The package's own launcher: Debian's /usr/bin/chromium (or
// $WASI_WEB_CHROMIUM) through playwright-core, with the same flags.
export { CHROMIUM_ARGS, launchChromium } from "../../js/node/chromium.js";

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function gzipSize(file) {
  return zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
}

/**
 * Runs `node bench/node-host.mjs host workload 1` in a fresh process per
 * sample (warm-up run + one timed sample each) and collects the samples.
 * A child killed by a signal is retried (up to 4 times per sample) and
 * counted: Node 20's node:wasi sometimes segfaults on longer runs of many
 * programs (its fast API calls, nodejs/node#53087); turning those off
 * (--no-turbo-fast-api-calls) stops the crashes but slows node:wasi by
 * 15-45 %, so the peer is measured as shipped and crashed samples are redone.
 */
export function nodeHost(host, workload, repeats, nodeArgs = [], env = {}) {
  const ms = [];
  const runs = [];
  let result;
  let windowUs;
  let crashes = 0;
  for (let i = 0; i < repeats; i++) {
    for (let attempt = 0; ; attempt++) {
      const r = spawnSync(process.execPath, [...nodeArgs, path.join(BENCH, "node-host.mjs"), host, workload, "1"], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        encoding: "utf8",
        maxBuffer: 64 << 20,
      });
      if (r.status === 0) {
        const out = JSON.parse(r.stdout.trim().split("\n").pop());
        ms.push(...out.ms);
        runs.push(...out.runs);
        result = out.result;
        windowUs = out.windowUs;
        break;
      }
      if (r.signal === null && r.status !== null && r.status < 128) {
        throw new Error(`node-host ${host} ${workload} failed (exit ${r.status}):\n${r.stderr}`);
      }
      crashes++;
      if (attempt >= 4) throw new Error(`node-host ${host} ${workload} crashed 5 times (${r.signal ?? r.status})`);
    }
  }
  return { ms, runs, result, crashes, windowUs };
}

export function fmtMs(ms) {
  if (ms == null) return "–";
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}
