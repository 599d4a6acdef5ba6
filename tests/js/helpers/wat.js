// Tiny hand-written WASI guests for the API tests, assembled from WAT text by
// binaryen (a devDependency), so the tests need no guest toolchain.
import binaryen from "binaryen";

const SIGNATURES = {
  args_get: "(param i32 i32) (result i32)",
  args_sizes_get: "(param i32 i32) (result i32)",
  environ_get: "(param i32 i32) (result i32)",
  environ_sizes_get: "(param i32 i32) (result i32)",
  fd_write: "(param i32 i32 i32 i32) (result i32)",
  fd_read: "(param i32 i32 i32 i32) (result i32)",
  fd_pread: "(param i32 i32 i32 i64 i32) (result i32)",
  fd_close: "(param i32) (result i32)",
  fd_seek: "(param i32 i64 i32 i32) (result i32)",
  path_open: "(param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)",
  path_unlink_file: "(param i32 i32 i32) (result i32)",
  path_create_directory: "(param i32 i32 i32) (result i32)",
  path_remove_directory: "(param i32 i32 i32) (result i32)",
  path_symlink: "(param i32 i32 i32 i32 i32) (result i32)",
  path_rename: "(param i32 i32 i32 i32 i32 i32) (result i32)",
  proc_exit: "(param i32)",
  proc_raise: "(param i32) (result i32)",
  sched_yield: "(result i32)",
  poll_oneoff: "(param i32 i32 i32 i32) (result i32)",
  clock_time_get: "(param i32 i64 i32) (result i32)",
  random_get: "(param i32 i32) (result i32)",
};

const encoder = new TextEncoder();

