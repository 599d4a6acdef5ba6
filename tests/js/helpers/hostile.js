// The hostile-guest corpus (tests/hostile/*.wat): hand-written guests that
// call WASI with bad arguments and report each errno.
//
// A corpus file is the inside of a module: functions, data segments, and a
// `(func $main ...)` that `_start` calls. This helper adds the imports of all
// 46 Preview 1 functions (named `$fd_write` etc.), a 2-page memory, and
// `$expect`. In the file, `(expect WANT EXPR)` checks that the i32 EXPR (an
// errno, or any number) is WANT: an errno name (`EBADF`, `ESUCCESS`) or a
// number. Each check prints "index value" to stdout; `compare()` matches the
// lines against the expectations and names the source line of a mismatch.
//
// Memory: 2 pages (0x20000 bytes). 0x1fe00.. is the helper's scratch; a
// file may use the rest.
import fs from "node:fs";
import path from "node:path";
import binaryen from "binaryen";

export const HOSTILE_DIR = new URL("../../hostile/", import.meta.url);

export const ERRNO = {
  ESUCCESS: 0,
  E2BIG: 1,
  EACCES: 2,
  EAGAIN: 6,
  EALREADY: 7,
  EBADF: 8,
  EBUSY: 10,
  EEXIST: 20,
  EFAULT: 21,
  EFBIG: 22,
  EILSEQ: 25,
  EINVAL: 28,
  EIO: 29,
  EISDIR: 31,
  ELOOP: 32,
  EMFILE: 33,
  EMLINK: 34,
  ENAMETOOLONG: 37,
  ENFILE: 41,
  ENOENT: 44,
  ENOMEM: 48,
  ENOSPC: 51,
  ENOSYS: 52,
  ENOTDIR: 54,
  ENOTEMPTY: 55,
  ENOTSOCK: 57,
  ENOTSUP: 58,
  ENOTTY: 59,
  EOVERFLOW: 61,
  EPERM: 63,
  EPIPE: 64,
  ESPIPE: 70,
  EXDEV: 75,
  ENOTCAPABLE: 76,
};

const SIGNATURES = {
  args_get: "(param i32 i32) (result i32)",
  args_sizes_get: "(param i32 i32) (result i32)",
  environ_get: "(param i32 i32) (result i32)",
  environ_sizes_get: "(param i32 i32) (result i32)",
  clock_res_get: "(param i32 i32) (result i32)",
  clock_time_get: "(param i32 i64 i32) (result i32)",
  fd_advise: "(param i32 i64 i64 i32) (result i32)",
  fd_allocate: "(param i32 i64 i64) (result i32)",
  fd_close: "(param i32) (result i32)",
  fd_datasync: "(param i32) (result i32)",
  fd_fdstat_get: "(param i32 i32) (result i32)",
  fd_fdstat_set_flags: "(param i32 i32) (result i32)",
  fd_fdstat_set_rights: "(param i32 i64 i64) (result i32)",
  fd_filestat_get: "(param i32 i32) (result i32)",
  fd_filestat_set_size: "(param i32 i64) (result i32)",
  fd_filestat_set_times: "(param i32 i64 i64 i32) (result i32)",
  fd_pread: "(param i32 i32 i32 i64 i32) (result i32)",
  fd_prestat_get: "(param i32 i32) (result i32)",
  fd_prestat_dir_name: "(param i32 i32 i32) (result i32)",
  fd_pwrite: "(param i32 i32 i32 i64 i32) (result i32)",
  fd_read: "(param i32 i32 i32 i32) (result i32)",
  fd_readdir: "(param i32 i32 i32 i64 i32) (result i32)",
  fd_renumber: "(param i32 i32) (result i32)",
  fd_seek: "(param i32 i64 i32 i32) (result i32)",
  fd_sync: "(param i32) (result i32)",
  fd_tell: "(param i32 i32) (result i32)",
  fd_write: "(param i32 i32 i32 i32) (result i32)",
  path_create_directory: "(param i32 i32 i32) (result i32)",
  path_filestat_get: "(param i32 i32 i32 i32 i32) (result i32)",
  path_filestat_set_times: "(param i32 i32 i32 i32 i64 i64 i32) (result i32)",
  path_link: "(param i32 i32 i32 i32 i32 i32 i32) (result i32)",
  path_open: "(param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)",
  path_readlink: "(param i32 i32 i32 i32 i32 i32) (result i32)",
  path_remove_directory: "(param i32 i32 i32) (result i32)",
  path_rename: "(param i32 i32 i32 i32 i32 i32) (result i32)",
  path_symlink: "(param i32 i32 i32 i32 i32) (result i32)",
  path_unlink_file: "(param i32 i32 i32) (result i32)",
  poll_oneoff: "(param i32 i32 i32 i32) (result i32)",
  proc_exit: "(param i32)",
  proc_raise: "(param i32) (result i32)",
  sched_yield: "(result i32)",
  random_get: "(param i32 i32) (result i32)",
  sock_accept: "(param i32 i32 i32) (result i32)",
  sock_recv: "(param i32 i32 i32 i32 i32 i32) (result i32)",
  sock_send: "(param i32 i32 i32 i32 i32) (result i32)",
  sock_shutdown: "(param i32 i32) (result i32)",
};

