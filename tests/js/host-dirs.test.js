// fromHostDir / toHostDir and the CLI's --dir write-back: only what the guest
// changed goes back, and nothing the host changed meanwhile is lost.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { MemFS } from "../../js/index.js";
import { fromHostDir, replayRenames, toHostDir } from "../../js/node/host-dirs.js";
import { mountHostDirs } from "../../js/node/mounts.js";
import { REPO } from "./helpers/corpus.js";
import { scripted } from "./helpers/wat.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-web-host-dirs-test-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let count = 0;
/** A fresh host folder with a few files, a subfolder and a symlink. */
function hostFolder() {
  const dir = path.join(tmp, `d${count++}`);
  fs.mkdirSync(path.join(dir, "sub"), { recursive: true });
  fs.writeFileSync(path.join(dir, "a.txt"), "a\n");
  fs.writeFileSync(path.join(dir, "b.txt"), "b\n");
  fs.writeFileSync(path.join(dir, "sub/c.txt"), "c\n");
  fs.symlinkSync("a.txt", path.join(dir, "a.link"));
  return dir;
}

const read = (dir, rel) => fs.readFileSync(path.join(dir, rel), "utf8");
const exists = (dir, rel) => fs.existsSync(path.join(dir, rel));
/** Files in `dir` other than wasi-web's temp files: none may be left behind. */
const leftovers = (dir) => fs.readdirSync(dir, { recursive: true }).filter((n) => String(n).includes(".wasi-web-"));

/** Copies a fresh host folder into a MemFS at /m. */
function load() {
  const dir = hostFolder();
  const { fs: memfs, loaded } = fromHostDir(dir, { at: "/m" });
  return { dir, memfs, loaded };
}

