// The conformance corpus through the CLI, the way the WASI testsuite drives a
// runtime: cwd = a temp dir holding copies of the fixtures, relative --dir.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
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

// The corpus itself runs once per engine, through the library
// (conformance-node, conformance-chromium). The CLI adds a transport around
// it: host dirs copied in and written back, stdin, output, exit code, and for
// --browser a Chromium per run (~2 s). So the CLI runs a sample, in Node and
// with --browser: the first case, the first with stdin, the first with a
// non-zero exit code, and the first four with dirs.
// WASI_WEB_CLI=all runs every case, in both.
const sample = new Set(
  process.env.WASI_WEB_CLI === "all"
    ? corpus
    : [
        corpus[0],
        corpus.find((c) => c.stdin !== ""),
        corpus.find((c) => c.exitCode !== 0),
        ...corpus.filter((c) => c.dirs.length > 0).slice(0, 4),
      ].filter(Boolean),
);

// Two at a time: each run is a child process (and a Chromium) in a temp dir of its own.
describe("the CLI on a sample of the corpus", { concurrency: 2 }, () => {
  for (const c of sample) {
    for (const browser of [false, true]) {
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
});