const PRELUDE = `
  (memory (export "memory") 2)
  ;; prints "index value\\n" on stdout
  (func $expect (param $index i32) (param $want i32) (param $got i32)
    (local $p i32)
    (local.set $p (i32.const 0x1ff00))
    (local.set $p (call $itoa (local.get $p) (local.get $index)))
    (i32.store8 (local.get $p) (i32.const 32))
    (local.set $p (call $itoa (i32.add (local.get $p) (i32.const 1)) (local.get $got)))
    (i32.store8 (local.get $p) (i32.const 10))
    (i32.store (i32.const 0x1fe00) (i32.const 0x1ff00))
    (i32.store (i32.const 0x1fe04) (i32.sub (i32.add (local.get $p) (i32.const 1)) (i32.const 0x1ff00)))
    (drop (call $fd_write (i32.const 1) (i32.const 0x1fe00) (i32.const 1) (i32.const 0x1fe08))))
  ;; writes the unsigned decimal of $v at $p; returns the end
  (func $itoa (param $p i32) (param $v i32) (result i32)
    (local $q i32) (local $n i32) (local $digits i32)
    (local.set $n (local.get $v))
    (local.set $digits (i32.const 1))
    (block $d (loop $l
      (br_if $d (i32.lt_u (local.get $n) (i32.const 10)))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
      (br $l)))
    (local.set $q (i32.add (local.get $p) (local.get $digits)))
    (local.set $n (local.get $v))
    (loop $w
      (local.set $q (i32.sub (local.get $q) (i32.const 1)))
      (i32.store8 (local.get $q) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $w (i32.ne (local.get $q) (local.get $p))))
    (i32.add (local.get $p) (local.get $digits)))
  (func (export "_start") (call $main))
`;

/**
 * Turns a corpus file into a module and its list of expectations.
 * @param {string} source
 * @returns {{ bytes: Uint8Array, checks: { want: number, line: number, text: string }[] }}
 */
export function assemble(source, { ns = "wasi_snapshot_preview1" } = {}) {
  const checks = [];
  const body = source.replace(/\(expect\s+([A-Z0-9_]+|-?\d+|0x[0-9a-fA-F]+)\s/g, (match, want, offset) => {
    const line = source.slice(0, offset).split("\n").length;
    const value = want in ERRNO ? ERRNO[want] : Number(want);
    if (!Number.isFinite(value)) throw new Error(`line ${line}: unknown expectation ${want}`);
    checks.push({ want: value >>> 0, line, text: source.split("\n")[line - 1].trim() });
    return `(call $expect (i32.const ${checks.length - 1}) (i32.const ${value | 0}) `;
  });
  const imports = Object.entries(SIGNATURES)
    .map(([name, sig]) => `(import "${ns}" "${name}" (func $${name} ${sig}))`)
    .join("\n  ");
  const text = `(module\n  ${imports}\n${PRELUDE}\n${body}\n)`;
  const module = binaryen.parseText(text);
  try {
    if (!module.validate()) throw new Error("invalid hostile guest");
    return { bytes: module.emitBinary(), checks };
  } finally {
    module.dispose();
  }
}

/** The corpus: [{ name, source }], sorted by name. */
export function corpus() {
  const dir = HOSTILE_DIR.pathname;
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".wat"))
    .sort()
    .map((f) => ({ name: path.basename(f, ".wat"), source: fs.readFileSync(path.join(dir, f), "utf8") }));
}

/**
 * Compares a run's stdout with the checks; returns a list of problems.
 * @param {{ want: number, line: number, text: string }[]} checks
 * @param {string} stdout
 */
export function compare(checks, stdout) {
  const got = new Map();
  for (const line of stdout.split("\n")) {
    const m = /^(\d+) (\d+)$/.exec(line);
    if (m) got.set(Number(m[1]), Number(m[2]));
  }
  const name = (v) => Object.keys(ERRNO).find((k) => ERRNO[k] === v) ?? String(v);
  const problems = [];
  checks.forEach((c, i) => {
    if (!got.has(i)) problems.push(`line ${c.line}: not reached: ${c.text}`);
    else if (got.get(i) !== c.want)
      problems.push(`line ${c.line}: got ${name(got.get(i))} (${got.get(i)}), want ${name(c.want)}: ${c.text}`);
  });
  return problems;
}

/**
 * The filesystem every hostile guest starts with (a function so that it can
 * run in a browser page too): the preopen /sandbox (fd 3) holds f.txt
 * ("hello, world\n"), dir/ with inner.txt, empty/, a symlink up -> ../secret,
 * abs -> /secret, loop -> loop; outside it, /secret.
 */
export function setupFs(wasiWeb, limits) {
  const mfs = new wasiWeb.MemFS(limits ? { limits } : {});
  mfs.mkdir("/sandbox/dir", { recursive: true });
  mfs.mkdir("/sandbox/empty");
  mfs.writeFile("/sandbox/f.txt", "hello, world\n");
  mfs.writeFile("/sandbox/dir/inner.txt", "inner\n");
  mfs.writeFile("/secret", "SECRET");
  mfs.symlink("../secret", "/sandbox/up");
  mfs.symlink("/secret", "/sandbox/abs");
  mfs.symlink("loop", "/sandbox/loop");
  return mfs;
}
