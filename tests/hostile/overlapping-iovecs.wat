;; iovecs that overlap each other, the iovec array, and the out-pointer.
(data (i32.const 0x100) "o.txt")
(data (i32.const 0x1000) "abcdefgh")

(func $main
  (expect ESUCCESS (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 5)
    (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
  (expect 4 (i32.load (i32.const 0x40)))
  ;; the same 8 bytes three times, and a 4-byte window inside them
  (i32.store (i32.const 0x10) (i32.const 0x1000)) (i32.store (i32.const 0x14) (i32.const 8))
  (i32.store (i32.const 0x18) (i32.const 0x1000)) (i32.store (i32.const 0x1c) (i32.const 8))
  (i32.store (i32.const 0x20) (i32.const 0x1002)) (i32.store (i32.const 0x24) (i32.const 4))
  (expect ESUCCESS (call $fd_write (i32.const 4) (i32.const 0x10) (i32.const 3) (i32.const 0x44)))
  (expect 20 (i32.load (i32.const 0x44)))
  ;; the out-pointer inside the iovec array: the count overwrites it afterwards
  (expect ESUCCESS (call $fd_write (i32.const 4) (i32.const 0x10) (i32.const 1) (i32.const 0x14)))
  (expect 8 (i32.load (i32.const 0x14)))
  (expect ESUCCESS (call $fd_filestat_get (i32.const 4) (i32.const 0x200)))
  (expect 28 (i32.load (i32.const 0x220)))
  ;; read into overlapping buffers: the second iovec overwrites the first's tail
  (i32.store (i32.const 0x10) (i32.const 0x3000)) (i32.store (i32.const 0x14) (i32.const 8))
  (i32.store (i32.const 0x18) (i32.const 0x3004)) (i32.store (i32.const 0x1c) (i32.const 8))
  (expect ESUCCESS (call $fd_pread (i32.const 4) (i32.const 0x10) (i32.const 2) (i64.const 0) (i32.const 0x44)))
  (expect 16 (i32.load (i32.const 0x44)))
  ;; bytes 0..8 "abcdefgh" then 8..16 "abcdefgh" at 0x3004: "abcdabcdefgh"
  (expect 0x64636261 (i32.load (i32.const 0x3000)))
  (expect 0x64636261 (i32.load (i32.const 0x3004)))
  (expect 0x68676665 (i32.load (i32.const 0x3008)))
  ;; read over the iovec array itself: the list was read before the data came
  (i32.store (i32.const 0x10) (i32.const 0x10)) (i32.store (i32.const 0x14) (i32.const 16))
  (i32.store (i32.const 0x18) (i32.const 0x3100)) (i32.store (i32.const 0x1c) (i32.const 4))
  (expect ESUCCESS (call $fd_pread (i32.const 4) (i32.const 0x10) (i32.const 2) (i64.const 0) (i32.const 0x44)))
  (expect 20 (i32.load (i32.const 0x44)))
  (expect 0x64636261 (i32.load (i32.const 0x10)))
  ;; the file is "abcdefgh" "abcdefgh" "cdef" "abcdefgh": bytes 16..20 are "cdef"
  (expect 0x66656463 (i32.load (i32.const 0x3100)))
  ;; zero-length iovecs anywhere, even past the end of memory or near
  ;; 4 GiB, move nothing and are no fault (as in wasmtime)
  (i32.store (i32.const 0x10) (i32.const 0x20000)) (i32.store (i32.const 0x14) (i32.const 0))
  (expect ESUCCESS (call $fd_write (i32.const 4) (i32.const 0x10) (i32.const 1) (i32.const 0x44)))
  (expect 0 (i32.load (i32.const 0x44)))
  (i32.store (i32.const 0x10) (i32.const 0xfffffff0))
  (expect ESUCCESS (call $fd_write (i32.const 4) (i32.const 0x10) (i32.const 1) (i32.const 0x44)))
  (expect 0 (i32.load (i32.const 0x44)))
  ;; zero iovecs, the array anywhere
  (expect ESUCCESS (call $fd_read (i32.const 4) (i32.const 0x1fff8) (i32.const 0) (i32.const 0x44)))
  (expect ESUCCESS (call $fd_write (i32.const 1) (i32.const 0xfffffff8) (i32.const 0) (i32.const 0x44)))
  (expect 0 (i32.load (i32.const 0x44)))
)
