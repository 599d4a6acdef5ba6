import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemFS, Stats, exportTree, importTree } from "../../js/index.js";

const code = (c) => (error) => error?.code === c;

describe("MemFS", () => {
  test("mkdir, writeFile, readFile as bytes and text", () => {
    const fs = new MemFS();
    fs.mkdir("/a");
    fs.mkdir("/a/b/c", { recursive: true });
    fs.mkdir("/a/b", { recursive: true }); // existing dir is fine when recursive
    fs.writeFile("/a/b/c/f.txt", "żółw 🐢");
    const bytes = fs.readFile("/a/b/c/f.txt");
    assert.ok(bytes instanceof Uint8Array);
    assert.deepEqual(bytes, new TextEncoder().encode("żółw 🐢"));
    assert.equal(fs.readFile("/a/b/c/f.txt", "utf8"), "żółw 🐢");
    assert.equal(fs.readFile("/a/b/c/f.txt", { encoding: "utf-8" }), "żółw 🐢");
    fs.writeFile("/bin", new Uint8Array([0, 255, 1]).buffer);
    assert.deepEqual(fs.readFile("/bin"), new Uint8Array([0, 255, 1]));
    fs.writeFile("/bin", new Uint8Array(0)); // truncates
    assert.equal(fs.readFile("/bin").length, 0);
  });

  test("readFile returns a copy", () => {
    const fs = new MemFS();
    fs.writeFile("/f", "abc");
    fs.readFile("/f")[0] = 0;
    assert.equal(fs.readFile("/f", "utf8"), "abc");
  });

  test("readdir lists names in creation order", () => {
    const fs = new MemFS();
    for (const n of ["zeta", "alpha", "mid"]) fs.writeFile(`/${n}`, n);
    fs.mkdir("/dir");
    assert.deepEqual(fs.readdir("/"), ["zeta", "alpha", "mid", "dir"]);
    assert.deepEqual(fs.readdir("/dir"), []);
  });

  test("stat and lstat", () => {
    const fs = new MemFS();
    fs.writeFile("/f", "12345");
    fs.symlink("f", "/l");
    const st = fs.stat("/l");
    assert.ok(st instanceof Stats);
    assert.equal(st.type, "file");
    assert.ok(st.isFile() && !st.isDirectory() && !st.isSymbolicLink());
    assert.equal(st.size, 5);
    assert.equal(st.nlink, 1);
    for (const k of ["ino", "dev", "atimeMs", "mtimeMs", "ctimeMs"]) assert.equal(typeof st[k], "number", k);
    assert.ok(st.mtime instanceof Date);
    assert.ok(fs.lstat("/l").isSymbolicLink());
    assert.equal(fs.stat("/f").ino, st.ino);
    assert.ok(fs.stat("/").isDirectory());
  });

  test("symlink, readlink, exists", () => {
    const fs = new MemFS();
    fs.mkdir("/d");
    fs.writeFile("/d/t", "x");
    fs.symlink("/d/t", "/abs");
    fs.symlink("missing", "/dangling");
    assert.equal(fs.readlink("/abs"), "/d/t");
    assert.equal(fs.readFile("/abs", "utf8"), "x");
    assert.equal(fs.exists("/abs"), true);
    assert.equal(fs.exists("/dangling"), false);
    assert.equal(fs.exists("/nope"), false);
    assert.throws(() => fs.readlink("/d/t"), code("EINVAL"));
  });

  test("rename and rm", () => {
    const fs = new MemFS();
    fs.mkdir("/d/e", { recursive: true });
    fs.writeFile("/d/e/f", "1");
    fs.rename("/d/e/f", "/g");
    assert.equal(fs.exists("/d/e/f"), false);
    assert.equal(fs.readFile("/g", "utf8"), "1");
    fs.writeFile("/h", "2");
    fs.rename("/h", "/g"); // replaces
    assert.equal(fs.readFile("/g", "utf8"), "2");
    assert.throws(() => fs.rm("/d"), code("ENOTEMPTY"));
    fs.rm("/d", { recursive: true });
    assert.equal(fs.exists("/d"), false);
    fs.rm("/g");
    assert.deepEqual(fs.readdir("/"), []);
  });

  test("errors carry node-style codes and messages", () => {
    const fs = new MemFS();
    fs.writeFile("/f", "");
    fs.mkdir("/d");
    assert.throws(
      () => fs.stat("/x"),
      (e) => e instanceof Error && e.code === "ENOENT" && /ENOENT.*\/x/.test(e.message),
    );
    assert.throws(() => fs.readFile("/x"), code("ENOENT"));
    assert.throws(() => fs.mkdir("/d"), code("EEXIST"));
    assert.throws(() => fs.mkdir("/x/y"), code("ENOENT"));
    assert.throws(() => fs.writeFile("/f/g", "x"), code("ENOTDIR"));
    assert.throws(() => fs.readFile("/d"), code("EISDIR"));
    assert.throws(() => fs.readdir("/f"), code("ENOTDIR"));
    assert.throws(() => fs.rm("/x"), code("ENOENT"));
    fs.symlink("/loop", "/loop");
    assert.throws(() => fs.stat("/loop"), code("ELOOP"));
  });

  test("bad arguments are TypeErrors", () => {
    const fs = new MemFS();
    assert.throws(() => fs.mkdir(42), TypeError);
    assert.throws(() => fs.writeFile("/f", 42), TypeError);
    assert.throws(() => fs.writeFile("/f", { length: 3 }), TypeError);
    fs.writeFile("/f", "x");
    assert.throws(() => fs.readFile("/f", "latin1"), TypeError);
  });

  test("rm -r refuses /, dot paths and a symlink with a slash before removing anything", () => {
    const fs = new MemFS();
    fs.mkdir("/a/b/c", { recursive: true });
    fs.writeFile("/a/b/c/f", "data");
    fs.writeFile("/top", "t");
    fs.symlink("/a/b", "/link");
    const before = fs.usage();
    for (const [path, want] of [
      ["/", "EBUSY"],
      ["/.", "EBUSY"],
      ["/..", "EBUSY"],
      ["//", "EBUSY"],
      ["/a/.", "EINVAL"],
      ["/a/b/..", "EINVAL"],
      ["/a/b/c/../", "EINVAL"],
      ["/link/", "ENOTDIR"],
    ]) {
      assert.throws(() => fs.rm(path, { recursive: true }), code(want), path);
      assert.deepEqual(fs.usage(), before, `rm -r ${path} removed something`);
    }
    assert.equal(fs.readFile("/a/b/c/f", "utf8"), "data");
    fs.rm("/link");
    fs.rm("/a/b", { recursive: true });
    assert.deepEqual(fs.readdir("/a"), []);
    fs.checkInvariants();
  });

  test("relative paths are refused with EINVAL", () => {
    const fs = new MemFS();
    fs.mkdir("/d");
    fs.writeFile("/d/f", "x");
    for (const call of [
      () => fs.mkdir("e"),
      () => fs.writeFile("d/g", "y"),
      () => fs.readFile("d/f"),
      () => fs.readdir("d"),
      () => fs.stat("."),
      () => fs.lstat("d/f"),
      () => fs.symlink("/d", "l"),
      () => fs.readlink("l"),
      () => fs.rename("/d/f", "d/h"),
      () => fs.rename("d/f", "/d/h"),
      () => fs.rm("d", { recursive: true }),
    ]) {
      assert.throws(call, code("EINVAL"));
    }
    assert.equal(fs.exists("d/f"), false);
    assert.equal(fs.exists("/d/f"), true);
    // A symlink's text may be relative: it is resolved from the link's directory.
    fs.symlink("f", "/d/rel");
    assert.equal(fs.readFile("/d/rel", "utf8"), "x");
    assert.deepEqual(fs.readdir("/d"), ["f", "rel"]);
  });

  test("exportTree and importTree copy a subtree", () => {
    const a = new MemFS();
    a.mkdir("/src/sub", { recursive: true });
    a.writeFile("/src/sub/f", "data");
    a.symlink("sub/f", "/src/link");
    const tree = exportTree(a, "/src");
    assert.deepEqual(
      tree.map((e) => [e.path, e.type]),
      [
        ["sub", "directory"],
        ["sub/f", "file"],
        ["link", "symlink"],
      ],
    );
    const b = new MemFS();
    importTree(b, "/dst/here", tree);
    assert.equal(b.readFile("/dst/here/link", "utf8"), "data");
    assert.equal(b.readlink("/dst/here/link"), "sub/f");
  });
});
