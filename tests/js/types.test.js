// The hand-written typings (js/**/*.d.ts) checked with tsc: a typed use of
// the public API compiles under --strict, and each misuse in
// tests/types/misuse.ts is refused on its own line.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { REPO } from "./helpers/corpus.js";
import { requireFile } from "./helpers/prereq.js";

const TSC = path.join(REPO, "node_modules/.bin/tsc");

function tsc(file) {
  requireFile(TSC, "run npm ci (it installs typescript)");
  const args = [
    "--ignoreConfig",
    "--noEmit",
    "--strict",
    "--target",
    "es2022",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--lib",
    "es2022,dom",
    file,
  ];
  const r = spawnSync(TSC, args, { cwd: REPO, encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test("a typed use of the API compiles with --strict", () => {
  const r = tsc("tests/types/usage.ts");
  assert.equal(r.out.trim(), "");
  assert.equal(r.status, 0);
});

test("the typings refuse each misuse", () => {
  const file = "tests/types/misuse.ts";
  const want = fs
    .readFileSync(path.join(REPO, file), "utf8")
    .split("\n")
    .flatMap((line, i) => (line.endsWith("// error") ? [i + 1] : []));
  const r = tsc(file);
  const got = [...r.out.matchAll(/misuse\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1]));
  assert.ok(want.length >= 8);
  assert.deepEqual(
    [...new Set(got)].sort((a, b) => a - b),
    want,
  );
});
