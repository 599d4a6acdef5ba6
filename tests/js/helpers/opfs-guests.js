// WAT guests for the OPFS-mount tests: one changes files under the first
// preopen (fd 3), one prints files back. Each WASI call's errno goes to
// stderr as one byte, in call order.
import { guest } from "./wat.js";

const ERRNO = `(func $errno (param $e i32)
  (i32.store8 (i32.const 40) (local.get $e))
  (call $print (i32.const 2) (i32.const 40) (i32.const 1)))`;

/** Opens `path` (a string name) under fd 3 into (i32.const 32). */
const open = (path, oflags, fdflags = 0, rights = -1) =>
  `(call $path_open (i32.const 3) (i32.const 1) $str:${path} $len:${path} (i32.const ${oflags}) (i64.const ${rights}) (i64.const ${rights}) (i32.const ${fdflags}) (i32.const 32))`;

/** Writes string `text` to the fd opened last. */
const write = (text) => `
  (i32.store (i32.const 16) $str:${text})
  (i32.store (i32.const 20) $len:${text})
  (call $errno (call $fd_write (i32.load (i32.const 32)) (i32.const 16) (i32.const 1) (i32.const 24)))`;

const close = `(call $errno (call $fd_close (i32.load (i32.const 32))))`;

/**
 * mkdir d; d/a.txt = "alpha\n"; b.txt = "bravo\n" renamed to d/b.txt;
 * keep.txt (which exists) gets "more\n" appended; gone.txt made then
 * unlinked; a symlink (OPFS has none). 16 errno bytes:
 * 0×15 then ENOTSUP (58).
 */
export function opfsWriter() {
  return guest({
    imports: ["path_open", "fd_close", "path_create_directory", "path_rename", "path_unlink_file", "path_symlink"],
    strings: {
      d: "d",
      a: "d/a.txt",
      alpha: "alpha\n",
      b: "b.txt",
      db: "d/b.txt",
      bravo: "bravo\n",
      keep: "keep.txt",
      more: "more\n",
      gone: "gone.txt",
      x: "x",
      link: "link",
    },
    funcs: ERRNO,
    start: `
      (call $errno (call $path_create_directory (i32.const 3) $str:d $len:d))
      (call $errno ${open("a", 9)}) ${write("alpha")} ${close}
      (call $errno ${open("b", 1)}) ${write("bravo")} ${close}
      (call $errno (call $path_rename (i32.const 3) $str:b $len:b (i32.const 3) $str:db $len:db))
      (call $errno ${open("keep", 0, 1)}) ${write("more")} ${close}
      (call $errno ${open("gone", 1)}) ${write("x")} ${close}
      (call $errno (call $path_unlink_file (i32.const 3) $str:gone $len:gone))
      (call $errno (call $path_symlink $str:x $len:x (i32.const 3) $str:link $len:link))`,
  });
}

/** The errno bytes opfsWriter writes when everything works. */
export const WRITER_ERRNOS = [...Array(15).fill(0), 58];

/**
 * Prints each file (up to 4 KiB) to stdout; per file, the errno of its open
 * and of its read go to stderr.
 * @param {string[]} names
 */
export function opfsReader(names) {
  const strings = Object.fromEntries(names.map((n, i) => [`f${i}`, n]));
  const body = names.map(
    (_, i) => `
      (i32.store (i32.const 32) (i32.const -1))
      (call $errno ${open(`f${i}`, 0, 0, 0x26)})
      (i32.store (i32.const 16) (i32.const 65536))
      (i32.store (i32.const 20) (i32.const 4096))
      (i32.store (i32.const 24) (i32.const 0))
      (call $errno (call $fd_read (i32.load (i32.const 32)) (i32.const 16) (i32.const 1) (i32.const 24)))
      (call $print (i32.const 1) (i32.const 65536) (i32.load (i32.const 24)))`,
  );
  return guest({ imports: ["path_open", "fd_read"], strings, funcs: ERRNO, start: body.join("\n") });
}
