;; Clock ids, whence values, flags, advice, signals and subscription kinds
;; that do not exist.
(data (i32.const 0x100) "f.txt")

(func $main
  (expect ESUCCESS (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 5)
    (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
  (expect 4 (i32.load (i32.const 0x40)))
  ;; clocks: 0..3 exist
  (expect ESUCCESS (call $clock_time_get (i32.const 3) (i64.const 0) (i32.const 0x48)))
  (expect EINVAL (call $clock_time_get (i32.const 4) (i64.const 0) (i32.const 0x48)))
  (expect EINVAL (call $clock_time_get (i32.const -1) (i64.const -1) (i32.const 0x48)))
  (expect EINVAL (call $clock_res_get (i32.const 0x80000000) (i32.const 0x48)))
  ;; whence: 0..2 exist
  (expect EINVAL (call $fd_seek (i32.const 4) (i64.const 0) (i32.const 3) (i32.const 0x48)))
  (expect EINVAL (call $fd_seek (i32.const 4) (i64.const 0) (i32.const 255) (i32.const 0x48)))
  ;; advice: 0..5 exist
  (expect ESUCCESS (call $fd_advise (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 5)))
  (expect EINVAL (call $fd_advise (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 6)))
  ;; oflags beyond TRUNC, fdflags beyond SYNC, CREAT with DIRECTORY
  (expect EINVAL (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 5)
    (i32.const 0x10) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
  (expect EINVAL (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 5)
    (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0x20) (i32.const 0x40)))
  (expect EINVAL (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 5)
    (i32.const 3) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
  ;; lookup flags beyond SYMLINK_FOLLOW (wasmtime traps)
  (expect EINVAL (call $path_filestat_get (i32.const 3) (i32.const 0xfffffffe) (i32.const 0x100) (i32.const 5) (i32.const 0x200)))
  (expect EINVAL (call $path_filestat_get (i32.const 3) (i32.const 2) (i32.const 0x100) (i32.const 5) (i32.const 0x200)))
  (expect ESUCCESS (call $path_filestat_get (i32.const 3) (i32.const 1) (i32.const 0x100) (i32.const 5) (i32.const 0x200)))
  ;; fdflags on an open file: only APPEND and NONBLOCK can change
  (expect EINVAL (call $fd_fdstat_set_flags (i32.const 4) (i32.const 0x100)))
  (expect EINVAL (call $fd_fdstat_set_flags (i32.const 4) (i32.const 0x2)))
  (expect ESUCCESS (call $fd_fdstat_set_flags (i32.const 4) (i32.const 0x4)))
  ;; fstflags: unknown bits, or a time and NOW together
  (expect EINVAL (call $fd_filestat_set_times (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 0x10)))
  (expect EINVAL (call $fd_filestat_set_times (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 3)))
  (expect EINVAL (call $fd_filestat_set_times (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 12)))
  (expect EINVAL (call $path_filestat_set_times (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 5)
    (i64.const 0) (i64.const 0) (i32.const 0xffff)))
  ;; rights: asking for more than the fd has
  (expect ENOTCAPABLE (call $fd_fdstat_set_rights (i32.const 4) (i64.const -1) (i64.const -1)))
  ;; signals: beyond 30 do not exist; 0 is a no-op
  (expect EINVAL (call $proc_raise (i32.const 31)))
  (expect EINVAL (call $proc_raise (i32.const 0x100)))
  (expect ESUCCESS (call $proc_raise (i32.const 0)))
  ;; poll: an unknown subscription kind, unknown clock flags, a bad clock
  (i64.store (i32.const 0x1000) (i64.const 7))
  (i32.store8 (i32.const 0x1008) (i32.const 3))
  (expect EINVAL (call $poll_oneoff (i32.const 0x1000) (i32.const 0x2000) (i32.const 1) (i32.const 0x44)))
  (i32.store8 (i32.const 0x1008) (i32.const 0))
  (i32.store (i32.const 0x1010) (i32.const 1))
  (i64.store (i32.const 0x1018) (i64.const 0))
  (i32.store16 (i32.const 0x1028) (i32.const 2))
  (expect EINVAL (call $poll_oneoff (i32.const 0x1000) (i32.const 0x2000) (i32.const 1) (i32.const 0x44)))
  (i32.store16 (i32.const 0x1028) (i32.const 0))
  (i32.store (i32.const 0x1010) (i32.const 9))
  ;; a bad clock id fails the whole call, as in wasmtime; no event is written
  (i32.store (i32.const 0x44) (i32.const 0x5a5a))
  (expect EINVAL (call $poll_oneoff (i32.const 0x1000) (i32.const 0x2000) (i32.const 1) (i32.const 0x44)))
  (expect 0x5a5a (i32.load (i32.const 0x44)))
  (expect EINVAL (call $poll_oneoff (i32.const 0x1000) (i32.const 0x2000) (i32.const 0) (i32.const 0x44)))
  ;; sockets: there are none
  (expect ENOTSOCK (call $sock_shutdown (i32.const 4) (i32.const 3)))
  (expect ENOTSOCK (call $sock_accept (i32.const 3) (i32.const 4) (i32.const 0x44)))
  ;; ... but undefined sdflags / fdflags bits are EINVAL first (wasmtime traps)
  (expect EINVAL (call $sock_shutdown (i32.const 4) (i32.const 0xff)))
  (expect EINVAL (call $sock_accept (i32.const 3) (i32.const 0xffff) (i32.const 0x44)))
  (expect ENOTSOCK (call $sock_recv (i32.const 1) (i32.const -1) (i32.const -1) (i32.const -1) (i32.const -1) (i32.const -1)))
  (expect ENOTSOCK (call $sock_send (i32.const 0) (i32.const -1) (i32.const -1) (i32.const -1) (i32.const -1)))
  (expect EBADF (call $sock_send (i32.const 99) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
)
