// The componentized Preview 1 corpus on wasi-web's Preview 2 host and on
// @bytecodealliance/preview2-shim (and, for reference, on wasmtime's
// Preview 2 host when wasmtime-py is installed), case by case, and the
// markdown table of the result (tests/conformance/preview2-compare.md).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CONFORMANCE } from "./corpus.js";
import { componentizer, EXPECTED_FAILURES, failureReason, passes, runOnPreview2Shim, runOnWasiWeb } from "./preview2-corpus.js";

export const COMPARE_MD = path.join(CONFORMANCE, "preview2-compare.md");
const REF_WASMTIME_P2 = path.join(CONFORMANCE, "ref_wasmtime_p2.py");

/**
 * @typedef {{ pass: boolean, reason: string }} Verdict
 * @typedef {{ name: string, wasiWeb: Verdict, shim: Verdict, wasmtime?: Verdict }} Row
 */

/** Whether python3 has wasmtime-py with its component API (for the reference column). */
export function hasWasmtimeP2() {
  const r = spawnSync("python3", ["-c", "import wasmtime.component"], { stdio: "ignore" });
  return r.status === 0;
}

function verdict(c, outcome) {
  const pass = passes(c, outcome);
  return { pass, reason: pass ? "" : failureReason(c, outcome) };
}

/**
 * Componentizes each case once and runs it on wasi-web and preview2-shim
 * (and wasmtime with `{ wasmtime: true }`). A guest that cannot be
 * componentized fails on every host. The shim runs in child processes, up
 * to `concurrency` at a time, while this process componentizes and runs
 * the next cases on wasi-web; the rows come back in corpus order.
 * @param {import("./corpus.js").Case[]} corpus
 * @param {{ wasmtime?: boolean, onRow?: (row: Row) => void, concurrency?: number }} [options]
 * @returns {Promise<Row[]>}
 */
