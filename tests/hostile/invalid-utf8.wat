;; Paths and symlink targets that are not UTF-8, or hold NUL: refused with
;; EILSEQ / EINVAL before anything changes.
(data (i32.const 0x100) "\ff\fe")          ;; not UTF-8 at all
(data (i32.const 0x110) "a\c0\afb")        ;; overlong "/"
(data (i32.const 0x120) "\ed\a0\80")       ;; a UTF-16 surrogate
(data (i32.const 0x130) "x\e2\82")         ;; truncated sequence
(data (i32.const 0x140) "f.txt\00x")       ;; NUL inside
(data (i32.const 0x150) "ok")
(data (i32.const 0x160) "f.txt")

(func $main
  (expect EILSEQ (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 2)
    (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
  (expect EILSEQ (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x110) (i32.const 4)
    (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
  (expect EILSEQ (call $path_create_directory (i32.const 3) (i32.const 0x120) (i32.const 3)))
  (expect EILSEQ (call $path_create_directory (i32.const 3) (i32.const 0x130) (i32.const 3)))
  (expect EILSEQ (call $path_unlink_file (i32.const 3) (i32.const 0x100) (i32.const 2)))
  (expect EILSEQ (call $path_remove_directory (i32.const 3) (i32.const 0x100) (i32.const 2)))
  (expect EILSEQ (call $path_filestat_get (i32.const 3) (i32.const 1) (i32.const 0x110) (i32.const 4) (i32.const 0x200)))
  (expect EILSEQ (call $path_filestat_set_times (i32.const 3) (i32.const 0) (i32.const 0x120) (i32.const 3)
    (i64.const 0) (i64.const 0) (i32.const 2)))
  (expect EILSEQ (call $path_readlink (i32.const 3) (i32.const 0x130) (i32.const 3) (i32.const 0x1000) (i32.const 64) (i32.const 0x40)))
  ;; symlink: a bad target, a bad name
  (expect EILSEQ (call $path_symlink (i32.const 0x100) (i32.const 2) (i32.const 3) (i32.const 0x150) (i32.const 2)))
  (expect EILSEQ (call $path_symlink (i32.const 0x160) (i32.const 5) (i32.const 3) (i32.const 0x100) (i32.const 2)))
  ;; rename and link: either side
  (expect EILSEQ (call $path_rename (i32.const 3) (i32.const 0x160) (i32.const 5) (i32.const 3) (i32.const 0x110) (i32.const 4)))
  (expect EILSEQ (call $path_rename (i32.const 3) (i32.const 0x110) (i32.const 4) (i32.const 3) (i32.const 0x150) (i32.const 2)))
  (expect EILSEQ (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x160) (i32.const 5) (i32.const 3) (i32.const 0x120) (i32.const 3)))
  ;; NUL inside a path or target
  (expect EINVAL (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x140) (i32.const 7)
    (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
  (expect EINVAL (call $path_create_directory (i32.const 3) (i32.const 0x140) (i32.const 7)))
  (expect EINVAL (call $path_symlink (i32.const 0x140) (i32.const 7) (i32.const 3) (i32.const 0x150) (i32.const 2)))
  ;; empty paths
  (expect ENOENT (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x150) (i32.const 0)
    (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
  (expect ENOENT (call $path_symlink (i32.const 0x150) (i32.const 0) (i32.const 3) (i32.const 0x150) (i32.const 2)))
  ;; none of it created anything, and f.txt is still there
  (expect ENOENT (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 0x150) (i32.const 2) (i32.const 0x200)))
  (expect ESUCCESS (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 0x160) (i32.const 5) (i32.const 0x200)))
  ;; invalid UTF-8 written to a file or stdout is just bytes
  (i32.store (i32.const 0x10) (i32.const 0x100)) (i32.store (i32.const 0x14) (i32.const 2))
  (expect ESUCCESS (call $fd_write (i32.const 2) (i32.const 0x10) (i32.const 1) (i32.const 0x44)))
  (expect 2 (i32.load (i32.const 0x44)))
)
