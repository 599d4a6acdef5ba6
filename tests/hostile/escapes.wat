;; Ways out of the preopen: `..`, absolute paths, symlinks that point out
;; (made by the host: up -> ../secret, abs -> /secret), and symlink loops.
;; Every one is refused; /secret outside is never read or changed (the test
;; checks it too).
(data (i32.const 0x100) "../secret")
(data (i32.const 0x110) "/secret")
(data (i32.const 0x120) "up")
(data (i32.const 0x128) "abs")
(data (i32.const 0x130) "loop")
(data (i32.const 0x138) "dir/../../secret")
(data (i32.const 0x150) "stolen")
(data (i32.const 0x158) "dir")
(data (i32.const 0x160) "..")
(data (i32.const 0x168) "loop/x")

(func $open (param $p i32) (param $l i32) (param $dirflags i32) (param $oflags i32) (result i32)
  (call $path_open (i32.const 3) (local.get $dirflags) (local.get $p) (local.get $l)
    (local.get $oflags) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))

(func $main
  (expect EPERM (call $open (i32.const 0x100) (i32.const 9) (i32.const 1) (i32.const 0)))
  (expect EPERM (call $open (i32.const 0x110) (i32.const 7) (i32.const 1) (i32.const 0)))
  (expect EPERM (call $open (i32.const 0x138) (i32.const 16) (i32.const 1) (i32.const 0)))
  (expect EPERM (call $open (i32.const 0x120) (i32.const 2) (i32.const 1) (i32.const 0)))
  (expect EPERM (call $open (i32.const 0x128) (i32.const 3) (i32.const 1) (i32.const 0)))
  ;; O_CREAT|O_TRUNC through the links does not reach /secret either
  (expect EPERM (call $open (i32.const 0x120) (i32.const 2) (i32.const 1) (i32.const 9)))
  (expect EPERM (call $open (i32.const 0x128) (i32.const 3) (i32.const 1) (i32.const 9)))
  ;; without following, a final symlink is ELOOP
  (expect ELOOP (call $open (i32.const 0x120) (i32.const 2) (i32.const 0) (i32.const 0)))
  (expect ELOOP (call $open (i32.const 0x130) (i32.const 4) (i32.const 1) (i32.const 0)))
  (expect ELOOP (call $open (i32.const 0x168) (i32.const 6) (i32.const 1) (i32.const 0)))
  (expect EPERM (call $open (i32.const 0x160) (i32.const 2) (i32.const 1) (i32.const 0)))
  (expect EPERM (call $path_filestat_get (i32.const 3) (i32.const 1) (i32.const 0x120) (i32.const 2) (i32.const 0x200)))
  ;; the link itself can be looked at, not what it points to
  (expect ESUCCESS (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 0x120) (i32.const 2) (i32.const 0x200)))
  (expect 7 (i32.load8_u (i32.const 0x210)))
  (expect ESUCCESS (call $path_readlink (i32.const 3) (i32.const 0x120) (i32.const 2) (i32.const 0x1000) (i32.const 64) (i32.const 0x44)))
  (expect 9 (i32.load (i32.const 0x44)))
  ;; changes outside
  (expect EPERM (call $path_unlink_file (i32.const 3) (i32.const 0x100) (i32.const 9)))
  (expect EPERM (call $path_unlink_file (i32.const 3) (i32.const 0x110) (i32.const 7)))
  (expect EPERM (call $path_rename (i32.const 3) (i32.const 0x100) (i32.const 9) (i32.const 3) (i32.const 0x150) (i32.const 6)))
  (expect EPERM (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 9) (i32.const 3) (i32.const 0x150) (i32.const 6)))
  (expect EPERM (call $path_create_directory (i32.const 3) (i32.const 0x100) (i32.const 9)))
  (expect EPERM (call $path_symlink (i32.const 0x110) (i32.const 7) (i32.const 3) (i32.const 0x150) (i32.const 6)))
  (expect EPERM (call $path_filestat_set_times (i32.const 3) (i32.const 1) (i32.const 0x120) (i32.const 2)
    (i64.const 0) (i64.const 0) (i32.const 5)))
  ;; a symlink that points out may be made (it is just text), but not followed
  (expect ESUCCESS (call $path_symlink (i32.const 0x100) (i32.const 9) (i32.const 3) (i32.const 0x150) (i32.const 6)))
  (expect EPERM (call $open (i32.const 0x150) (i32.const 6) (i32.const 1) (i32.const 0)))
  ;; an opened subdirectory is a root of its own: its `..` is refused
  (expect ESUCCESS (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x158) (i32.const 3)
    (i32.const 2) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40)))
  (expect 4 (i32.load (i32.const 0x40)))
  (expect EPERM (call $path_filestat_get (i32.const 4) (i32.const 0) (i32.const 0x160) (i32.const 2) (i32.const 0x200)))
  ;; renaming the preopen's root or moving a directory into itself
  (expect EBUSY (call $path_rename (i32.const 3) (i32.const 0x160) (i32.const 1) (i32.const 3) (i32.const 0x150) (i32.const 6)))
)
