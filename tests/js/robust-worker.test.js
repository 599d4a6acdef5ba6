// Worker mode keeps data: programs in workers work on copies of the MemFS
// trees they preopen, and their changes are merged back path by path, never
// over what the page or another program changed meanwhile (js/tree.js
// applyChanges). Also: a trapped program's files are kept and its error is a
// real WebAssembly.RuntimeError; an AbortSignal stops a program and keeps
// what it wrote. The merge rules are tested in Node, the rest in Chromium.
/* global bytesOf, until, text -- defined in the Chromium page (wasiWeb too: see eslint.config.js) */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MemFS } from "../../js/index.js";
import { applyChanges, diffTree, exportTree } from "../../js/tree.js";
import { openLibraryPage } from "./helpers/pages.js";
import { cat, guest, scripted as script } from "./helpers/wat.js";

const enc = new TextEncoder();

/** `{ path: text }` of the files under `root`. */
function files(fs, root) {
  const out = {};
  for (const e of exportTree(fs, root)) out[e.path] = e.type === "file" ? new TextDecoder().decode(e.data) : e.type;
  return out;
}

describe("merging a program's changes (Node)", () => {
  function setup() {
    const fs = new MemFS();
    fs.mkdir("/data/sub", { recursive: true });
    fs.writeFile("/data/keep.txt", "keep");
    fs.writeFile("/data/edit.txt", "old");
    fs.writeFile("/data/gone.txt", "bye");
    fs.writeFile("/data/sub/in.txt", "in");
    return fs;
  }

  /** A program's run on a copy: `change(copy)` is what it does. */
  function programChanges(fs, change) {
    const before = exportTree(fs, "/data");
    const copy = new MemFS();
    copy.mkdir("/data");
    for (const e of before) {
      if (e.type === "directory") copy.mkdir(`/data/${e.path}`);
      else copy.writeFile(`/data/${e.path}`, e.data);
    }
    change(copy);
    return diffTree("/data", before, exportTree(copy, "/data"));
  }

  const work = (copy) => {
    copy.writeFile("/data/new.txt", "new");
    copy.writeFile("/data/edit.txt", "edited");
    copy.rm("/data/gone.txt");
    copy.rm("/data/sub", { recursive: true });
    copy.mkdir("/data/made/deeper", { recursive: true });
    copy.writeFile("/data/made/deeper/f", "f");
    copy.symlink("new.txt", "/data/link");
  };

  test("the diff lists exactly what changed", () => {
    const fs = setup();
    const changes = programChanges(fs, work);
    const summary = changes.map((c) => `${c.before?.type ?? "-"}>${c.after?.type ?? "-"} ${c.path}`).sort();
    assert.deepEqual(summary, [
      "->directory /data/made",
      "->directory /data/made/deeper",
      "->file /data/made/deeper/f",
      "->file /data/new.txt",
      "->symlink /data/link",
      "directory>- /data/sub",
      "file>- /data/gone.txt",
      "file>- /data/sub/in.txt",
      "file>file /data/edit.txt",
    ]);
  });

  test("applied to an untouched tree, it gives the program's tree", () => {
    const fs = setup();
    const changes = programChanges(fs, work);
    assert.deepEqual(applyChanges(fs, changes), []);
    assert.deepEqual(files(fs, "/data"), {
      "keep.txt": "keep",
      "edit.txt": "edited",
      "new.txt": "new",
      made: "directory",
      "made/deeper": "directory",
      "made/deeper/f": "f",
      link: "symlink",
    });
    assert.equal(fs.readlink("/data/link"), "new.txt");
    fs.checkInvariants();
  });

  test("what others changed meanwhile is kept and reported, the rest applied", () => {
    const fs = setup();
    const changes = programChanges(fs, work);
    // Meanwhile, on the page (or by another program):
    fs.writeFile("/data/edit.txt", "the page's");
    fs.writeFile("/data/gone.txt", "rewritten");
    fs.writeFile("/data/sub/other.txt", "another program's");
    fs.writeFile("/data/new.txt", "also new");
    fs.writeFile("/data/page.txt", "page");
    const conflicts = applyChanges(fs, changes);
    assert.deepEqual(conflicts.map((c) => c.path).sort(), ["/data/edit.txt", "/data/gone.txt", "/data/new.txt", "/data/sub"]);
    assert.match(conflicts.find((c) => c.path === "/data/sub").reason, /entries the program did not know/);
    assert.deepEqual(files(fs, "/data"), {
      "keep.txt": "keep",
      "edit.txt": "the page's",
      "gone.txt": "rewritten",
      sub: "directory",
      "sub/other.txt": "another program's",
      "new.txt": "also new",
      "page.txt": "page",
      made: "directory",
      "made/deeper": "directory",
      "made/deeper/f": "f",
      link: "symlink",
    });
    fs.checkInvariants();
  });

  test("the same change made twice is no conflict", () => {
    const fs = setup();
    const a = programChanges(fs, work);
    const b = programChanges(fs, work);
    assert.deepEqual(applyChanges(fs, a), []);
    assert.deepEqual(applyChanges(fs, b), []);
    assert.equal(fs.readFile("/data/edit.txt", "utf8"), "edited");
  });

  test("a change the MemFS refuses (a limit) is a conflict, not a throw", () => {
    const fs = new MemFS({ limits: { maxBytes: 10 } });
    fs.mkdir("/data");
    const before = exportTree(fs, "/data");
    const big = [
      { path: "big", type: "file", data: enc.encode("x".repeat(64)) },
      { path: "small", type: "file", data: enc.encode("ok") },
    ];
    const conflicts = applyChanges(fs, diffTree("/data", before, big));
    assert.equal(conflicts.length, 1);
    assert.equal(conflicts[0].path, "/data/big");
    assert.match(conflicts[0].reason, /ENOSPC|space/i);
    assert.equal(fs.readFile("/data/small", "utf8"), "ok");
    assert.equal(fs.exists("/data/big"), false);
  });

  test("a parent deleted meanwhile: the program's new file is reported, not recreated", () => {
    const fs = setup();
    const changes = programChanges(fs, (copy) => copy.writeFile("/data/sub/new.txt", "x"));
    fs.rm("/data/sub", { recursive: true });
    const conflicts = applyChanges(fs, changes);
    assert.deepEqual(
      conflicts.map((c) => c.path),
      ["/data/sub/new.txt"],
    );
    assert.equal(fs.exists("/data/sub"), false);
  });
});

