// The cache of jco's output (js/preview2/transpile-cache*.js): hits in memory
// and on disk, corrupt entries rebuilt, WASI_WEB_NO_CACHE and `cache: false`.
// Hits are seen through transpileCacheStats() and the cache directory.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { clearTranspileCache, runComponent, transpileCacheStats, transpileComponent, transpileFiles } from "../../js/preview2/index.js";
import { requirePackage, requireP2Guests } from "./helpers/prereq.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OUT = path.join(REPO, "tests/p2guests/out");
const component = (name) => fs.readFileSync(path.join(OUT, `${name}.wasm`));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-cache-test-"));
let cacheDir;
let dirCount = 0;

before(() => {
  requireP2Guests("exit", "hello");
  requirePackage("@bytecodealliance/jco");
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Each test gets an empty cache directory and an empty memory cache.
beforeEach(() => {
  cacheDir = path.join(tmp, `cache${dirCount++}`);
  process.env.WASI_WEB_CACHE_DIR = cacheDir;
  delete process.env.WASI_WEB_NO_CACHE;
  clearTranspileCache();
});
afterEach(() => {
  delete process.env.WASI_WEB_NO_CACHE;
});

/** The stats counters that changed since `before`. */
function delta(before) {
  const now = transpileCacheStats();
  return Object.fromEntries(["memoryHits", "diskHits", "misses", "corrupt", "writes"].map((k) => [k, now[k] - before[k]]));
}

/** Entry directories (keys) in the cache directory; temporaries start with a dot. */
function entries() {
  return fs.existsSync(cacheDir)
    ? fs
        .readdirSync(cacheDir)
        .filter((n) => !n.startsWith("."))
        .sort()
    : [];
}

function assertSameFiles(a, b) {
  assert.deepEqual([...a.files.keys()].sort(), [...b.files.keys()].sort());
  for (const [name, data] of a.files) assert.ok(Buffer.from(data).equals(Buffer.from(b.files.get(name))), name);
}

describe("transpile cache", () => {
  test("a second run of the same bytes hits memory; a new process (memory cleared) hits disk", async () => {
    const bytes = component("exit");
    let s = transpileCacheStats();
    const first = await transpileFiles(bytes);
    assert.deepEqual(delta(s), { memoryHits: 0, diskHits: 0, misses: 1, corrupt: 0, writes: 1 });
    assert.equal(entries().length, 1);
    const [key] = entries();
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, key)).sort(), [...first.files.keys(), "meta.json"].sort());

    s = transpileCacheStats();
    assertSameFiles(await transpileFiles(new Uint8Array(bytes)), first);
    assert.deepEqual(delta(s), { memoryHits: 1, diskHits: 0, misses: 0, corrupt: 0, writes: 0 });

    clearTranspileCache();
    s = transpileCacheStats();
    assertSameFiles(await transpileFiles(bytes), first);
    assert.deepEqual(delta(s), { memoryHits: 0, diskHits: 1, misses: 0, corrupt: 0, writes: 0 });

    // What came from the disk runs.
    clearTranspileCache();
    s = transpileCacheStats();
    const r = await runComponent(bytes, { args: ["exit", "code", "9"] });
    assert.equal(r.exitCode, 9);
    assert.equal(delta(s).diskHits, 1);
  });

  test("the options and the bytes are part of the key", async () => {
    const bytes = component("exit");
    await transpileFiles(bytes);
    const s = transpileCacheStats();
    const other = await transpileFiles(bytes, { instantiation: "async" });
    assert.deepEqual(delta(s), { memoryHits: 0, diskHits: 0, misses: 1, corrupt: 0, writes: 1 });
    assert.match(new TextDecoder().decode(other.files.get("component.js")), /instantiateCore = WebAssembly\.instantiate\b/);
    // One more byte (a custom section) is another component.
    const changed = Buffer.concat([bytes, Buffer.from([0x00, 0x04, 0x03, 0x78, 0x79, 0x7a])]);
    await transpileFiles(changed);
    assert.equal(delta(s).misses, 2);
    assert.equal(entries().length, 3);
  });

  test("a corrupt or half-written entry is dropped and rebuilt, never trusted", async () => {
    const bytes = component("exit");
    await transpileFiles(bytes);
    const [key] = entries();
    const entry = path.join(cacheDir, key);
    const corruptions = {
      "a truncated core module": () => {
        const wasm = path.join(entry, "component.core.wasm");
        fs.truncateSync(wasm, fs.statSync(wasm).size - 10);
      },
      "a changed byte in the JS": () => {
        const js = path.join(entry, "component.js");
        const data = fs.readFileSync(js);
        data[100] ^= 1;
        fs.writeFileSync(js, data);
      },
      "meta.json that is not JSON": () => fs.writeFileSync(path.join(entry, "meta.json"), "{ not json"),
      "no meta.json (a writer that was not atomic)": () => fs.rmSync(path.join(entry, "meta.json")),
    };
    for (const [what, corrupt] of Object.entries(corruptions)) {
      corrupt();
      clearTranspileCache();
      let s = transpileCacheStats();
      const out = await transpileFiles(bytes);
      assert.deepEqual(delta(s), { memoryHits: 0, diskHits: 0, misses: 1, corrupt: 1, writes: 1 }, what);
      assert.deepEqual(entries(), [key], what);
      // The rebuilt entry is whole again: the next read hits.
      clearTranspileCache();
      s = transpileCacheStats();
      assertSameFiles(await transpileFiles(bytes), out);
      assert.deepEqual(delta(s), { memoryHits: 0, diskHits: 1, misses: 0, corrupt: 0, writes: 0 }, what);
    }
    // The rebuilt output runs.
    clearTranspileCache();
    assert.equal((await runComponent(bytes, { args: ["exit"] })).stdout, "returned\n");
  });

  test("a crashed writer's temporary directory is never read, and is swept once stale", async () => {
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const stale = path.join(cacheDir, ".tmp-0123456789abcdef-crash");
    fs.mkdirSync(stale);
    fs.writeFileSync(path.join(stale, "component.js"), "half");
    const day = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    fs.utimesSync(stale, day, day);
    const fresh = path.join(cacheDir, ".tmp-fedcba9876543210-busy");
    fs.mkdirSync(fresh);
    const s = transpileCacheStats();
    await transpileFiles(component("exit"));
    assert.deepEqual(delta(s), { memoryHits: 0, diskHits: 0, misses: 1, corrupt: 0, writes: 1 });
    assert.equal(fs.existsSync(stale), false, "a stale temporary directory is removed");
    assert.equal(fs.existsSync(fresh), true, "a recent one may belong to a live writer");
    assert.equal(entries().length, 1);
  });

  test("WASI_WEB_NO_CACHE=1 and cache: false turn it off", async () => {
    const bytes = component("exit");
    process.env.WASI_WEB_NO_CACHE = "1";
    let s = transpileCacheStats();
    await transpileFiles(bytes);
    const tr = await transpileComponent(bytes);
    assert.deepEqual(delta(s), { memoryHits: 0, diskHits: 0, misses: 2, corrupt: 0, writes: 0 });
    assert.equal(transpileCacheStats().memoryEntries, 0);
    assert.deepEqual(entries(), []);
    assert.equal(typeof tr.instantiate, "function");

    // With the cache on and an entry stored, cache: false still transpiles.
    process.env.WASI_WEB_NO_CACHE = "0";
    await transpileFiles(bytes);
    assert.equal(entries().length, 1);
    s = transpileCacheStats();
    const r = await runComponent(bytes, { args: ["exit", "code", "4"], cache: false });
    assert.equal(r.exitCode, 4);
    assert.deepEqual(delta(s), { memoryHits: 0, diskHits: 0, misses: 1, corrupt: 0, writes: 0 });
  });

  // POSIX permissions: on Windows (no process.getuid) the cache does not check them.
  test("a cache directory that others may write to is not used (memory still is)", { skip: process.platform === "win32" }, async () => {
    fs.mkdirSync(cacheDir, { mode: 0o777 });
    fs.chmodSync(cacheDir, 0o777);
    const bytes = component("exit");
    const s = transpileCacheStats();
    await transpileFiles(bytes);
    await transpileFiles(bytes);
    assert.deepEqual(delta(s), { memoryHits: 1, diskHits: 0, misses: 1, corrupt: 0, writes: 0 });
    assert.deepEqual(fs.readdirSync(cacheDir), []);
  });
});
