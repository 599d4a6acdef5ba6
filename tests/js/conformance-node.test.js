// The conformance corpus through the npm package, in Node.
import { test } from "node:test";
import { run } from "../../js/index.js";
import { checkResult, loadCorpus, mountFixtures, readGuest, TRAP_EXIT_CODE } from "./helpers/corpus.js";

const corpus = loadCorpus();
const modules = new Map();

async function compile(c) {
  if (!modules.has(c.wasmPath)) modules.set(c.wasmPath, await WebAssembly.compile(readGuest(c)));
  return modules.get(c.wasmPath);
}

test("the corpus is not empty", (t) => {
  if (corpus.length === 0) t.skip("no tests/conformance/*.json yet");
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
