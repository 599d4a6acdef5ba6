;; 4 GiB lengths and offsets that look negative as signed numbers.
(data (i32.const 0x100) "f.txt")

(func $main
  (expect ESUCCESS (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 5)
    (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
  ;; 4 GiB buffers
  (i32.store (i32.const 0x10) (i32.const 0x1000)) (i32.store (i32.const 0x14) (i32.const -1))
  (expect EFAULT (call $fd_read (i32.const 4) (i32.const 0x10) (i32.const 1) (i32.const 0x44)))
  (expect EFAULT (call $fd_write (i32.const 1) (i32.const 0x10) (i32.const 1) (i32.const 0x44)))
  (expect EFAULT (call $random_get (i32.const 0) (i32.const -1)))
  (expect EFAULT (call $fd_readdir (i32.const 3) (i32.const 0x1000) (i32.const -1) (i64.const 0) (i32.const 0x44)))
  (expect EFAULT (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const -1)
    (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
  ;; a buffer "of 4 GiB": only the name's 8 bytes are written, and they fit
  (expect ESUCCESS (call $fd_prestat_dir_name (i32.const 3) (i32.const 0x1000) (i32.const -1)))
  (expect EFAULT (call $poll_oneoff (i32.const 0x1000) (i32.const 0x2000) (i32.const -1) (i32.const 0x44)))
  ;; iovec counts that overflow 32 bits when multiplied by 8
  (expect EFAULT (call $fd_write (i32.const 1) (i32.const 0x10) (i32.const 0x20000001) (i32.const 0x44)))
  ;; offsets above 2^63 (negative as i64)
  (i32.store (i32.const 0x14) (i32.const 4))
  (expect EINVAL (call $fd_pread (i32.const 4) (i32.const 0x10) (i32.const 1) (i64.const -1) (i32.const 0x44)))
  (expect EINVAL (call $fd_pread (i32.const 4) (i32.const 0x10) (i32.const 1) (i64.const 0x8000000000000000) (i32.const 0x44)))
  (expect EINVAL (call $fd_seek (i32.const 4) (i64.const -1) (i32.const 0) (i32.const 0x48)))
  (expect EINVAL (call $fd_seek (i32.const 4) (i64.const 0x8000000000000000) (i32.const 1) (i32.const 0x48)))
  (expect EINVAL (call $fd_seek (i32.const 4) (i64.const -14) (i32.const 2) (i32.const 0x48)))
  (expect ESUCCESS (call $fd_seek (i32.const 4) (i64.const -13) (i32.const 2) (i32.const 0x48)))
  (expect 0 (i32.load (i32.const 0x48)))
  (expect ESUCCESS (call $fd_seek (i32.const 4) (i64.const 0x7fffffffffffffff) (i32.const 0) (i32.const 0x48)))
  (expect EINVAL (call $fd_seek (i32.const 4) (i64.const 1) (i32.const 1) (i32.const 0x48)))
  ;; reading at 2^63-1 finds nothing
  (expect ESUCCESS (call $fd_read (i32.const 4) (i32.const 0x10) (i32.const 1) (i32.const 0x44)))
  (expect 0 (i32.load (i32.const 0x44)))
  (expect EINVAL (call $fd_allocate (i32.const 4) (i64.const -1) (i64.const 1)))
  (expect EINVAL (call $fd_allocate (i32.const 4) (i64.const 0) (i64.const -1)))
  (expect EINVAL (call $fd_advise (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 6)))
  (expect EINVAL (call $fd_filestat_set_size (i32.const 4) (i64.const -1)))
  ;; timestamps are u64: any value is a time
  (expect ESUCCESS (call $fd_filestat_set_times (i32.const 4) (i64.const -1) (i64.const -1) (i32.const 5)))
  ;; a read-write file: the huge sizes hit the limits, not memory. Files
  ;; are sparse up to 2^63 - 1 (holes cost nothing, beyond that EFBIG);
  ;; stored data is at most 1 GiB by default (ENOSPC).
  (i32.store (i32.const 0x100) (i32.const 0x742e67)) ;; "g.t" ...
  (expect ESUCCESS (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 3)
    (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
  (expect 5 (i32.load (i32.const 0x40)))
  (expect ESUCCESS (call $fd_filestat_set_size (i32.const 5) (i64.const 0x80000000)))
  (expect ESUCCESS (call $fd_filestat_set_size (i32.const 5) (i64.const 0x7fffffff)))
  (expect EINVAL (call $fd_filestat_set_size (i32.const 5) (i64.const 0x8000000000000000)))
  ;; (0x10 holds the harness's own small iovec by now.) Writing far out stores
  ;; only what is written.
  (expect ESUCCESS (call $fd_pwrite (i32.const 5) (i32.const 0x10) (i32.const 1) (i64.const 0x7ffffffd) (i32.const 0x44)))
  (expect ESUCCESS (call $fd_pwrite (i32.const 5) (i32.const 0x10) (i32.const 1) (i64.const 0x7fff0000) (i32.const 0x44)))
  (expect EFBIG (call $fd_pwrite (i32.const 5) (i32.const 0x10) (i32.const 1) (i64.const 0x7ffffffffffffffe) (i32.const 0x44)))
  (expect ENOSPC (call $fd_allocate (i32.const 5) (i64.const 0) (i64.const 0x80000000)))
  (expect ENOSPC (call $fd_allocate (i32.const 5) (i64.const 0) (i64.const 0x50000000)))
  (expect ESUCCESS (call $fd_filestat_set_size (i32.const 5) (i64.const 0)))
  (expect ESUCCESS (call $fd_filestat_get (i32.const 5) (i32.const 0x200)))
  (expect 0 (i32.load (i32.const 0x220)))
)
