// The Preview 1 conformance corpus through the Preview 2 path: each guest is
// componentized with jco's wasi_snapshot_preview1 command adapter
// (`jco new --wasi-command`) and run by run() on wasi-web's WASI 0.2 host.
//
// The manifests record native Preview 1 answers; the cases listed in
// EXPECTED_FAILURES (helpers/preview2-corpus.js) answer differently through
// the adapter, with the reason, and must fail. Every other case must pass.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { loadCorpus, TRAP_EXIT_CODE } from "./helpers/corpus.js";
import { componentizer, EXPECTED_FAILURES, failureReason, hasAdapter, passes, runOnWasiWeb } from "./helpers/preview2-corpus.js";

const corpus = loadCorpus();

test("Preview 1 corpus, componentized, on the Preview 2 host", { skip: !hasAdapter() && "jco is not installed" }, async (t) => {
  if (corpus.length === 0) return t.skip("no corpus");
  const componentize = await componentizer();
  const unexpected = [];
  const stale = [];
  let passed = 0;
  let ran = 0;
  for (const c of corpus) {
    if (!fs.existsSync(c.wasmPath)) continue;
    ran++;
    let result;
    try {
      result = await runOnWasiWeb(c, await componentize(c));
    } catch (error) {
      result = { exitCode: TRAP_EXIT_CODE, stdout: "", stderr: "", trap: `componentizing: ${error?.message ?? error}` };
    }
    const ok = passes(c, result);
    if (ok) passed++;
    if (ok && c.name in EXPECTED_FAILURES) stale.push(c.name);
    if (!ok && !(c.name in EXPECTED_FAILURES)) {
      unexpected.push(`${c.name}: ${failureReason(c, result)} (exit ${result.exitCode}, want ${c.exitCode})\n${result.stderr}`);
    }
  }
  const listed = Object.keys(EXPECTED_FAILURES).length;
  t.diagnostic(`${passed} of ${ran} cases pass through the adapter; ${listed} are expected to fail`);
  assert.deepEqual(unexpected, []);
  // A case that passes now must leave the list (its reason would be wrong).
  assert.deepEqual(stale, [], "cases listed in EXPECTED_FAILURES that pass");
});