export async function compareCorpus(corpus, { wasmtime = false, onRow, concurrency = 1 } = {}) {
  const componentize = await componentizer();
  const dir = wasmtime ? fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-p2-components-")) : null;
  try {
    /** @type {Row[]} */
    const rows = new Array(corpus.length);
    const running = new Set();
    for (const [i, c] of corpus.entries()) {
      let component;
      try {
        component = await componentize(c);
      } catch (error) {
        const failed = { pass: false, reason: `cannot componentize: ${String(error?.message ?? error).split("\n")[0]}` };
        rows[i] = { name: c.name, wasiWeb: failed, shim: failed, ...(wasmtime ? { wasmtime: failed } : {}) };
        onRow?.(rows[i]);
        continue;
      }
      if (dir) fs.writeFileSync(path.join(dir, `${c.name}.wasm`), component);
      const wasiWeb = verdict(c, await runOnWasiWeb(c, component));
      while (running.size >= concurrency) await Promise.race(running);
      const job = runOnPreview2Shim(c, component).then((outcome) => {
        rows[i] = { name: c.name, wasiWeb, shim: verdict(c, outcome) };
        onRow?.(rows[i]);
        running.delete(job);
      });
      running.add(job);
    }
    await Promise.all(running);
    if (dir) {
      const outcomes = runOnWasmtime(dir);
      for (const row of rows) {
        const c = corpus.find((k) => k.name === row.name);
        if (row.wasmtime === undefined) row.wasmtime = verdict(c, outcomes[row.name]);
      }
    }
    return rows;
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every component in `dir` on wasmtime's Preview 2 host, through ref_wasmtime_p2.py. */
function runOnWasmtime(dir) {
  const r = spawnSync("python3", [REF_WASMTIME_P2, dir], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ref_wasmtime_p2.py failed (${r.status}):\n${r.stderr}`);
  const outcomes = JSON.parse(r.stdout);
  for (const o of Object.values(outcomes)) if (o.trap === null) delete o.trap;
  return outcomes;
}

/** Counts of passing cases per host, and the cases only one of the two JS hosts passes. */
export function tally(rows) {
  return {
    total: rows.length,
    wasiWeb: rows.filter((r) => r.wasiWeb.pass).length,
    shim: rows.filter((r) => r.shim.pass).length,
    wasmtime: rows.some((r) => r.wasmtime) ? rows.filter((r) => r.wasmtime?.pass).length : undefined,
    both: rows.filter((r) => r.wasiWeb.pass && r.shim.pass).length,
    onlyWasiWeb: rows.filter((r) => r.wasiWeb.pass && !r.shim.pass).map((r) => r.name),
    onlyShim: rows.filter((r) => !r.wasiWeb.pass && r.shim.pass).map((r) => r.name),
  };
}

const mark = (v) => (v.pass ? "pass" : "FAIL");
const cell = (text) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** One line per failing host; hosts failing the same way share it. */
function reasons(row, hosts) {
  const byReason = new Map();
  for (const [label, key] of hosts) {
    const v = row[key];
    if (!v || v.pass) continue;
    byReason.set(v.reason, [...(byReason.get(v.reason) ?? []), label]);
  }
  return [...byReason].map(([reason, labels]) => `${labels.join(", ")}: \`${reason.replaceAll("`", "'")}\``).join("<br>");
}

/**
 * The comparison as markdown: counts, the cases where wasi-web and
 * preview2-shim differ, then every case.
 * @param {Row[]} rows
 * @param {{ shimVersion: string, jcoVersion: string, wasmtimeVersion?: string }} versions
 */
export function renderMarkdown(rows, { shimVersion, jcoVersion, wasmtimeVersion }) {
  const t = tally(rows);
  const withWasmtime = t.wasmtime !== undefined;
  const hosts = [["wasi-web", "wasiWeb"], ["preview2-shim", "shim"], ...(withWasmtime ? [["wasmtime", "wasmtime"]] : [])];
  const expected = (name) => {
    const e = EXPECTED_FAILURES[name];
    return e ? `${e.by}: ${e.reason}` : "";
  };
  const table = (list) => [
    `| case | ${hosts.map(([label]) => label).join(" | ")} | expected to fail because of | what failed |`,
    `| --- | ${hosts.map(() => "---").join(" | ")} | --- | --- |`,
    ...list.map(
      (r) => `| ${r.name} | ${hosts.map(([, key]) => mark(r[key])).join(" | ")} | ${cell(expected(r.name))} | ${cell(reasons(r, hosts))} |`,
    ),
  ];
  const differing = rows.filter((r) => r.wasiWeb.pass !== r.shim.pass);
  return [
    "# The Preview 1 corpus as WASI 0.2 components: wasi-web vs preview2-shim",
    "",
    "Generated by `node scripts/preview2-compare.mjs`; do not edit by hand.",
    "`tests/js/preview2-corpus.test.js` runs the same comparison and checks",
    "that every case preview2-shim passes also passes on wasi-web.",
    "",
    "Each case of the conformance corpus (`tests/conformance/*.json`) is componentized",
    `with jco ${jcoVersion}'s wasi_snapshot_preview1 command adapter and run on`,
    "",
    "- **wasi-web**: `run()` on a MemFS holding the fixtures;",
    `- **preview2-shim** ${shimVersion} in Node: jco-transpiled, the shim's \`WASIShim\``,
    "  (sandbox args, env and preopens), the fixtures copied to a fresh temp dir and",
    "  preopened under the same names, the manifest's stdin piped to a child process;",
    ...(withWasmtime
      ? [
          `- **wasmtime** ${wasmtimeVersion} (reference): its Preview 2 host through wasmtime-py`,
          "  (`tests/conformance/ref_wasmtime_p2.py`), set up as `ref_wasmtime.py` does.",
        ]
      : []),
    "",
    "A case passes when exit code and stdout are exactly the manifest's. The",
    "manifests record native Preview 1 answers, so the cases listed in",
    "`EXPECTED_FAILURES` (`tests/js/helpers/preview2-corpus.js`) fail through the",
    "adapter: *adapter* ones on every WASI 0.2 host, *jco* ones on both JS hosts",
    "(jco's bindings), *wasi-web* ones where wasi-web's Preview 2 host answers",
    "differently from wasmtime's.",
    "",
    `- wasi-web: **${t.wasiWeb}** of ${t.total} pass`,
    `- preview2-shim: **${t.shim}** of ${t.total} pass`,
    ...(withWasmtime ? [`- wasmtime: **${t.wasmtime}** of ${t.total} pass`] : []),
    `- wasi-web and preview2-shim both: ${t.both}; only wasi-web: ${t.onlyWasiWeb.length}; only preview2-shim: ${t.onlyShim.length}`,
    "",
    "## Where wasi-web and preview2-shim differ",
    "",
    ...(differing.length ? table(differing) : ["Nowhere."]),
    "",
    "## Every case",
    "",
    ...table(rows),
    "",
  ].join("\n");
}
