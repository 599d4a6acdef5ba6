// The conformance corpus through the CLI, the way the WASI testsuite drives a
// runtime: cwd = a temp dir holding copies of the fixtures, relative --dir.
// Every case runs in Node; cases with dirs also run with --browser.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { runCli } from "./helpers/cli.js";
import { checkResult, copyFixtures, loadCorpus, readGuest } from "./helpers/corpus.js";

const corpus = loadCorpus();

function cliArgs(c, browser) {
  const args = ["run"];
  if (browser) args.push("--browser");
  for (const d of c.dirs) args.push("--dir", d);
  for (const [k, v] of Object.entries(c.env)) args.push("--env", `${k}=${v}`);
  return [...args, c.wasmPath, ...c.args];
}

const modes = (c) => (c.dirs.length > 0 || c.name === corpus[0]?.name ? [false, true] : [false]);

for (const c of corpus) {
  for (const browser of modes(c)) {
    test(`cli${browser ? " --browser" : ""}: ${c.name}`, async () => {
      readGuest(c);
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-cli-"));
      try {
        copyFixtures(c, tmp);
        // argv[0] is the file's base name, as with wasmtime.
        const result = await runCli(cliArgs(c, browser), { cwd: tmp, input: c.stdin });
        checkResult(c, result);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
}