describe("toHostDir with the baseline from fromHostDir", () => {
  test("fromHostDir records a baseline for each entry", () => {
    const { dir, loaded } = load();
    assert.deepEqual([...loaded.keys()].sort(), ["a.link", "a.txt", "b.txt", "sub", "sub/c.txt"]);
    assert.deepEqual(loaded.get("sub"), { type: "directory" });
    assert.deepEqual(loaded.get("a.link"), { type: "symlink", target: "a.txt" });
    const a = loaded.get("a.txt");
    assert.equal(a.type, "file");
    assert.equal(a.size, 2);
    assert.equal(a.mtimeMs, fs.statSync(path.join(dir, "a.txt")).mtimeMs);
    assert.match(a.sha256, /^[0-9a-f]{64}$/);
  });

  test("the guest's new, modified and deleted files, dirs and symlinks are applied", () => {
    const { dir, memfs, loaded } = load();
    const linked = path.join(tmp, `hardlink${count++}`);
    fs.linkSync(path.join(dir, "a.txt"), linked);
    memfs.writeFile("/m/a.txt", "guest a\n");
    memfs.writeFile("/m/new.txt", "new\n");
    memfs.rm("/m/b.txt");
    memfs.mkdir("/m/newdir");
    memfs.writeFile("/m/newdir/n.txt", "n\n");
    memfs.rm("/m/sub", { recursive: true });
    memfs.rm("/m/a.link");
    memfs.symlink("new.txt", "/m/a.link");
    const r = toHostDir(memfs, "/m", dir, { loaded });
    assert.deepEqual(r.conflicts, []);
    assert.equal(read(dir, "a.txt"), "guest a\n");
    assert.equal(read(dir, "new.txt"), "new\n");
    assert.equal(read(dir, "newdir/n.txt"), "n\n");
    assert.equal(exists(dir, "b.txt"), false);
    assert.equal(exists(dir, "sub"), false);
    assert.equal(fs.readlinkSync(path.join(dir, "a.link")), "new.txt");
    assert.equal(fs.readFileSync(linked, "utf8"), "a\n", "a hard link outside is not written through");
    assert.deepEqual(leftovers(dir), []);
    assert.deepEqual({ written: r.written, removed: r.removed }, { written: 5, removed: 3 });
  });

  test("type changes: a file becomes a directory and a directory a file", () => {
    const { dir, memfs, loaded } = load();
    memfs.rm("/m/b.txt");
    memfs.mkdir("/m/b.txt");
    memfs.rm("/m/sub", { recursive: true });
    memfs.writeFile("/m/sub", "now a file\n");
    assert.deepEqual(toHostDir(memfs, "/m", dir, { loaded }).conflicts, []);
    assert.ok(fs.statSync(path.join(dir, "b.txt")).isDirectory());
    assert.equal(read(dir, "sub"), "now a file\n");
  });

  test("an edit on the host during the run is not reverted; untouched entries are not written", () => {
    const { dir, memfs, loaded } = load();
    fs.writeFileSync(path.join(dir, "b.txt"), "edited on the host\n");
    const past = new Date("2020-01-01T00:00:00Z");
    fs.utimesSync(path.join(dir, "sub/c.txt"), past, past);
    const r = toHostDir(memfs, "/m", dir, { loaded });
    assert.deepEqual(r, { written: 0, removed: 0, conflicts: [] });
    assert.equal(read(dir, "b.txt"), "edited on the host\n");
    assert.equal(fs.statSync(path.join(dir, "sub/c.txt")).mtime.getUTCFullYear(), 2020);
  });

  test("a file deleted on the host during the run does not come back", () => {
    const { dir, memfs, loaded } = load();
    fs.unlinkSync(path.join(dir, "b.txt"));
    fs.rmSync(path.join(dir, "sub"), { recursive: true });
    assert.deepEqual(toHostDir(memfs, "/m", dir, { loaded }), { written: 0, removed: 0, conflicts: [] });
    assert.equal(exists(dir, "b.txt"), false);
    assert.equal(exists(dir, "sub"), false);
  });

  test("a file changed on both sides is kept as the host has it and reported", () => {
    const { dir, memfs, loaded } = load();
    fs.writeFileSync(path.join(dir, "a.txt"), "host a\n");
    memfs.writeFile("/m/a.txt", "guest a\n");
    fs.writeFileSync(path.join(dir, "made.txt"), "host made\n");
    memfs.writeFile("/m/made.txt", "guest made\n");
    fs.unlinkSync(path.join(dir, "sub/c.txt"));
    memfs.writeFile("/m/sub/c.txt", "guest c\n");
    const r = toHostDir(memfs, "/m", dir, { loaded });
    assert.deepEqual(
      r.conflicts.map((c) => c.path).sort(),
      ["a.txt", "made.txt", "sub/c.txt"].map((rel) => path.join(dir, rel)),
    );
    assert.match(r.conflicts[0].reason, /changed on the host during the run/);
    assert.equal(read(dir, "a.txt"), "host a\n");
    assert.equal(read(dir, "made.txt"), "host made\n");
    assert.equal(exists(dir, "sub/c.txt"), false);
  });

  test("a file the guest deleted but the host changed is kept and reported", () => {
    const { dir, memfs, loaded } = load();
    fs.writeFileSync(path.join(dir, "b.txt"), "host b\n");
    memfs.rm("/m/b.txt");
    const r = toHostDir(memfs, "/m", dir, { loaded });
    assert.deepEqual(
      r.conflicts.map((c) => c.path),
      [path.join(dir, "b.txt")],
    );
    assert.equal(read(dir, "b.txt"), "host b\n");
  });

  test("a guest rmdir of a dir the host added a file to keeps both and reports it (no rm -rf)", () => {
    const { dir, memfs, loaded } = load();
    fs.writeFileSync(path.join(dir, "sub/host-added.txt"), "mine\n");
    memfs.rm("/m/sub", { recursive: true });
    const r = toHostDir(memfs, "/m", dir, { loaded });
    assert.deepEqual(
      r.conflicts.map((c) => c.path),
      [path.join(dir, "sub")],
    );
    assert.match(r.conflicts[0].reason, /not empty/);
    assert.equal(read(dir, "sub/host-added.txt"), "mine\n");
    assert.equal(exists(dir, "sub/c.txt"), false, "what the guest deleted inside is still deleted");
    assert.equal(r.removed, 1);
  });

  test("nothing is created under a directory that could not be replaced", () => {
    const { dir, memfs, loaded } = load();
    fs.writeFileSync(path.join(dir, "sub/host-added.txt"), "mine\n");
    memfs.rm("/m/sub", { recursive: true });
    memfs.writeFile("/m/sub", "guest file\n");
    const r = toHostDir(memfs, "/m", dir, { loaded });
    assert.deepEqual(
      r.conflicts.map((c) => c.path),
      [path.join(dir, "sub")],
    );
    assert.ok(fs.statSync(path.join(dir, "sub")).isDirectory());
  });

  test("a write that fails is reported and the rest still goes back", () => {
    const { dir, memfs, loaded } = load();
    // Root writes into read-only folders, so the failure is injected: the
    // rename that puts sub/c.txt in place fails as EACCES would.
    const target = path.join(dir, "sub/c.txt");
    const rename = fs.renameSync;
    fs.renameSync = (from, to) => {
      if (to === target) throw Object.assign(new Error(`EACCES: permission denied, rename '${from}' -> '${to}'`), { code: "EACCES" });
      return rename(from, to);
    };
    try {
      memfs.writeFile("/m/sub/c.txt", "guest c\n");
      memfs.writeFile("/m/new.txt", "new\n");
      const r = toHostDir(memfs, "/m", dir, { loaded });
      assert.deepEqual(
        r.conflicts.map((c) => c.path),
        [target],
      );
      assert.equal(read(dir, "new.txt"), "new\n");
      assert.equal(read(dir, "sub/c.txt"), "c\n");
      assert.deepEqual(
        fs.readdirSync(path.join(dir, "sub")).filter((name) => name.endsWith(".tmp")),
        [],
        "no temp file left",
      );
    } finally {
      fs.renameSync = rename;
    }
  });

  test("a rewritten file keeps the host file's mode", () => {
    const { dir, memfs, loaded } = load();
    fs.chmodSync(path.join(dir, "a.txt"), 0o750);
    memfs.writeFile("/m/a.txt", "#!/bin/sh\n");
    toHostDir(memfs, "/m", dir, { loaded });
    assert.equal(fs.statSync(path.join(dir, "a.txt")).mode & 0o777, 0o750);
  });
});

