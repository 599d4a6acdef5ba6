// The whole conformance corpus through the CLI in Node, the way the WASI
// testsuite drives a runtime (cwd = a temp dir holding copies of the
// fixtures, relative --dir): every --dir is now a live host-folder mount, so
// this is the P1 suite on real host files.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { runCli } from "./helpers/cli.js";
import { checkResult, copyFixtures, loadCorpus, readGuest } from "./helpers/corpus.js";

const withDirs = loadCorpus().filter((c) => c.dirs.length > 0);

// Where a host folder cannot do what the MemFS does, a case must fail in
// exactly the way listed here (and the test says when it stops failing).
// None is left: node:fs sets times through libuv, which keeps microseconds
// only, but hostFolder reports the nanoseconds a guest set for as long as
// the host file is unchanged (fd_filestat_set passes).
/** @type {Map<string, RegExp>} */
const KNOWN = new Map();

describe("the corpus on live host mounts (CLI --dir)", { concurrency: 2 }, () => {
  test("the corpus has cases with dirs", () => {
    if (withDirs.length < 10) throw new Error(`only ${withDirs.length} cases with --dir`);
  });
  for (const c of withDirs) {
    test(c.name, async () => {
      readGuest(c);
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-mount-"));
      try {
        copyFixtures(c, tmp);
        const args = ["run"];
        for (const d of c.dirs) args.push("--dir", d);
        for (const [k, v] of Object.entries(c.env)) args.push("--env", `${k}=${v}`);
        const result = await runCli([...args, c.wasmPath, ...c.args], { cwd: tmp, input: c.stdin });
        const known = KNOWN.get(c.name);
        if (known) {
          assert.match(result.stdout, known, "the known host-folder difference, and only it");
          assert.equal(result.stdout.split("\n").filter((l) => l.startsWith("FAIL")).length, 1);
        } else {
          checkResult(c, result);
        }
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
