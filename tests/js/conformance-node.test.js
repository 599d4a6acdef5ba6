// The conformance corpus through the npm package, in Node.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { run } from "../../js/index.js";
import { checkResult, CONFORMANCE, loadCorpus, mountFixtures, readGuest, REPO, TRAP_EXIT_CODE } from "./helpers/corpus.js";

const corpus = loadCorpus();
const modules = new Map();

async function compile(c) {
  if (!modules.has(c.wasmPath)) modules.set(c.wasmPath, await WebAssembly.compile(readGuest(c)));
  return modules.get(c.wasmPath);
}

test("every manifest names a built guest, and every guest has a manifest", () => {
  assert.ok(corpus.length > 0, "no case (WASI_WEB_ONLY names none?)");
  for (const c of corpus) readGuest(c);
  // A guest that no manifest runs is dead weight, or its manifest went
  // missing; the few that are not conformance cases are named here with
  // the tests that run them.
  const NOT_CASES = {
    dice: "async.test.js",
    echo_lines: "async tests, www-playground.test.js",
    poll_race: "async tests",
    sleepy: "async tests, www-playground.test.js",
    tty_report: "wasi.test.js",
    c_trap: "cli-flags.test.js (trap backtraces)",
    c_head: "pipeline.test.js",
    c_wc: "pipeline.test.js",
    c_yes: "pipeline.test.js",
  };
  const used = new Set(
    fs
      .readdirSync(CONFORMANCE)
      .filter((f) => f.endsWith(".json"))
      .map((f) => JSON.parse(fs.readFileSync(path.join(CONFORMANCE, f), "utf8")).wasm ?? `${f.slice(0, -5)}.wasm`),
  );
  const sources = path.join(REPO, "tests/guests");
  const guests = [
    ...fs.readdirSync(path.join(sources, "src/bin")).filter((f) => f.endsWith(".rs")),
    ...fs.readdirSync(path.join(sources, "c")).filter((f) => f.endsWith(".c")),
  ].map((f) => f.replace(/\.(rs|c)$/, ""));
  assert.ok(guests.length > 50, `${guests.length} guest sources`);
  assert.deepEqual(
    guests.filter((name) => !used.has(`${name}.wasm`) && !(name in NOT_CASES)),
    [],
    "guests no manifest runs",
  );
  assert.deepEqual(
    Object.keys(NOT_CASES).filter((name) => !guests.includes(name)),
    [],
    "NOT_CASES names guests that are gone",
  );
});

for (const c of corpus) {
  test(`node: ${c.name}`, async () => {
    const { memfs, preopens } = mountFixtures(c);
    const options = { args: [c.wasm, ...c.args], env: c.env, preopens, fs: memfs, stdin: c.stdin };
    let result;
    try {
      result = await run(await compile(c), options);
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
      result = { exitCode: TRAP_EXIT_CODE, stdout: error.stdout, stderr: error.stderr, trap: error.message };
    }
    checkResult(c, result);
  });
}