describe("toHostDir without a baseline", () => {
  test("writes new and differing entries and deletes nothing", () => {
    const dir = hostFolder();
    const memfs = new MemFS();
    memfs.mkdir("/m");
    memfs.writeFile("/m/a.txt", "other a\n");
    memfs.writeFile("/m/x.txt", "x\n");
    const r = toHostDir(memfs, "/m", dir);
    assert.deepEqual(r, { written: 2, removed: 0, conflicts: [] });
    assert.equal(read(dir, "a.txt"), "other a\n");
    assert.equal(read(dir, "x.txt"), "x\n");
    assert.equal(read(dir, "b.txt"), "b\n");
    assert.equal(read(dir, "sub/c.txt"), "c\n");
    assert.ok(fs.lstatSync(path.join(dir, "a.link")).isSymbolicLink());
  });

  test("a type change needs delete: true, and is reported without it", () => {
    const dir = hostFolder();
    const memfs = new MemFS();
    memfs.mkdir("/m");
    memfs.writeFile("/m/sub", "a file\n");
    const r = toHostDir(memfs, "/m", dir);
    assert.deepEqual(
      r.conflicts.map((c) => c.path),
      [path.join(dir, "sub")],
    );
    assert.equal(read(dir, "sub/c.txt"), "c\n");
  });

  test("{ delete: true } mirrors the MemFS exactly", () => {
    const dir = hostFolder();
    const memfs = new MemFS();
    memfs.mkdir("/m");
    memfs.writeFile("/m/a.txt", "a\n");
    memfs.writeFile("/m/sub", "a file\n");
    const r = toHostDir(memfs, "/m", dir, { delete: true });
    assert.deepEqual(r.conflicts, []);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["a.txt", "sub"]);
    assert.equal(read(dir, "sub"), "a file\n");
  });
});

