// Two preopens with the same guest path: the guest would see only one of
// them, so new WASI, new WASIp2, run() and the CLI refuse them with a clear
// error instead of silently dropping one. Distinct paths still work.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MemFS, WASI, run } from "../../js/index.js";
import { WASIp2 } from "../../js/preview2/index.js";
import { guestPathKey } from "../../js/options.js";
import { parseArgs, UsageError } from "../../js/node/cli-args.js";
import { catFile } from "./helpers/wat.js";

function fsWithTwoDirs() {
  const fs = new MemFS();
  fs.mkdir("/a");
  fs.mkdir("/b");
  fs.writeFile("/a/f", "from a\n");
  fs.writeFile("/b/f", "from b\n");
  return fs;
}

const SAME = [
  { "/data": "/a", "/data/": "/b" },
  { "/data": "/a", "//data": "/b" },
  { "/data": "/a", "/data/./": "/b" },
  { data: "/a", "./data": "/b" },
  { "/": "/a", "/.": "/b" },
];

test("the same guest path, however written", () => {
  assert.equal(guestPathKey("/data/"), "/data");
  assert.equal(guestPathKey("//data//x/./"), "/data/x");
  assert.equal(guestPathKey("/"), "/");
  assert.equal(guestPathKey("./a"), "a");
  assert.equal(guestPathKey("."), ".");
  assert.notEqual(guestPathKey("/data"), guestPathKey("data"));
  assert.notEqual(guestPathKey("/data"), guestPathKey("/data/.."));
});

test("new WASI refuses two preopens with the same guest path", () => {
  for (const preopens of SAME) {
    const [first, second] = Object.keys(preopens);
    assert.throws(
      () => new WASI({ fs: fsWithTwoDirs(), preopens }),
      (e) =>
        e instanceof TypeError &&
        e.message ===
          `options.preopens: ${JSON.stringify(first)} and ${JSON.stringify(second)} are the same guest path; the guest would see only one`,
    );
  }
});

test("new WASIp2 refuses them too", () => {
  for (const preopens of SAME) {
    assert.throws(() => new WASIp2({ fs: fsWithTwoDirs(), preopens }), /options\.preopens: .* are the same guest path/);
  }
});

test("run() refuses them before running anything", async () => {
  await assert.rejects(
    run(catFile("f"), { fs: fsWithTwoDirs(), preopens: { "/data": "/a", "/data/": "/b" } }),
    /^TypeError: options\.preopens: "\/data" and "\/data\/" are the same guest path/,
  );
});

test("distinct guest paths still both work", async () => {
  const fs = fsWithTwoDirs();
  const r = await run(catFile("f"), { fs, preopens: { "/x": "/a", "/x/y": "/b" } });
  assert.equal(r.stdout, "from a\n");
  new WASI({ fs, preopens: { "/data": "/a", data: "/b" } });
});

test("the CLI refuses the same guest path given twice", () => {
  assert.throws(
    () => parseArgs(["--dir", "/tmp::/data", "--dir", "/var::/data/", "prog.wasm"]),
    (e) => e instanceof UsageError && /--dir \/var::\/data\/: guest path \/data\/ is already --dir \/tmp::\/data/.test(e.message),
  );
  assert.throws(() => parseArgs(["--dir", "/tmp", "--dir", "/tmp/", "prog.wasm"]), UsageError);
  const ok = parseArgs(["--dir", "/tmp::/a", "--dir", "/var::/b", "prog.wasm"]);
  assert.deepEqual(ok.dirs, [
    { host: "/tmp", guest: "/a", readonly: false },
    { host: "/var", guest: "/b", readonly: false },
  ]);
});