function watString(bytes) {
  return Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, "0")}`).join("");
}

/**
 * Assembles a guest. In `body` (and `funcs`), `$str:NAME` is the address of
 * string NAME and `$len:NAME` its byte length; `(call $ok (...))` traps on a
 * non-zero errno; `$write1` writes string NAME to stdout: `(call $print (i32.const 1) $str:x $len:x)`.
 * Scratch memory: bytes 0..1024 are free for iovecs and results; strings start at 1024.
 *
 * @param {{ ns?: string, imports?: string[], strings?: Record<string, string | Uint8Array>, start?: string | null, initialize?: string, funcs?: string, exports?: string }} spec
 * @returns {Uint8Array}
 */
export function guest(spec) {
  const ns = spec.ns ?? "wasi_snapshot_preview1";
  const imports = new Set([...(spec.imports ?? []), "fd_write"]);
  let offset = 1024;
  const strings = {};
  const data = [];
  for (const [name, value] of Object.entries(spec.strings ?? {})) {
    const bytes = typeof value === "string" ? encoder.encode(value) : value;
    strings[name] = { offset, length: bytes.length };
    data.push(`(data (i32.const ${offset}) "${watString(bytes)}")`);
    offset += bytes.length + 8;
  }
  const subst = (text) =>
    text
      .replace(/\$str:(\w+)/g, (_, n) => `(i32.const ${strings[n].offset})`)
      .replace(/\$len:(\w+)/g, (_, n) => `(i32.const ${strings[n].length})`);
  const importLines = [...imports].map((name) => `(import "${ns}" "${name}" (func $${name} ${SIGNATURES[name]}))`);
  const text = `(module
  ${importLines.join("\n  ")}
  (memory (export "memory") 2)
  ${data.join("\n  ")}
  (func $ok (param $errno i32) (if (local.get $errno) (then unreachable)))
  (func $print (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (call $ok (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  ${subst(spec.funcs ?? "")}
  ${spec.start === null ? "" : `(func (export "_start") ${subst(spec.start ?? "")})`}
  ${spec.initialize === undefined ? "" : `(func (export "_initialize") ${subst(spec.initialize)})`}
  ${subst(spec.exports ?? "")}
)`;
  const module = binaryen.parseText(text);
  try {
    if (!module.validate()) throw new Error(`invalid test guest:\n${text}`);
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}

/** A guest that prints `text` to stdout (fd 1) and, if given, `err` to stderr. */
export function printer(text, { err, exitCode, ns } = {}) {
  return guest({
    ns,
    imports: exitCode === undefined ? [] : ["proc_exit"],
    strings: { out: text, err: err ?? "" },
    start: `
      (call $print (i32.const 1) $str:out $len:out)
      ${err ? "(call $print (i32.const 2) $str:err $len:err)" : ""}
      ${exitCode === undefined ? "" : `(call $proc_exit (i32.const ${exitCode}))`}`,
  });
}

/** A guest that copies stdin to stdout, reading at most `chunk` bytes a time. */
export function cat(chunk = 4096) {
  return guest({
    imports: ["fd_read"],
    start: `
      (local $n i32)
      (block $done (loop $next
        (i32.store (i32.const 16) (i32.const 4096))
        (i32.store (i32.const 20) (i32.const ${chunk}))
        (call $ok (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
        (local.set $n (i32.load (i32.const 24)))
        (br_if $done (i32.eqz (local.get $n)))
        (call $print (i32.const 1) (i32.const 4096) (local.get $n))
        (br $next)))`,
  });
}

/** A guest that prints the contents of file `name` under the first preopen (fd 3). */
export function catFile(name) {
  return guest({
    imports: ["fd_read", "path_open"],
    strings: { name },
    start: `
      (local $fd i32) (local $n i32)
      (call $ok (call $path_open (i32.const 3) (i32.const 1) $str:name $len:name
        (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 32)))
      (local.set $fd (i32.load (i32.const 32)))
      (block $done (loop $next
        (i32.store (i32.const 16) (i32.const 8192))
        (i32.store (i32.const 20) (i32.const 4096))
        (call $ok (call $fd_read (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 24)))
        (local.set $n (i32.load (i32.const 24)))
        (br_if $done (i32.eqz (local.get $n)))
        (call $print (i32.const 1) (i32.const 8192) (local.get $n))
        (br $next)))`,
  });
}

/**
 * A guest that changes the first preopen: writes new.txt ("new\n"), replaces
 * hello.txt's contents, deletes gone.txt, makes dir newdir/ and a symlink
 * link -> new.txt, renames old.txt to renamed.txt.
 */
export function mutator() {
  return guest({
    imports: ["path_open", "fd_close", "path_unlink_file", "path_create_directory", "path_symlink", "path_rename"],
    strings: {
      newTxt: "new.txt",
      newBody: "new\n",
      hello: "hello.txt",
      helloBody: "changed by the guest\n",
      gone: "gone.txt",
      newdir: "newdir",
      link: "link",
      old: "old.txt",
      renamed: "renamed.txt",
    },
    funcs: `
      (func $create (param $p i32) (param $l i32) (param $body i32) (param $blen i32)
        (local $fd i32)
        (call $ok (call $path_open (i32.const 3) (i32.const 0) (local.get $p) (local.get $l)
          (i32.const 9) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 32)))
        (local.set $fd (i32.load (i32.const 32)))
        (call $print (local.get $fd) (local.get $body) (local.get $blen))
        (call $ok (call $fd_close (local.get $fd))))`,
    start: `
      (call $create $str:newTxt $len:newTxt $str:newBody $len:newBody)
      (call $create $str:hello $len:hello $str:helloBody $len:helloBody)
      (call $ok (call $path_unlink_file (i32.const 3) $str:gone $len:gone))
      (call $ok (call $path_create_directory (i32.const 3) $str:newdir $len:newdir))
      (call $ok (call $path_symlink $str:newTxt $len:newTxt (i32.const 3) $str:link $len:link))
      (call $ok (call $path_rename (i32.const 3) $str:old $len:old (i32.const 3) $str:renamed $len:renamed))`,
  });
}

/**
 * A guest that runs `steps` in order, on the first preopen (fd 3):
 * ["write", name, body] creates or truncates a file; ["unlink", name];
 * ["mkdir", name]; ["print", text] to stdout; ["stdin"] reads stdin to its
 * end; ["sleep"] sleeps 2^62 ns (~146 years); ["spin"] loops forever
 * without calls; ["printloop", text] prints forever; ["trap"].
 */
export function scripted(steps) {
  const strings = {};
  let n = 0;
  const str = (text) => {
    const key = `s${n++}`;
    strings[key] = text;
    return `$str:${key} $len:${key}`;
  };
  const body = steps
    .map(([op, a, b]) => {
      switch (op) {
        case "write":
          return `(call $create ${str(a)} ${str(b)})`;
        case "unlink":
          return `(call $ok (call $path_unlink_file (i32.const 3) ${str(a)}))`;
        case "mkdir":
          return `(call $ok (call $path_create_directory (i32.const 3) ${str(a)}))`;
        case "print":
          return `(call $print (i32.const 1) ${str(a)})`;
        case "stdin":
          return "(call $drain)";
        case "sleep":
          return "(call $sleep)";
        case "spin":
          return "(loop $forever (br $forever))";
        case "printloop":
          return `(loop $again (call $print (i32.const 1) ${str(a)}) (br $again))`;
        case "trap":
          return "unreachable";
        default:
          throw new Error(op);
      }
    })
    .join("\n");
  return guest({
    imports: ["path_open", "fd_close", "fd_read", "path_unlink_file", "path_create_directory", "poll_oneoff"],
    strings,
    funcs: `
      (func $create (param $p i32) (param $l i32) (param $body i32) (param $blen i32)
        (local $fd i32)
        (call $ok (call $path_open (i32.const 3) (i32.const 0) (local.get $p) (local.get $l)
          (i32.const 9) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 32)))
        (local.set $fd (i32.load (i32.const 32)))
        (call $print (local.get $fd) (local.get $body) (local.get $blen))
        (call $ok (call $fd_close (local.get $fd))))
      (func $drain
        (block $done (loop $next
          (i32.store (i32.const 16) (i32.const 512))
          (i32.store (i32.const 20) (i32.const 256))
          (call $ok (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
          (br_if $done (i32.eqz (i32.load (i32.const 24))))
          (br $next))))
      (func $sleep
        ;; One clock subscription at 128: relative timeout 2^62 ns; the event goes to 256.
        (i64.store (i32.const 128) (i64.const 0))
        (i32.store8 (i32.const 136) (i32.const 0))
        (i32.store (i32.const 144) (i32.const 1))
        (i64.store (i32.const 152) (i64.const 0x4000000000000000))
        (i64.store (i32.const 160) (i64.const 0))
        (i32.store16 (i32.const 168) (i32.const 0))
        (call $ok (call $poll_oneoff (i32.const 128) (i32.const 256) (i32.const 1) (i32.const 40))))`,
    start: body,
  });
}
