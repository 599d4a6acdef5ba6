// MemFS snapshots: fs.snapshot() → tar archive → MemFS.fromSnapshot(), and
// the system's tar reading and writing the same archives.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { MemFS } from "../../js/index.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-snapshot-test-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Everything a snapshot keeps, by path; hard links as groups (inode numbers change). */
function describeTree(memfs) {
  const out = [];
  const first = new Map();
  const walk = (p) => {
    const st = memfs.lstat(p);
    let what;
    if (st.isDirectory()) what = `dir ${memfs.readdir(p).join(",")}`;
    else if (st.isSymbolicLink()) what = `symlink ${memfs.readlink(p)}`;
    else what = `file ${Buffer.from(memfs.readFile(p)).toString("base64")}`;
    const link = first.has(st.ino) ? ` =${first.get(st.ino)}` : "";
    if (!first.has(st.ino)) first.set(st.ino, p);
    out.push(`${p}: ${what} nlink=${st.nlink} a=${st.atimeMs} m=${st.mtimeMs}${link}`);
    if (st.isDirectory()) for (const name of memfs.readdir(p)) walk(p === "/" ? `/${name}` : `${p}/${name}`);
  };
  walk("/");
  return out;
}

/** xorshift32: a deterministic random source per seed. */
function rng(seed) {
  let x = seed * 2654435761 + 1 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function randomTree(seed) {
  const r = rng(seed);
  const memfs = new MemFS();
  const paths = ["/"];
  const names = ["a", "b", "ünï ✓", "x.txt", ".h", "L".repeat(120), "..."];
  for (let i = 0; i < 10 + r(50); i++) {
    const dir = paths[r(paths.length)];
    const p = `${dir === "/" ? "" : dir}/${names[r(names.length)]}`;
    try {
      switch (r(6)) {
        case 0:
        case 1:
          memfs.mkdir(p);
          break;
        case 2:
        case 3: {
          const data = new Uint8Array(r(3) * r(100_000));
          for (let j = 0; j < data.length; j += 1 + r(500)) data[j] = r(256);
          memfs.writeFile(p, data);
          break;
        }
        case 4:
          memfs.symlink(["a", "../b", "/abs", p.slice(1)][r(4)], p);
          break;
        default: {
          const from = paths[r(paths.length)];
          if (from === "/") continue;
          memfs.rename(from, p);
          paths.splice(paths.indexOf(from), 1);
        }
      }
      paths.push(p);
    } catch {
      // EEXIST, ENOTDIR, EINVAL...: the tree stays as it was.
    }
  }
  return memfs;
}

describe("MemFS snapshots", () => {
  test("round trip: directories, files, symlinks, times, big and empty files", () => {
    const a = new MemFS();
    a.mkdir("/d/e/f", { recursive: true });
    a.writeFile("/d/hello.txt", "hello ✓\n");
    a.writeFile("/empty", "");
    const big = new Uint8Array(3 << 20).map((_, i) => (i * 7) & 0xff);
    a.writeFile("/d/e/big.bin", big);
    a.symlink("../hello.txt", "/d/e/link");
    a.symlink("/nowhere/at/all", "/dangling");
    const bytes = a.snapshot();
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(bytes.length % 512, 0);
    const b = MemFS.fromSnapshot(bytes);
    b.checkInvariants();
    assert.deepEqual(describeTree(b), describeTree(a));
    assert.deepEqual(b.readFile("/d/e/big.bin"), big);
    assert.equal(b.readFile("/d/e/link", "utf8"), "hello ✓\n");
    assert.deepEqual(b.snapshot(), bytes, "the same tree gives the same archive");
    // ArrayBuffer input and limits.
    const c = MemFS.fromSnapshot(bytes.slice().buffer, { limits: { maxInodes: 100 } });
    assert.equal(c.limits.maxInodes, 100);
    assert.deepEqual(describeTree(c), describeTree(a));
  });

  test("fuzz: random trees restore identically (checkInvariants + deep compare)", () => {
    for (let seed = 1; seed <= 150; seed++) {
      const a = randomTree(seed);
      const bytes = a.snapshot();
      const b = MemFS.fromSnapshot(bytes);
      b.checkInvariants();
      assert.deepEqual(describeTree(b), describeTree(a), `seed ${seed}`);
      assert.deepEqual(b.snapshot(), bytes, `seed ${seed}`);
      a.close();
      b.close();
    }
  });

  test("tar lists and extracts a snapshot; hard links stay hard links", () => {
    // A host tree with a hard link, through the system's tar into a MemFS...
    const src = path.join(tmp, "src");
    fs.mkdirSync(path.join(src, "sub"), { recursive: true });
    fs.writeFileSync(path.join(src, "a.txt"), "shared\n");
    fs.linkSync(path.join(src, "a.txt"), path.join(src, "sub/b.txt"));
    fs.symlinkSync("../a.txt", path.join(src, "sub/ln"));
    fs.writeFileSync(path.join(src, `${"long-name-".repeat(15)}.txt`), "long\n");
    const when = new Date("2021-02-03T04:05:06.789Z");
    fs.utimesSync(path.join(src, "a.txt"), when, when);
    const tarball = execFileSync("tar", ["--format=pax", "-C", src, "-cf", "-", "."]);
    const memfs = MemFS.fromSnapshot(tarball);
    memfs.checkInvariants();
    assert.equal(memfs.stat("/a.txt").ino, memfs.stat("/sub/b.txt").ino);
    assert.equal(memfs.stat("/a.txt").nlink, 2);
    assert.equal(memfs.readlink("/sub/ln"), "../a.txt");
    assert.equal(memfs.stat("/a.txt").mtimeMs, when.getTime());
    assert.equal(memfs.readFile(`/${"long-name-".repeat(15)}.txt`, "utf8"), "long\n");

    // ...and the MemFS's snapshot back through tar.
    memfs.writeFile("/sub/new ✓.bin", new Uint8Array([0, 1, 2, 255]));
    const snapshot = memfs.snapshot();
    const listing = execFileSync("tar", ["-tvf", "-"], { input: snapshot }).toString();
    assert.match(listing, /^d.* \.\/$/m);
    assert.match(listing, /^-.* (sub\/b|a)\.txt$/m);
    assert.match(listing, /^h.* (sub\/b\.txt link to a\.txt|a\.txt link to sub\/b\.txt)$/m);
    assert.match(listing, /^l.* sub\/ln -> \.\.\/a\.txt$/m);
    assert.match(listing, /sub\/new ✓\.bin$/m);
    assert.match(listing, /long-name-long-name-.*\.txt$/m);
    const out = path.join(tmp, "out");
    fs.mkdirSync(out);
    execFileSync("tar", ["-C", out, "-xf", "-"], { input: snapshot });
    assert.equal(fs.readFileSync(path.join(out, "sub/b.txt"), "utf8"), "shared\n");
    assert.equal(fs.statSync(path.join(out, "a.txt")).ino, fs.statSync(path.join(out, "sub/b.txt")).ino);
    assert.equal(fs.readlinkSync(path.join(out, "sub/ln")), "../a.txt");
    assert.deepEqual([...fs.readFileSync(path.join(out, "sub/new ✓.bin"))], [0, 1, 2, 255]);
    assert.equal(fs.statSync(path.join(out, "a.txt")).mtime.getTime(), when.getTime());
  });

  test("bad archives throw clear errors and restore nothing", () => {
    const a = randomTree(7);
    a.writeFile("/f", "data".repeat(1000));
    const good = a.snapshot();
    for (const cut of [0, 1, 511, 512, 1000, good.length - 1024, good.length - 1025]) {
      assert.throws(
        () => MemFS.fromSnapshot(good.subarray(0, cut)),
        (e) => e.code === "EINVAL" && /cannot restore the snapshot: .*(truncated|checksum)/.test(e.message),
        `cut at ${cut}`,
      );
    }
    assert.throws(() => MemFS.fromSnapshot(new TextEncoder().encode("not a tar".repeat(100))), { code: "EINVAL" });
    assert.throws(() => MemFS.fromSnapshot("a string"), TypeError);
    // Beyond the limits: ENOSPC before the data is stored.
    const big = new MemFS();
    big.writeFile("/big", new Uint8Array(1 << 20).fill(1));
    assert.throws(() => MemFS.fromSnapshot(big.snapshot(), { limits: { maxBytes: 1 << 19 } }), { code: "ENOSPC" });
    assert.throws(() => MemFS.fromSnapshot(big.snapshot(), { limits: { maxInodes: 1 } }), { code: "ENOSPC" });
  });

  test("hostile names never reach outside the root", () => {
    const dir = path.join(tmp, "hostile");
    fs.mkdirSync(path.join(dir, "d"), { recursive: true });
    fs.writeFileSync(path.join(dir, "d/x"), "x");
    // GNU tar writes what it is told with -P; a restore must refuse it.
    const abs = execFileSync("tar", ["--format=pax", "-P", "-cf", "-", path.join(dir, "d/x")]);
    assert.throws(
      () => MemFS.fromSnapshot(abs),
      (e) => e.code === "EINVAL" && /absolute name/.test(e.message),
    );
    for (const name of ["../x", "a/../../x", "/etc/passwd"]) {
      const bytes = tar([[name, "0", "x"]]);
      assert.throws(
        () => MemFS.fromSnapshot(bytes),
        (e) => e.code === "EINVAL" && /absolute|'\.\.'/.test(e.message),
        name,
      );
    }
    // A symlink, then a file "through" it: refused, not followed.
    for (const target of ["/", "..", "d"]) {
      const bytes = tar([
        ["d/", "5", ""],
        ["l", "2", "", target],
        ["l/evil", "0", "evil"],
      ]);
      assert.throws(
        () => MemFS.fromSnapshot(bytes),
        (e) => e.code === "EINVAL" && /not a directory/.test(e.message),
        target,
      );
    }
    // A hard link to nothing earlier, or to itself.
    assert.throws(() => MemFS.fromSnapshot(tar([["h", "1", "", "h"]])), { code: "EINVAL" });
    // Symlink loops are just symlinks.
    const loops = MemFS.fromSnapshot(
      tar([
        ["a", "2", "", "b"],
        ["b", "2", "", "a"],
      ]),
    );
    assert.throws(() => loops.stat("/a"), { code: "ELOOP" });
    // The same archive shape is accepted with good names: the helper is sound.
    assert.equal(MemFS.fromSnapshot(tar([["ok/x", "0", "fine"]])).readFile("/ok/x", "utf8"), "fine");
  });
});

/**
 * A ustar archive of `[name, typeflag, data, linkname?]` entries.
 * @param {[string, string, string, string?][]} entries
 */
function tar(entries) {
  const blocks = [];
  for (const [name, type, data, link = ""] of entries) {
    const h = Buffer.alloc(512);
    h.write(name, 0);
    h.write("0000644\0", 100);
    h.write("0000000\0", 108);
    h.write("0000000\0", 116);
    h.write(`${Buffer.byteLength(data).toString(8).padStart(11, "0")}\0`, 124);
    h.write("00000000000\0", 136);
    h.write(type, 156);
    h.write(link, 157);
    h.write("ustar\x0000", 257);
    h.fill(" ", 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
    blocks.push(h);
    const body = Buffer.alloc(Math.ceil(Buffer.byteLength(data) / 512) * 512);
    body.write(data);
    blocks.push(body);
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