describe("the CLI's --dir", () => {
  // --dir is a live mount now (js/node/mounts.js mountHostFolders): both
  // sides change the same files as they go, as with wasmtime, and nothing is
  // written back afterwards (tests/js/mount-host.test.js has the rest).
  test("host edits during the run survive, and the guest's changes are made live", async () => {
    const dir = hostFolder();
    const wasm = path.join(tmp, "guest.wasm");
    // Waits on stdin so that the host can change the folder mid-run.
    fs.writeFileSync(
      wasm,
      scripted([
        ["print", "ready\n"],
        ["stdin"],
        ["write", "new.txt", "guest new\n"],
        ["write", "a.txt", "guest a\n"],
        ["unlink", "sub/c.txt"],
      ]),
    );
    const child = spawn(process.execPath, [path.join(REPO, "js/cli.js"), "run", "--dir", `${dir}::/d`, wasm], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    await new Promise((resolve, reject) => {
      child.on("error", reject);
      child.stdout.on("data", (d) => {
        stdout += d;
        if (stdout.includes("ready")) resolve(undefined);
      });
    });
    fs.writeFileSync(path.join(dir, "b.txt"), "edited on the host\n");
    fs.writeFileSync(path.join(dir, "a.txt"), "host a\n");
    fs.unlinkSync(path.join(dir, "a.link"));
    child.stdin.end();
    const code = await new Promise((resolve) => child.on("close", resolve));
    assert.equal(code, 0, stderr);
    assert.equal(read(dir, "b.txt"), "edited on the host\n");
    assert.equal(exists(dir, "a.link"), false);
    assert.equal(read(dir, "new.txt"), "guest new\n");
    assert.equal(exists(dir, "sub/c.txt"), false);
    // The guest wrote a.txt after the host did: its write is the last one.
    assert.equal(read(dir, "a.txt"), "guest a\n");
    assert.equal(stderr, "");
  });
});

describe("replayRenames (--browser): a guest rename is a host rename", () => {
  /** A fresh folder copied as --browser copies it: root /host/0. */
  function copied() {
    const dir = hostFolder();
    const memfs = new MemFS();
    const { preopens, roots } = mountHostDirs(memfs, [{ host: dir, guest: "/g" }]);
    assert.deepEqual(preopens, { "/g": "/host/0" });
    return { dir, memfs, root: roots[0] };
  }

  test("files and directories keep their host inode; the write-back then has nothing left to do", () => {
    const { dir, memfs, root } = copied();
    const inoA = fs.statSync(path.join(dir, "a.txt")).ino;
    const inoC = fs.statSync(path.join(dir, "sub/c.txt")).ino;
    memfs.rename("/host/0/a.txt", "/host/0/z.txt");
    memfs.rename("/host/0/sub", "/host/0/moved");
    memfs.rename("/host/0/moved/c.txt", "/host/0/moved/d.txt");
    const made = replayRenames(root, [
      ["/host/0/a.txt", "/host/0/z.txt"],
      ["/host/0/sub", "/host/0/moved"],
      ["/host/0/sub/c.txt", "/host/0/moved/d.txt"],
    ]);
    assert.equal(made, 3);
    assert.deepEqual(toHostDir(memfs, "/host/0", dir, { loaded: root.loaded }), { written: 0, removed: 0, conflicts: [] });
    assert.equal(fs.statSync(path.join(dir, "z.txt")).ino, inoA);
    assert.equal(fs.statSync(path.join(dir, "moved/d.txt")).ino, inoC);
    assert.equal(exists(dir, "a.txt") || exists(dir, "sub"), false);
  });

  test("not replayed where the host changed the source, or for a swap; the write-back still gets it right", () => {
    const { dir, memfs, root } = copied();
    memfs.rename("/host/0/a.txt", "/host/0/z.txt");
    fs.writeFileSync(path.join(dir, "a.txt"), "edited on the host\n");
    // A swap of b.txt and sub/c.txt's names would overwrite a source.
    memfs.rename("/host/0/b.txt", "/host/0/tmp");
    memfs.rename("/host/0/sub/c.txt", "/host/0/b.txt");
    memfs.rename("/host/0/tmp", "/host/0/sub/c.txt");
    const made = replayRenames(root, [
      ["/host/0/a.txt", "/host/0/z.txt"],
      ["/host/0/b.txt", "/host/0/sub/c.txt"],
      ["/host/0/sub/c.txt", "/host/0/b.txt"],
    ]);
    assert.equal(made, 0);
    const { conflicts } = toHostDir(memfs, "/host/0", dir, { loaded: root.loaded });
    assert.equal(read(dir, "a.txt"), "edited on the host\n", "the host's edit stays");
    assert.deepEqual(
      conflicts.map((c) => path.basename(c.path)),
      ["a.txt"],
    );
    assert.equal(read(dir, "z.txt"), "a\n");
    assert.equal(read(dir, "b.txt"), "c\n");
    assert.equal(read(dir, "sub/c.txt"), "b\n");
  });
});