describe("worker mode in Chromium", () => {
  let server;
  let browser;
  let page;

  before(async () => {
    ({ server, browser, page } = await openLibraryPage());
    await page.evaluate(() => {
      globalThis.bytesOf = (array) => new Uint8Array(array);
      globalThis.text = (fs, path) => (fs.exists(path) ? fs.readFile(path, "utf8") : null);
      // Waits until `seen()` is true (the program reached a point it prints).
      globalThis.until = async (seen) => {
        for (let i = 0; i < 600 && !seen(); i++) await new Promise((r) => setTimeout(r, 25));
        if (!seen()) throw new Error("the program never got there");
      };
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("20 programs at once on one MemFS keep each other's files", { timeout: 120_000 }, async () => {
    const programs = [];
    for (let i = 0; i < 20; i++) {
      const steps = [
        ["write", `out-${i}.txt`, `program ${i}\n`],
        ["mkdir", `dir-${i}`],
        ["write", `dir-${i}/inner.txt`, `inner ${i}\n`],
      ];
      if (i === 0) steps.push(["write", "shared.txt", "updated by program 0\n"]);
      if (i === 1) steps.push(["unlink", "delete-me.txt"]);
      programs.push([...script(steps)]);
    }
    const r = await page.evaluate(async (programs) => {
      const fs = new wasiWeb.MemFS();
      fs.mkdir("/data");
      fs.writeFile("/data/shared.txt", "original\n");
      fs.writeFile("/data/delete-me.txt", "x");
      const runs = programs.map((bytes, i) => wasiWeb.runInWorker(bytesOf(bytes), { args: [`p${i}`], preopens: { "/data": "/data" }, fs }));
      // The page writes too while they run.
      fs.writeFile("/data/page.txt", "the page's\n");
      const results = await Promise.all(runs);
      const out = {};
      for (const name of fs.readdir("/data").sort()) {
        out[name] = fs.stat(`/data/${name}`).isDirectory() ? fs.readdir(`/data/${name}`) : text(fs, `/data/${name}`);
      }
      const inner = programs.map((_, i) => text(fs, `/data/dir-${i}/inner.txt`));
      fs.checkInvariants();
      return {
        codes: results.map((x) => x.exitCode),
        conflicts: results.flatMap((x) => x.conflicts),
        out,
        inner,
      };
    }, programs);
    assert.deepEqual(r.codes, Array(20).fill(0));
    assert.deepEqual(r.conflicts, []);
    for (let i = 0; i < 20; i++) {
      assert.equal(r.out[`out-${i}.txt`], `program ${i}\n`, `out-${i}.txt`);
      assert.deepEqual(r.out[`dir-${i}`], ["inner.txt"]);
      assert.equal(r.inner[i], `inner ${i}\n`);
    }
    assert.equal(r.out["shared.txt"], "updated by program 0\n");
    assert.equal(r.out["page.txt"], "the page's\n");
    assert.equal("delete-me.txt" in r.out, false);
    assert.equal(Object.keys(r.out).length, 20 + 20 + 2);
  });

  test("a file the page changed during the run is kept and reported", { timeout: 60_000 }, async () => {
    const bytes = [...script([["write", "x.txt", "program\n"], ["print", "wrote\n"], ["stdin"], ["write", "y.txt", "y\n"]])];
    const r = await page.evaluate(async (bytes) => {
      const fs = new wasiWeb.MemFS();
      fs.mkdir("/data");
      fs.writeFile("/data/x.txt", "before\n");
      const stdin = new wasiWeb.StdinQueue();
      let out = "";
      const done = wasiWeb.runInWorker(bytesOf(bytes), {
        preopens: { "/data": "/data" },
        fs,
        stdin,
        stdout: (c) => (out += new TextDecoder().decode(c)),
      });
      await until(() => out.includes("wrote"));
      fs.writeFile("/data/x.txt", "the page's\n");
      stdin.end();
      const result = await done;
      return { conflicts: result.conflicts, x: text(fs, "/data/x.txt"), y: text(fs, "/data/y.txt") };
    }, bytes);
    assert.equal(r.x, "the page's\n");
    assert.equal(r.y, "y\n");
    assert.equal(r.conflicts.length, 1);
    assert.equal(r.conflicts[0].path, "/data/x.txt");
    assert.match(r.conflicts[0].reason, /changed meanwhile/);
  });

  test("a trapped program keeps its files and rejects with a WebAssembly.RuntimeError", { timeout: 60_000 }, async () => {
    const bytes = [...script([["write", "before-trap.txt", "written\n"], ["print", "about to trap\n"], ["trap"]])];
    const r = await page.evaluate(async (bytes) => {
      const fs = new wasiWeb.MemFS();
      fs.mkdir("/data");
      try {
        await wasiWeb.runInWorker(bytesOf(bytes), { args: ["trapper"], preopens: { "/data": "/data" }, fs });
        return { resolved: true };
      } catch (error) {
        return {
          isRuntimeError: error instanceof WebAssembly.RuntimeError,
          name: error.name,
          message: error.message,
          stack: error.stack,
          stdout: error.stdout,
          file: text(fs, "/data/before-trap.txt"),
        };
      }
    }, bytes);
    assert.equal(r.resolved, undefined);
    assert.equal(r.isRuntimeError, true);
    assert.equal(r.name, "RuntimeError");
    assert.match(r.message, /^trapper trapped: unreachable/);
    assert.match(r.stack, /RuntimeError: trapper trapped/);
    assert.equal(r.stdout, "about to trap\n");
    assert.equal(r.file, "written\n");
  });

  for (const [what, wait] of [
    ["blocked on stdin", "stdin"],
    ["sleeping for 2^62 ns", "sleep"],
  ]) {
    test(`an AbortSignal stops a program ${what}; its files stay`, { timeout: 60_000 }, async () => {
      const bytes = [...script([["write", "kept.txt", "kept\n"], ["print", "waiting\n"], [wait], ["write", "never.txt", "no"]])];
      const r = await page.evaluate(async (bytes) => {
        const fs = new wasiWeb.MemFS();
        fs.mkdir("/data");
        const controller = new AbortController();
        let out = "";
        const done = wasiWeb.runInWorker(bytesOf(bytes), {
          args: ["waiter"],
          preopens: { "/data": "/data" },
          fs,
          stdin: new wasiWeb.StdinQueue(), // never fed, never ended
          stdout: (c) => (out += new TextDecoder().decode(c)),
          signal: controller.signal,
        });
        await until(() => out.includes("waiting"));
        const reason = new Error("enough");
        controller.abort(reason);
        try {
          await done;
          return { resolved: true };
        } catch (error) {
          return {
            name: error.name,
            isDomException: error instanceof DOMException,
            causeIsReason: error.cause === reason,
            message: error.message,
            lostChanges: error.lostChanges,
            stdout: error.stdout,
            kept: text(fs, "/data/kept.txt"),
            never: text(fs, "/data/never.txt"),
          };
        }
      }, bytes);
      assert.equal(r.resolved, undefined);
      assert.equal(r.name, "AbortError");
      assert.equal(r.isDomException, true);
      assert.equal(r.causeIsReason, true);
      assert.match(r.message, /^waiter was aborted: enough$/);
      assert.equal(r.lostChanges, undefined);
      assert.equal(r.stdout, "waiting\n");
      assert.equal(r.kept, "kept\n");
      assert.equal(r.never, null);
    });
  }

  test("a program computing without calls is terminated on abort; the error says its changes were lost", { timeout: 60_000 }, async () => {
    // Reading (empty) stdin flushes the output before the loop.
    const bytes = [...script([["write", "lost.txt", "x"], ["print", "spinning\n"], ["stdin"], ["spin"]])];
    const r = await page.evaluate(async (bytes) => {
      const fs = new wasiWeb.MemFS();
      fs.mkdir("/data");
      const controller = new AbortController();
      let out = "";
      const done = wasiWeb.runInWorker(bytesOf(bytes), {
        preopens: { "/data": "/data" },
        fs,
        stdout: (c) => (out += new TextDecoder().decode(c)),
        signal: controller.signal,
      });
      await until(() => out.includes("spinning"));
      controller.abort();
      try {
        await done;
        return { resolved: true };
      } catch (error) {
        return { name: error.name, lostChanges: error.lostChanges, message: error.message, lost: text(fs, "/data/lost.txt") };
      }
    }, bytes);
    assert.equal(r.name, "AbortError");
    assert.equal(r.lostChanges, true);
    assert.match(r.message, /no WASI call within 500 ms.*lost/);
    assert.equal(r.lost, null);
  });

  test("a stdout callback that throws ends the run with its error; the files stay", { timeout: 60_000 }, async () => {
    const bytes = [...script([["write", "kept.txt", "kept\n"], ["print", "boom\n"], ["stdin"], ["write", "never.txt", "no"]])];
    const r = await page.evaluate(async (bytes) => {
      const fs = new wasiWeb.MemFS();
      fs.mkdir("/data");
      const thrown = new Error("the sink broke");
      try {
        await wasiWeb.runInWorker(bytesOf(bytes), {
          preopens: { "/data": "/data" },
          fs,
          stdin: new wasiWeb.StdinQueue(),
          stdout: () => {
            throw thrown;
          },
        });
        return { resolved: true };
      } catch (error) {
        return { same: error === thrown, kept: text(fs, "/data/kept.txt"), never: text(fs, "/data/never.txt") };
      }
    }, bytes);
    assert.deepEqual(r, { same: true, kept: "kept\n", never: null });
  });

  test("a callback throws a string, the program computes on: the run rejects with the string", { timeout: 60_000 }, async () => {
    // The output arrives while the program is in the stdin read (its last WASI call), so the page's stop
    // finds it spinning: the grace timer ends the run. It once set `lostChanges` on the thrown value,
    // which a string refuses: the timer threw and the run never settled.
    const bytes = [...script([["print", "spinning\n"], ["stdin"], ["spin"]])];
    const r = await page.evaluate(async (bytes) => {
      try {
        await wasiWeb.runInWorker(bytesOf(bytes), {
          stdout: () => {
            throw "the sink broke";
          },
        });
        return { resolved: true };
      } catch (error) {
        return { error };
      }
    }, bytes);
    assert.deepEqual(r, { error: "the sink broke" });
  });

  test("an already aborted signal: nothing runs", { timeout: 60_000 }, async () => {
    const bytes = [...script([["write", "ran.txt", "x"]])];
    const r = await page.evaluate(async (bytes) => {
      const fs = new wasiWeb.MemFS();
      fs.mkdir("/data");
      try {
        await wasiWeb.runInWorker(bytesOf(bytes), { preopens: { "/data": "/data" }, fs, signal: AbortSignal.abort() });
        return { resolved: true };
      } catch (error) {
        return { name: error.name, ran: fs.exists("/data/ran.txt") };
      }
    }, bytes);
    assert.deepEqual(r, { name: "AbortError", ran: false });
  });

  test("stdin as any binary view reaches the program; a stdin callback is refused", { timeout: 60_000 }, async () => {
    const bytes = [...cat()];
    const r = await page.evaluate(async (bytes) => {
      const data = new TextEncoder().encode("héllo\n");
      // An Int8Array or a DataView was once read as an iterable of numbers: no stdin at all.
      const int8 = await wasiWeb.runInWorker(bytesOf(bytes), { stdin: new Int8Array(data.buffer) });
      const view = await wasiWeb.runInWorker(bytesOf(bytes), { stdin: new DataView(data.buffer, 1) });
      let callback;
      try {
        await wasiWeb.runInWorker(bytesOf(bytes), { stdin: () => "never read" });
        callback = "resolved";
      } catch (error) {
        callback = `${error.name}: ${error.message}`;
      }
      return { int8: int8.stdout, view: view.stdout, callback };
    }, bytes);
    assert.equal(r.int8, "héllo\n");
    assert.equal(r.view, "éllo\n");
    assert.match(r.callback, /^TypeError: runInWorker\(\): options\.stdin cannot be a callback/);
  });

  test("two preopens with the same guest path are refused", { timeout: 60_000 }, async () => {
    const r = await page.evaluate(async () => {
      try {
        await wasiWeb.runInWorker(new Uint8Array(8), { preopens: { "/data": "/a", "/data/": "/b" } });
        return "resolved";
      } catch (error) {
        return `${error.name}: ${error.message}`;
      }
    });
    assert.match(r, /^TypeError: options\.preopens: "\/data" and "\/data\/" are the same guest path/);
  });

  test("deterministic, maxIoBytes and tty work in a worker; async and component options are TypeErrors", { timeout: 60_000 }, async () => {
    // Prints, as raw bytes: the wall clock, the monotonic clock and 16 random bytes.
    const clocks = [
      ...guest({
        imports: ["clock_time_get", "random_get"],
        start: `
          (call $ok (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 128)))
          (call $ok (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 136)))
          (call $ok (call $random_get (i32.const 144) (i32.const 16)))
          (call $print (i32.const 1) (i32.const 128) (i32.const 32))`,
      }),
    ];
    // One fd_write of 10 bytes, then the count it moved as a digit ("0" + n).
    const short = [
      ...guest({
        strings: { ten: "abcdefghij" },
        start: `
          (i32.store (i32.const 16) $str:ten) (i32.store (i32.const 20) $len:ten)
          (call $ok (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
          (i32.store8 (i32.const 32) (i32.add (i32.const 48) (i32.load (i32.const 24))))
          (call $print (i32.const 1) (i32.const 32) (i32.const 1))`,
      }),
    ];
    // Two writes, "abc\n" then "def": one sink call per line on a terminal.
    const lines = [
      ...guest({
        strings: { a: "abc\n", b: "def" },
        start: "(call $print (i32.const 1) $str:a $len:a) (call $print (i32.const 1) $str:b $len:b)",
      }),
    ];
    const r = await page.evaluate(
      async ({ clocks, short, lines }) => {
        const raw = async (options) => {
          const bytes = [];
          await wasiWeb.runInWorker(bytesOf(clocks), { ...options, stdout: (chunk) => bytes.push(...chunk) });
          return bytes;
        };
        // The same program on the page, deterministic with seed 5.
        const onPage = [];
        const wasi = new wasiWeb.WASI({ deterministic: { seed: 5 }, stdout: (chunk) => onPage.push(...chunk) });
        wasi.start((await WebAssembly.instantiate(bytesOf(clocks), wasi.getImportObject())).instance);
        const refused = {};
        for (const [key, value] of [
          ["async", true],
          ["cache", false],
          ["timeZone", "UTC"],
          ["cwd", "/"],
          ["maxBufferBytes", 1],
        ]) {
          try {
            await wasiWeb.runInWorker(bytesOf(short), { [key]: value });
            refused[key] = "resolved";
          } catch (error) {
            refused[key] = `${error.name}: ${error.message}`;
          }
        }
        return {
          seed5: await raw({ deterministic: { seed: 5 } }),
          again: await raw({ deterministic: { seed: 5 } }),
          seed6: await raw({ deterministic: { seed: 6 } }),
          real: await raw({}),
          onPage,
          capped: (await wasiWeb.runInWorker(bytesOf(short), { maxIoBytes: 4, async: false })).stdout,
          // A terminal's stdout reaches the page line by line: "abc\n" comes before the rest.
          lines: await (async () => {
            const chunks = [];
            await wasiWeb.runInWorker(bytesOf(lines), { tty: true, stdout: (c) => chunks.push(new TextDecoder().decode(c)) });
            return chunks;
          })(),
          uncapped: (await wasiWeb.runInWorker(bytesOf(short))).stdout,
          refused,
        };
      },
      { clocks, short, lines },
    );
    assert.equal(r.seed5.length, 32);
    assert.deepEqual(r.seed5, r.onPage, "a deterministic worker run is the deterministic page run");
    assert.deepEqual(r.again, r.seed5);
    // Another seed: the same virtual clocks, other random bytes.
    assert.deepEqual(r.seed6.slice(0, 16), r.seed5.slice(0, 16));
    assert.notDeepEqual(r.seed6.slice(16), r.seed5.slice(16));
    // Without it, the wall clock is the real one (not the virtual 2024-01-01).
    assert.notDeepEqual(r.real.slice(0, 8), r.seed5.slice(0, 8));
    assert.equal(r.capped, "abcd4");
    assert.equal(r.uncapped, "abcdefghij:");
    assert.match(r.refused.async, /^TypeError: runInWorker\(\) does not take options\.async: a worker blocks/);
    assert.match(r.refused.cache, /^TypeError: runInWorker\(\) does not take options\.cache: it is for components/);
    assert.match(r.refused.timeZone, /^TypeError: runInWorker\(\) does not take options\.timeZone: it is for components/);
    assert.match(r.refused.cwd, /^TypeError: runInWorker\(\) does not take options\.cwd: it is for components/);
    assert.match(r.refused.maxBufferBytes, /^TypeError: runInWorker\(\) does not take options\.maxBufferBytes/);
    assert.deepEqual(r.lines, ["abc\n", "def"]);
  });
});
