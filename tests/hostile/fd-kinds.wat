;; Every fd function with an fd of every kind: stdin, stdout, stderr, the
;; preopen, an opened file, an opened directory, a closed fd, a huge fd and
;; -1. The path arguments name something under a directory that does not
;; exist ("no/x"), so a directory fd answers ENOENT, every other kind its
;; own error, and nothing changes.
(data (i32.const 0x100) "no/x")
(data (i32.const 0x108) "f.txt")
(data (i32.const 0x110) "gone")
(data (i32.const 0x120) "f.txt")
(data (i32.const 0x128) "dir")

;; fd_fdstat_set_rights with the rights the fd has (dropping some would
;; change the calls after it)
(func $same_rights (param $fd i32) (result i32)
  (drop (call $fd_fdstat_get (local.get $fd) (i32.const 0x400)))
  (call $fd_fdstat_set_rights (local.get $fd) (i64.load (i32.const 0x408)) (i64.load (i32.const 0x410))))

;; one subscription of kind $kind (1 fd_read, 2 fd_write) on $fd
(func $poll (param $fd i32) (param $kind i32) (result i32)
  (i64.store (i32.const 0x3000) (i64.const 1))
  (i32.store8 (i32.const 0x3008) (local.get $kind))
  (i32.store (i32.const 0x3010) (local.get $fd))
  (call $poll_oneoff (i32.const 0x3000) (i32.const 0x3100) (i32.const 1) (i32.const 0x44)))

(func $main
  ;; 4: f.txt read-write, 5: dir, 6: opened and closed
  (expect ESUCCESS (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x120) (i32.const 5)
    (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x40)))
  (expect 4 (i32.load (i32.const 0x40)))
  (expect ESUCCESS (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x128) (i32.const 3)
    (i32.const 2) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40)))
  (expect 5 (i32.load (i32.const 0x40)))
  (expect ESUCCESS (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x120) (i32.const 5)
    (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40)))
  (expect 6 (i32.load (i32.const 0x40)))
  (expect ESUCCESS (call $fd_close (i32.const 6)))
  ;; iovecs: 0x10 four bytes to 0x1000; 0x18 an empty one
  (i32.store (i32.const 0x10) (i32.const 0x1000)) (i32.store (i32.const 0x14) (i32.const 4))
  (i32.store (i32.const 0x18) (i32.const 0x1000)) (i32.store (i32.const 0x1c) (i32.const 0))


  ;; ---- stdin (0) ----
  (expect EBADF (call $fd_advise (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_advise
  (expect EBADF (call $fd_allocate (i32.const 0) (i64.const 0) (i64.const 0))) ;; fd_allocate
  (expect EBADF (call $fd_datasync (i32.const 0))) ;; fd_datasync
  (expect EBADF (call $fd_sync (i32.const 0))) ;; fd_sync
  (expect ESUCCESS (call $fd_fdstat_get (i32.const 0) (i32.const 0x200))) ;; fd_fdstat_get
  (expect EBADF (call $fd_fdstat_set_flags (i32.const 0) (i32.const 0))) ;; fd_fdstat_set_flags
  (expect ESUCCESS (call $same_rights (i32.const 0))) ;; fd_fdstat_set_rights
  (expect ESUCCESS (call $fd_filestat_get (i32.const 0) (i32.const 0x200))) ;; fd_filestat_get
  (expect EBADF (call $fd_filestat_set_size (i32.const 0) (i64.const 13))) ;; fd_filestat_set_size
  (expect EBADF (call $fd_filestat_set_times (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_filestat_set_times
  (expect ESPIPE (call $fd_pread (i32.const 0) (i32.const 0x10) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pread
  (expect EBADF (call $fd_pwrite (i32.const 0) (i32.const 0x18) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pwrite
  (expect ESUCCESS (call $fd_read (i32.const 0) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_read
  (expect EBADF (call $fd_write (i32.const 0) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_write
  (expect EBADF (call $fd_readdir (i32.const 0) (i32.const 0x1000) (i32.const 0x100) (i64.const 0) (i32.const 0x44))) ;; fd_readdir
  (expect ESPIPE (call $fd_seek (i32.const 0) (i64.const 0) (i32.const 1) (i32.const 0x48))) ;; fd_seek
  (expect ESPIPE (call $fd_tell (i32.const 0) (i32.const 0x48))) ;; fd_tell
  (expect EBADF (call $fd_prestat_get (i32.const 0) (i32.const 0x48))) ;; fd_prestat_get
  (expect ENOTDIR (call $fd_prestat_dir_name (i32.const 0) (i32.const 0x1000) (i32.const 64))) ;; fd_prestat_dir_name
  (expect ESUCCESS (call $fd_renumber (i32.const 0) (i32.const 0))) ;; fd_renumber
  (expect EBADF (call $path_open (i32.const 0) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40))) ;; path_open
  (expect EBADF (call $path_filestat_get (i32.const 0) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0x200))) ;; path_filestat_get
  (expect EBADF (call $path_filestat_set_times (i32.const 0) (i32.const 0) (i32.const 0x100) (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 0))) ;; path_filestat_set_times
  (expect EBADF (call $path_create_directory (i32.const 0) (i32.const 0x100) (i32.const 4))) ;; path_create_directory
  (expect EBADF (call $path_remove_directory (i32.const 0) (i32.const 0x100) (i32.const 4))) ;; path_remove_directory
  (expect EBADF (call $path_unlink_file (i32.const 0) (i32.const 0x100) (i32.const 4))) ;; path_unlink_file
  (expect EBADF (call $path_readlink (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0x1000) (i32.const 64) (i32.const 0x44))) ;; path_readlink
  (expect EBADF (call $path_symlink (i32.const 0x108) (i32.const 5) (i32.const 0) (i32.const 0x100) (i32.const 4))) ;; path_symlink
  (expect EBADF (call $path_link (i32.const 0) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_link from
  (expect EBADF (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x110) (i32.const 4) (i32.const 0) (i32.const 0x100) (i32.const 4))) ;; path_link to
  (expect EBADF (call $path_rename (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_rename from
  (expect EBADF (call $path_rename (i32.const 3) (i32.const 0x110) (i32.const 4) (i32.const 0) (i32.const 0x100) (i32.const 4))) ;; path_rename to
  (expect ESUCCESS (call $poll (i32.const 0) (i32.const 1))) ;; poll_oneoff fd_read
  (expect EBADF (call $poll (i32.const 0) (i32.const 2))) ;; poll_oneoff fd_write
  (expect ENOTSOCK (call $sock_accept (i32.const 0) (i32.const 0) (i32.const 0x44))) ;; sock_accept
  (expect ENOTSOCK (call $sock_recv (i32.const 0) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44) (i32.const 0x48))) ;; sock_recv
  (expect ENOTSOCK (call $sock_send (i32.const 0) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44))) ;; sock_send
  (expect ENOTSOCK (call $sock_shutdown (i32.const 0) (i32.const 3))) ;; sock_shutdown

  ;; ---- stdout (1) ----
  (expect EBADF (call $fd_advise (i32.const 1) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_advise
  (expect EBADF (call $fd_allocate (i32.const 1) (i64.const 0) (i64.const 0))) ;; fd_allocate
  (expect EBADF (call $fd_datasync (i32.const 1))) ;; fd_datasync
  (expect EBADF (call $fd_sync (i32.const 1))) ;; fd_sync
  (expect ESUCCESS (call $fd_fdstat_get (i32.const 1) (i32.const 0x200))) ;; fd_fdstat_get
  (expect EBADF (call $fd_fdstat_set_flags (i32.const 1) (i32.const 0))) ;; fd_fdstat_set_flags
  (expect ESUCCESS (call $same_rights (i32.const 1))) ;; fd_fdstat_set_rights
  (expect ESUCCESS (call $fd_filestat_get (i32.const 1) (i32.const 0x200))) ;; fd_filestat_get
  (expect EBADF (call $fd_filestat_set_size (i32.const 1) (i64.const 13))) ;; fd_filestat_set_size
  (expect EBADF (call $fd_filestat_set_times (i32.const 1) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_filestat_set_times
  (expect EBADF (call $fd_pread (i32.const 1) (i32.const 0x10) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pread
  (expect ESPIPE (call $fd_pwrite (i32.const 1) (i32.const 0x18) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pwrite
  (expect EBADF (call $fd_read (i32.const 1) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_read
  (expect ESUCCESS (call $fd_write (i32.const 1) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_write
  (expect EBADF (call $fd_readdir (i32.const 1) (i32.const 0x1000) (i32.const 0x100) (i64.const 0) (i32.const 0x44))) ;; fd_readdir
  (expect ESPIPE (call $fd_seek (i32.const 1) (i64.const 0) (i32.const 1) (i32.const 0x48))) ;; fd_seek
  (expect ESPIPE (call $fd_tell (i32.const 1) (i32.const 0x48))) ;; fd_tell
  (expect EBADF (call $fd_prestat_get (i32.const 1) (i32.const 0x48))) ;; fd_prestat_get
  (expect ENOTDIR (call $fd_prestat_dir_name (i32.const 1) (i32.const 0x1000) (i32.const 64))) ;; fd_prestat_dir_name
  (expect ESUCCESS (call $fd_renumber (i32.const 1) (i32.const 1))) ;; fd_renumber
  (expect EBADF (call $path_open (i32.const 1) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40))) ;; path_open
  (expect EBADF (call $path_filestat_get (i32.const 1) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0x200))) ;; path_filestat_get
  (expect EBADF (call $path_filestat_set_times (i32.const 1) (i32.const 0) (i32.const 0x100) (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 0))) ;; path_filestat_set_times
  (expect EBADF (call $path_create_directory (i32.const 1) (i32.const 0x100) (i32.const 4))) ;; path_create_directory
  (expect EBADF (call $path_remove_directory (i32.const 1) (i32.const 0x100) (i32.const 4))) ;; path_remove_directory
  (expect EBADF (call $path_unlink_file (i32.const 1) (i32.const 0x100) (i32.const 4))) ;; path_unlink_file
  (expect EBADF (call $path_readlink (i32.const 1) (i32.const 0x100) (i32.const 4) (i32.const 0x1000) (i32.const 64) (i32.const 0x44))) ;; path_readlink
  (expect EBADF (call $path_symlink (i32.const 0x108) (i32.const 5) (i32.const 1) (i32.const 0x100) (i32.const 4))) ;; path_symlink
  (expect EBADF (call $path_link (i32.const 1) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_link from
  (expect EBADF (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x110) (i32.const 4) (i32.const 1) (i32.const 0x100) (i32.const 4))) ;; path_link to
  (expect EBADF (call $path_rename (i32.const 1) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_rename from
  (expect EBADF (call $path_rename (i32.const 3) (i32.const 0x110) (i32.const 4) (i32.const 1) (i32.const 0x100) (i32.const 4))) ;; path_rename to
  (expect EBADF (call $poll (i32.const 1) (i32.const 1))) ;; poll_oneoff fd_read
  (expect ESUCCESS (call $poll (i32.const 1) (i32.const 2))) ;; poll_oneoff fd_write
  (expect ENOTSOCK (call $sock_accept (i32.const 1) (i32.const 0) (i32.const 0x44))) ;; sock_accept
  (expect ENOTSOCK (call $sock_recv (i32.const 1) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44) (i32.const 0x48))) ;; sock_recv
  (expect ENOTSOCK (call $sock_send (i32.const 1) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44))) ;; sock_send
  (expect ENOTSOCK (call $sock_shutdown (i32.const 1) (i32.const 3))) ;; sock_shutdown

  ;; ---- stderr (2) ----
  (expect EBADF (call $fd_advise (i32.const 2) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_advise
  (expect EBADF (call $fd_allocate (i32.const 2) (i64.const 0) (i64.const 0))) ;; fd_allocate
  (expect EBADF (call $fd_datasync (i32.const 2))) ;; fd_datasync
  (expect EBADF (call $fd_sync (i32.const 2))) ;; fd_sync
  (expect ESUCCESS (call $fd_fdstat_get (i32.const 2) (i32.const 0x200))) ;; fd_fdstat_get
  (expect EBADF (call $fd_fdstat_set_flags (i32.const 2) (i32.const 0))) ;; fd_fdstat_set_flags
  (expect ESUCCESS (call $same_rights (i32.const 2))) ;; fd_fdstat_set_rights
  (expect ESUCCESS (call $fd_filestat_get (i32.const 2) (i32.const 0x200))) ;; fd_filestat_get
  (expect EBADF (call $fd_filestat_set_size (i32.const 2) (i64.const 13))) ;; fd_filestat_set_size
  (expect EBADF (call $fd_filestat_set_times (i32.const 2) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_filestat_set_times
  (expect EBADF (call $fd_pread (i32.const 2) (i32.const 0x10) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pread
  (expect ESPIPE (call $fd_pwrite (i32.const 2) (i32.const 0x18) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pwrite
  (expect EBADF (call $fd_read (i32.const 2) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_read
  (expect ESUCCESS (call $fd_write (i32.const 2) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_write
  (expect EBADF (call $fd_readdir (i32.const 2) (i32.const 0x1000) (i32.const 0x100) (i64.const 0) (i32.const 0x44))) ;; fd_readdir
  (expect ESPIPE (call $fd_seek (i32.const 2) (i64.const 0) (i32.const 1) (i32.const 0x48))) ;; fd_seek
  (expect ESPIPE (call $fd_tell (i32.const 2) (i32.const 0x48))) ;; fd_tell
  (expect EBADF (call $fd_prestat_get (i32.const 2) (i32.const 0x48))) ;; fd_prestat_get
  (expect ENOTDIR (call $fd_prestat_dir_name (i32.const 2) (i32.const 0x1000) (i32.const 64))) ;; fd_prestat_dir_name
  (expect ESUCCESS (call $fd_renumber (i32.const 2) (i32.const 2))) ;; fd_renumber
  (expect EBADF (call $path_open (i32.const 2) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40))) ;; path_open
  (expect EBADF (call $path_filestat_get (i32.const 2) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0x200))) ;; path_filestat_get
  (expect EBADF (call $path_filestat_set_times (i32.const 2) (i32.const 0) (i32.const 0x100) (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 0))) ;; path_filestat_set_times
  (expect EBADF (call $path_create_directory (i32.const 2) (i32.const 0x100) (i32.const 4))) ;; path_create_directory
  (expect EBADF (call $path_remove_directory (i32.const 2) (i32.const 0x100) (i32.const 4))) ;; path_remove_directory
  (expect EBADF (call $path_unlink_file (i32.const 2) (i32.const 0x100) (i32.const 4))) ;; path_unlink_file
  (expect EBADF (call $path_readlink (i32.const 2) (i32.const 0x100) (i32.const 4) (i32.const 0x1000) (i32.const 64) (i32.const 0x44))) ;; path_readlink
  (expect EBADF (call $path_symlink (i32.const 0x108) (i32.const 5) (i32.const 2) (i32.const 0x100) (i32.const 4))) ;; path_symlink
  (expect EBADF (call $path_link (i32.const 2) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_link from
  (expect EBADF (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x110) (i32.const 4) (i32.const 2) (i32.const 0x100) (i32.const 4))) ;; path_link to
  (expect EBADF (call $path_rename (i32.const 2) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_rename from
  (expect EBADF (call $path_rename (i32.const 3) (i32.const 0x110) (i32.const 4) (i32.const 2) (i32.const 0x100) (i32.const 4))) ;; path_rename to
  (expect EBADF (call $poll (i32.const 2) (i32.const 1))) ;; poll_oneoff fd_read
  (expect ESUCCESS (call $poll (i32.const 2) (i32.const 2))) ;; poll_oneoff fd_write
  (expect ENOTSOCK (call $sock_accept (i32.const 2) (i32.const 0) (i32.const 0x44))) ;; sock_accept
  (expect ENOTSOCK (call $sock_recv (i32.const 2) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44) (i32.const 0x48))) ;; sock_recv
  (expect ENOTSOCK (call $sock_send (i32.const 2) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44))) ;; sock_send
  (expect ENOTSOCK (call $sock_shutdown (i32.const 2) (i32.const 3))) ;; sock_shutdown

  ;; ---- preopen (3) ----
  (expect EBADF (call $fd_advise (i32.const 3) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_advise
  (expect EBADF (call $fd_allocate (i32.const 3) (i64.const 0) (i64.const 0))) ;; fd_allocate
  (expect EBADF (call $fd_datasync (i32.const 3))) ;; fd_datasync
  (expect EBADF (call $fd_sync (i32.const 3))) ;; fd_sync
  (expect ESUCCESS (call $fd_fdstat_get (i32.const 3) (i32.const 0x200))) ;; fd_fdstat_get
  (expect EBADF (call $fd_fdstat_set_flags (i32.const 3) (i32.const 0))) ;; fd_fdstat_set_flags
  (expect ESUCCESS (call $same_rights (i32.const 3))) ;; fd_fdstat_set_rights
  (expect ESUCCESS (call $fd_filestat_get (i32.const 3) (i32.const 0x200))) ;; fd_filestat_get
  (expect EBADF (call $fd_filestat_set_size (i32.const 3) (i64.const 13))) ;; fd_filestat_set_size
  (expect ESUCCESS (call $fd_filestat_set_times (i32.const 3) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_filestat_set_times
  (expect EBADF (call $fd_pread (i32.const 3) (i32.const 0x10) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pread
  (expect EBADF (call $fd_pwrite (i32.const 3) (i32.const 0x18) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pwrite
  (expect EBADF (call $fd_read (i32.const 3) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_read
  (expect EBADF (call $fd_write (i32.const 3) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_write
  (expect ESUCCESS (call $fd_readdir (i32.const 3) (i32.const 0x1000) (i32.const 0x100) (i64.const 0) (i32.const 0x44))) ;; fd_readdir
  (expect EBADF (call $fd_seek (i32.const 3) (i64.const 0) (i32.const 1) (i32.const 0x48))) ;; fd_seek
  (expect EBADF (call $fd_tell (i32.const 3) (i32.const 0x48))) ;; fd_tell
  (expect ESUCCESS (call $fd_prestat_get (i32.const 3) (i32.const 0x48))) ;; fd_prestat_get
  (expect ESUCCESS (call $fd_prestat_dir_name (i32.const 3) (i32.const 0x1000) (i32.const 64))) ;; fd_prestat_dir_name
  (expect ESUCCESS (call $fd_renumber (i32.const 3) (i32.const 3))) ;; fd_renumber
  (expect ENOENT (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40))) ;; path_open
  (expect ENOENT (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0x200))) ;; path_filestat_get
  (expect ENOENT (call $path_filestat_set_times (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 0))) ;; path_filestat_set_times
  (expect ENOENT (call $path_create_directory (i32.const 3) (i32.const 0x100) (i32.const 4))) ;; path_create_directory
  (expect ENOENT (call $path_remove_directory (i32.const 3) (i32.const 0x100) (i32.const 4))) ;; path_remove_directory
  (expect ENOENT (call $path_unlink_file (i32.const 3) (i32.const 0x100) (i32.const 4))) ;; path_unlink_file
  (expect ENOENT (call $path_readlink (i32.const 3) (i32.const 0x100) (i32.const 4) (i32.const 0x1000) (i32.const 64) (i32.const 0x44))) ;; path_readlink
  (expect ENOENT (call $path_symlink (i32.const 0x108) (i32.const 5) (i32.const 3) (i32.const 0x100) (i32.const 4))) ;; path_symlink
  (expect ENOENT (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_link from
  (expect ENOENT (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x110) (i32.const 4) (i32.const 3) (i32.const 0x100) (i32.const 4))) ;; path_link to
  (expect ENOENT (call $path_rename (i32.const 3) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_rename from
  (expect ENOENT (call $path_rename (i32.const 3) (i32.const 0x110) (i32.const 4) (i32.const 3) (i32.const 0x100) (i32.const 4))) ;; path_rename to
  (expect EBADF (call $poll (i32.const 3) (i32.const 1))) ;; poll_oneoff fd_read
  (expect EBADF (call $poll (i32.const 3) (i32.const 2))) ;; poll_oneoff fd_write
  (expect ENOTSOCK (call $sock_accept (i32.const 3) (i32.const 0) (i32.const 0x44))) ;; sock_accept
  (expect ENOTSOCK (call $sock_recv (i32.const 3) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44) (i32.const 0x48))) ;; sock_recv
  (expect ENOTSOCK (call $sock_send (i32.const 3) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44))) ;; sock_send
  (expect ENOTSOCK (call $sock_shutdown (i32.const 3) (i32.const 3))) ;; sock_shutdown

  ;; ---- file (4) ----
  (expect ESUCCESS (call $fd_advise (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_advise
  (expect ESUCCESS (call $fd_allocate (i32.const 4) (i64.const 0) (i64.const 0))) ;; fd_allocate
  (expect ESUCCESS (call $fd_datasync (i32.const 4))) ;; fd_datasync
  (expect ESUCCESS (call $fd_sync (i32.const 4))) ;; fd_sync
  (expect ESUCCESS (call $fd_fdstat_get (i32.const 4) (i32.const 0x200))) ;; fd_fdstat_get
  (expect ESUCCESS (call $fd_fdstat_set_flags (i32.const 4) (i32.const 0))) ;; fd_fdstat_set_flags
  (expect ESUCCESS (call $same_rights (i32.const 4))) ;; fd_fdstat_set_rights
  (expect ESUCCESS (call $fd_filestat_get (i32.const 4) (i32.const 0x200))) ;; fd_filestat_get
  (expect ESUCCESS (call $fd_filestat_set_size (i32.const 4) (i64.const 13))) ;; fd_filestat_set_size
  (expect ESUCCESS (call $fd_filestat_set_times (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_filestat_set_times
  (expect ESUCCESS (call $fd_pread (i32.const 4) (i32.const 0x10) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pread
  (expect ESUCCESS (call $fd_pwrite (i32.const 4) (i32.const 0x18) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pwrite
  (expect ESUCCESS (call $fd_read (i32.const 4) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_read
  (expect ESUCCESS (call $fd_write (i32.const 4) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_write
  (expect EBADF (call $fd_readdir (i32.const 4) (i32.const 0x1000) (i32.const 0x100) (i64.const 0) (i32.const 0x44))) ;; fd_readdir
  (expect ESUCCESS (call $fd_seek (i32.const 4) (i64.const 0) (i32.const 1) (i32.const 0x48))) ;; fd_seek
  (expect ESUCCESS (call $fd_tell (i32.const 4) (i32.const 0x48))) ;; fd_tell
  (expect EBADF (call $fd_prestat_get (i32.const 4) (i32.const 0x48))) ;; fd_prestat_get
  (expect ENOTDIR (call $fd_prestat_dir_name (i32.const 4) (i32.const 0x1000) (i32.const 64))) ;; fd_prestat_dir_name
  (expect ESUCCESS (call $fd_renumber (i32.const 4) (i32.const 4))) ;; fd_renumber
  (expect ENOTDIR (call $path_open (i32.const 4) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40))) ;; path_open
  (expect EBADF (call $path_filestat_get (i32.const 4) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0x200))) ;; path_filestat_get
  (expect EBADF (call $path_filestat_set_times (i32.const 4) (i32.const 0) (i32.const 0x100) (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 0))) ;; path_filestat_set_times
  (expect EBADF (call $path_create_directory (i32.const 4) (i32.const 0x100) (i32.const 4))) ;; path_create_directory
  (expect EBADF (call $path_remove_directory (i32.const 4) (i32.const 0x100) (i32.const 4))) ;; path_remove_directory
  (expect EBADF (call $path_unlink_file (i32.const 4) (i32.const 0x100) (i32.const 4))) ;; path_unlink_file
  (expect EBADF (call $path_readlink (i32.const 4) (i32.const 0x100) (i32.const 4) (i32.const 0x1000) (i32.const 64) (i32.const 0x44))) ;; path_readlink
  (expect EBADF (call $path_symlink (i32.const 0x108) (i32.const 5) (i32.const 4) (i32.const 0x100) (i32.const 4))) ;; path_symlink
  (expect EBADF (call $path_link (i32.const 4) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_link from
  (expect EBADF (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x110) (i32.const 4) (i32.const 4) (i32.const 0x100) (i32.const 4))) ;; path_link to
  (expect EBADF (call $path_rename (i32.const 4) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_rename from
  (expect EBADF (call $path_rename (i32.const 3) (i32.const 0x110) (i32.const 4) (i32.const 4) (i32.const 0x100) (i32.const 4))) ;; path_rename to
  (expect ESUCCESS (call $poll (i32.const 4) (i32.const 1))) ;; poll_oneoff fd_read
  (expect ESUCCESS (call $poll (i32.const 4) (i32.const 2))) ;; poll_oneoff fd_write
  (expect ENOTSOCK (call $sock_accept (i32.const 4) (i32.const 0) (i32.const 0x44))) ;; sock_accept
  (expect ENOTSOCK (call $sock_recv (i32.const 4) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44) (i32.const 0x48))) ;; sock_recv
  (expect ENOTSOCK (call $sock_send (i32.const 4) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44))) ;; sock_send
  (expect ENOTSOCK (call $sock_shutdown (i32.const 4) (i32.const 3))) ;; sock_shutdown

  ;; ---- dir (5) ----
  (expect EBADF (call $fd_advise (i32.const 5) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_advise
  (expect EBADF (call $fd_allocate (i32.const 5) (i64.const 0) (i64.const 0))) ;; fd_allocate
  (expect EBADF (call $fd_datasync (i32.const 5))) ;; fd_datasync
  (expect EBADF (call $fd_sync (i32.const 5))) ;; fd_sync
  (expect ESUCCESS (call $fd_fdstat_get (i32.const 5) (i32.const 0x200))) ;; fd_fdstat_get
  (expect EBADF (call $fd_fdstat_set_flags (i32.const 5) (i32.const 0))) ;; fd_fdstat_set_flags
  (expect ESUCCESS (call $same_rights (i32.const 5))) ;; fd_fdstat_set_rights
  (expect ESUCCESS (call $fd_filestat_get (i32.const 5) (i32.const 0x200))) ;; fd_filestat_get
  (expect EBADF (call $fd_filestat_set_size (i32.const 5) (i64.const 13))) ;; fd_filestat_set_size
  (expect ESUCCESS (call $fd_filestat_set_times (i32.const 5) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_filestat_set_times
  (expect EBADF (call $fd_pread (i32.const 5) (i32.const 0x10) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pread
  (expect EBADF (call $fd_pwrite (i32.const 5) (i32.const 0x18) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pwrite
  (expect EBADF (call $fd_read (i32.const 5) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_read
  (expect EBADF (call $fd_write (i32.const 5) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_write
  (expect ESUCCESS (call $fd_readdir (i32.const 5) (i32.const 0x1000) (i32.const 0x100) (i64.const 0) (i32.const 0x44))) ;; fd_readdir
  (expect EBADF (call $fd_seek (i32.const 5) (i64.const 0) (i32.const 1) (i32.const 0x48))) ;; fd_seek
  (expect EBADF (call $fd_tell (i32.const 5) (i32.const 0x48))) ;; fd_tell
  (expect EBADF (call $fd_prestat_get (i32.const 5) (i32.const 0x48))) ;; fd_prestat_get
  (expect ENOTDIR (call $fd_prestat_dir_name (i32.const 5) (i32.const 0x1000) (i32.const 64))) ;; fd_prestat_dir_name
  (expect ESUCCESS (call $fd_renumber (i32.const 5) (i32.const 5))) ;; fd_renumber
  (expect ENOENT (call $path_open (i32.const 5) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40))) ;; path_open
  (expect ENOENT (call $path_filestat_get (i32.const 5) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0x200))) ;; path_filestat_get
  (expect ENOENT (call $path_filestat_set_times (i32.const 5) (i32.const 0) (i32.const 0x100) (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 0))) ;; path_filestat_set_times
  (expect ENOENT (call $path_create_directory (i32.const 5) (i32.const 0x100) (i32.const 4))) ;; path_create_directory
  (expect ENOENT (call $path_remove_directory (i32.const 5) (i32.const 0x100) (i32.const 4))) ;; path_remove_directory
  (expect ENOENT (call $path_unlink_file (i32.const 5) (i32.const 0x100) (i32.const 4))) ;; path_unlink_file
  (expect ENOENT (call $path_readlink (i32.const 5) (i32.const 0x100) (i32.const 4) (i32.const 0x1000) (i32.const 64) (i32.const 0x44))) ;; path_readlink
  (expect ENOENT (call $path_symlink (i32.const 0x108) (i32.const 5) (i32.const 5) (i32.const 0x100) (i32.const 4))) ;; path_symlink
  (expect ENOENT (call $path_link (i32.const 5) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_link from
  (expect ENOENT (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x110) (i32.const 4) (i32.const 5) (i32.const 0x100) (i32.const 4))) ;; path_link to
  (expect ENOENT (call $path_rename (i32.const 5) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_rename from
  (expect ENOENT (call $path_rename (i32.const 3) (i32.const 0x110) (i32.const 4) (i32.const 5) (i32.const 0x100) (i32.const 4))) ;; path_rename to
  (expect EBADF (call $poll (i32.const 5) (i32.const 1))) ;; poll_oneoff fd_read
  (expect EBADF (call $poll (i32.const 5) (i32.const 2))) ;; poll_oneoff fd_write
  (expect ENOTSOCK (call $sock_accept (i32.const 5) (i32.const 0) (i32.const 0x44))) ;; sock_accept
  (expect ENOTSOCK (call $sock_recv (i32.const 5) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44) (i32.const 0x48))) ;; sock_recv
  (expect ENOTSOCK (call $sock_send (i32.const 5) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44))) ;; sock_send
  (expect ENOTSOCK (call $sock_shutdown (i32.const 5) (i32.const 3))) ;; sock_shutdown

  ;; ---- closed (6) ----
  (expect EBADF (call $fd_advise (i32.const 6) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_advise
  (expect EBADF (call $fd_allocate (i32.const 6) (i64.const 0) (i64.const 0))) ;; fd_allocate
  (expect EBADF (call $fd_datasync (i32.const 6))) ;; fd_datasync
  (expect EBADF (call $fd_sync (i32.const 6))) ;; fd_sync
  (expect EBADF (call $fd_fdstat_get (i32.const 6) (i32.const 0x200))) ;; fd_fdstat_get
  (expect EBADF (call $fd_fdstat_set_flags (i32.const 6) (i32.const 0))) ;; fd_fdstat_set_flags
  (expect EBADF (call $same_rights (i32.const 6))) ;; fd_fdstat_set_rights
  (expect EBADF (call $fd_filestat_get (i32.const 6) (i32.const 0x200))) ;; fd_filestat_get
  (expect EBADF (call $fd_filestat_set_size (i32.const 6) (i64.const 13))) ;; fd_filestat_set_size
  (expect EBADF (call $fd_filestat_set_times (i32.const 6) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_filestat_set_times
  (expect EBADF (call $fd_pread (i32.const 6) (i32.const 0x10) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pread
  (expect EBADF (call $fd_pwrite (i32.const 6) (i32.const 0x18) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pwrite
  (expect EBADF (call $fd_read (i32.const 6) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_read
  (expect EBADF (call $fd_write (i32.const 6) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_write
  (expect EBADF (call $fd_readdir (i32.const 6) (i32.const 0x1000) (i32.const 0x100) (i64.const 0) (i32.const 0x44))) ;; fd_readdir
  (expect EBADF (call $fd_seek (i32.const 6) (i64.const 0) (i32.const 1) (i32.const 0x48))) ;; fd_seek
  (expect EBADF (call $fd_tell (i32.const 6) (i32.const 0x48))) ;; fd_tell
  (expect EBADF (call $fd_prestat_get (i32.const 6) (i32.const 0x48))) ;; fd_prestat_get
  (expect EBADF (call $fd_prestat_dir_name (i32.const 6) (i32.const 0x1000) (i32.const 64))) ;; fd_prestat_dir_name
  (expect EBADF (call $fd_renumber (i32.const 6) (i32.const 6))) ;; fd_renumber
  (expect EBADF (call $path_open (i32.const 6) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40))) ;; path_open
  (expect EBADF (call $path_filestat_get (i32.const 6) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0x200))) ;; path_filestat_get
  (expect EBADF (call $path_filestat_set_times (i32.const 6) (i32.const 0) (i32.const 0x100) (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 0))) ;; path_filestat_set_times
  (expect EBADF (call $path_create_directory (i32.const 6) (i32.const 0x100) (i32.const 4))) ;; path_create_directory
  (expect EBADF (call $path_remove_directory (i32.const 6) (i32.const 0x100) (i32.const 4))) ;; path_remove_directory
  (expect EBADF (call $path_unlink_file (i32.const 6) (i32.const 0x100) (i32.const 4))) ;; path_unlink_file
  (expect EBADF (call $path_readlink (i32.const 6) (i32.const 0x100) (i32.const 4) (i32.const 0x1000) (i32.const 64) (i32.const 0x44))) ;; path_readlink
  (expect EBADF (call $path_symlink (i32.const 0x108) (i32.const 5) (i32.const 6) (i32.const 0x100) (i32.const 4))) ;; path_symlink
  (expect EBADF (call $path_link (i32.const 6) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_link from
  (expect EBADF (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x110) (i32.const 4) (i32.const 6) (i32.const 0x100) (i32.const 4))) ;; path_link to
  (expect EBADF (call $path_rename (i32.const 6) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_rename from
  (expect EBADF (call $path_rename (i32.const 3) (i32.const 0x110) (i32.const 4) (i32.const 6) (i32.const 0x100) (i32.const 4))) ;; path_rename to
  (expect EBADF (call $poll (i32.const 6) (i32.const 1))) ;; poll_oneoff fd_read
  (expect EBADF (call $poll (i32.const 6) (i32.const 2))) ;; poll_oneoff fd_write
  (expect EBADF (call $sock_accept (i32.const 6) (i32.const 0) (i32.const 0x44))) ;; sock_accept
  (expect EBADF (call $sock_recv (i32.const 6) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44) (i32.const 0x48))) ;; sock_recv
  (expect EBADF (call $sock_send (i32.const 6) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44))) ;; sock_send
  (expect EBADF (call $sock_shutdown (i32.const 6) (i32.const 3))) ;; sock_shutdown

  ;; ---- huge (2147483647) ----
  (expect EBADF (call $fd_advise (i32.const 2147483647) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_advise
  (expect EBADF (call $fd_allocate (i32.const 2147483647) (i64.const 0) (i64.const 0))) ;; fd_allocate
  (expect EBADF (call $fd_datasync (i32.const 2147483647))) ;; fd_datasync
  (expect EBADF (call $fd_sync (i32.const 2147483647))) ;; fd_sync
  (expect EBADF (call $fd_fdstat_get (i32.const 2147483647) (i32.const 0x200))) ;; fd_fdstat_get
  (expect EBADF (call $fd_fdstat_set_flags (i32.const 2147483647) (i32.const 0))) ;; fd_fdstat_set_flags
  (expect EBADF (call $same_rights (i32.const 2147483647))) ;; fd_fdstat_set_rights
  (expect EBADF (call $fd_filestat_get (i32.const 2147483647) (i32.const 0x200))) ;; fd_filestat_get
  (expect EBADF (call $fd_filestat_set_size (i32.const 2147483647) (i64.const 13))) ;; fd_filestat_set_size
  (expect EBADF (call $fd_filestat_set_times (i32.const 2147483647) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_filestat_set_times
  (expect EBADF (call $fd_pread (i32.const 2147483647) (i32.const 0x10) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pread
  (expect EBADF (call $fd_pwrite (i32.const 2147483647) (i32.const 0x18) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pwrite
  (expect EBADF (call $fd_read (i32.const 2147483647) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_read
  (expect EBADF (call $fd_write (i32.const 2147483647) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_write
  (expect EBADF (call $fd_readdir (i32.const 2147483647) (i32.const 0x1000) (i32.const 0x100) (i64.const 0) (i32.const 0x44))) ;; fd_readdir
  (expect EBADF (call $fd_seek (i32.const 2147483647) (i64.const 0) (i32.const 1) (i32.const 0x48))) ;; fd_seek
  (expect EBADF (call $fd_tell (i32.const 2147483647) (i32.const 0x48))) ;; fd_tell
  (expect EBADF (call $fd_prestat_get (i32.const 2147483647) (i32.const 0x48))) ;; fd_prestat_get
  (expect EBADF (call $fd_prestat_dir_name (i32.const 2147483647) (i32.const 0x1000) (i32.const 64))) ;; fd_prestat_dir_name
  (expect EBADF (call $fd_renumber (i32.const 2147483647) (i32.const 2147483647))) ;; fd_renumber
  (expect EBADF (call $path_open (i32.const 2147483647) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40))) ;; path_open
  (expect EBADF (call $path_filestat_get (i32.const 2147483647) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0x200))) ;; path_filestat_get
  (expect EBADF (call $path_filestat_set_times (i32.const 2147483647) (i32.const 0) (i32.const 0x100) (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 0))) ;; path_filestat_set_times
  (expect EBADF (call $path_create_directory (i32.const 2147483647) (i32.const 0x100) (i32.const 4))) ;; path_create_directory
  (expect EBADF (call $path_remove_directory (i32.const 2147483647) (i32.const 0x100) (i32.const 4))) ;; path_remove_directory
  (expect EBADF (call $path_unlink_file (i32.const 2147483647) (i32.const 0x100) (i32.const 4))) ;; path_unlink_file
  (expect EBADF (call $path_readlink (i32.const 2147483647) (i32.const 0x100) (i32.const 4) (i32.const 0x1000) (i32.const 64) (i32.const 0x44))) ;; path_readlink
  (expect EBADF (call $path_symlink (i32.const 0x108) (i32.const 5) (i32.const 2147483647) (i32.const 0x100) (i32.const 4))) ;; path_symlink
  (expect EBADF (call $path_link (i32.const 2147483647) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_link from
  (expect EBADF (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x110) (i32.const 4) (i32.const 2147483647) (i32.const 0x100) (i32.const 4))) ;; path_link to
  (expect EBADF (call $path_rename (i32.const 2147483647) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_rename from
  (expect EBADF (call $path_rename (i32.const 3) (i32.const 0x110) (i32.const 4) (i32.const 2147483647) (i32.const 0x100) (i32.const 4))) ;; path_rename to
  (expect EBADF (call $poll (i32.const 2147483647) (i32.const 1))) ;; poll_oneoff fd_read
  (expect EBADF (call $poll (i32.const 2147483647) (i32.const 2))) ;; poll_oneoff fd_write
  (expect EBADF (call $sock_accept (i32.const 2147483647) (i32.const 0) (i32.const 0x44))) ;; sock_accept
  (expect EBADF (call $sock_recv (i32.const 2147483647) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44) (i32.const 0x48))) ;; sock_recv
  (expect EBADF (call $sock_send (i32.const 2147483647) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44))) ;; sock_send
  (expect EBADF (call $sock_shutdown (i32.const 2147483647) (i32.const 3))) ;; sock_shutdown

  ;; ---- negative (-1) ----
  (expect EBADF (call $fd_advise (i32.const -1) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_advise
  (expect EBADF (call $fd_allocate (i32.const -1) (i64.const 0) (i64.const 0))) ;; fd_allocate
  (expect EBADF (call $fd_datasync (i32.const -1))) ;; fd_datasync
  (expect EBADF (call $fd_sync (i32.const -1))) ;; fd_sync
  (expect EBADF (call $fd_fdstat_get (i32.const -1) (i32.const 0x200))) ;; fd_fdstat_get
  (expect EBADF (call $fd_fdstat_set_flags (i32.const -1) (i32.const 0))) ;; fd_fdstat_set_flags
  (expect EBADF (call $same_rights (i32.const -1))) ;; fd_fdstat_set_rights
  (expect EBADF (call $fd_filestat_get (i32.const -1) (i32.const 0x200))) ;; fd_filestat_get
  (expect EBADF (call $fd_filestat_set_size (i32.const -1) (i64.const 13))) ;; fd_filestat_set_size
  (expect EBADF (call $fd_filestat_set_times (i32.const -1) (i64.const 0) (i64.const 0) (i32.const 0))) ;; fd_filestat_set_times
  (expect EBADF (call $fd_pread (i32.const -1) (i32.const 0x10) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pread
  (expect EBADF (call $fd_pwrite (i32.const -1) (i32.const 0x18) (i32.const 1) (i64.const 0) (i32.const 0x44))) ;; fd_pwrite
  (expect EBADF (call $fd_read (i32.const -1) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_read
  (expect EBADF (call $fd_write (i32.const -1) (i32.const 0x18) (i32.const 1) (i32.const 0x44))) ;; fd_write
  (expect EBADF (call $fd_readdir (i32.const -1) (i32.const 0x1000) (i32.const 0x100) (i64.const 0) (i32.const 0x44))) ;; fd_readdir
  (expect EBADF (call $fd_seek (i32.const -1) (i64.const 0) (i32.const 1) (i32.const 0x48))) ;; fd_seek
  (expect EBADF (call $fd_tell (i32.const -1) (i32.const 0x48))) ;; fd_tell
  (expect EBADF (call $fd_prestat_get (i32.const -1) (i32.const 0x48))) ;; fd_prestat_get
  (expect EBADF (call $fd_prestat_dir_name (i32.const -1) (i32.const 0x1000) (i32.const 64))) ;; fd_prestat_dir_name
  (expect EBADF (call $fd_renumber (i32.const -1) (i32.const -1))) ;; fd_renumber
  (expect EBADF (call $path_open (i32.const -1) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x40))) ;; path_open
  (expect EBADF (call $path_filestat_get (i32.const -1) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 0x200))) ;; path_filestat_get
  (expect EBADF (call $path_filestat_set_times (i32.const -1) (i32.const 0) (i32.const 0x100) (i32.const 4) (i64.const 0) (i64.const 0) (i32.const 0))) ;; path_filestat_set_times
  (expect EBADF (call $path_create_directory (i32.const -1) (i32.const 0x100) (i32.const 4))) ;; path_create_directory
  (expect EBADF (call $path_remove_directory (i32.const -1) (i32.const 0x100) (i32.const 4))) ;; path_remove_directory
  (expect EBADF (call $path_unlink_file (i32.const -1) (i32.const 0x100) (i32.const 4))) ;; path_unlink_file
  (expect EBADF (call $path_readlink (i32.const -1) (i32.const 0x100) (i32.const 4) (i32.const 0x1000) (i32.const 64) (i32.const 0x44))) ;; path_readlink
  (expect EBADF (call $path_symlink (i32.const 0x108) (i32.const 5) (i32.const -1) (i32.const 0x100) (i32.const 4))) ;; path_symlink
  (expect EBADF (call $path_link (i32.const -1) (i32.const 0) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_link from
  (expect EBADF (call $path_link (i32.const 3) (i32.const 0) (i32.const 0x110) (i32.const 4) (i32.const -1) (i32.const 0x100) (i32.const 4))) ;; path_link to
  (expect EBADF (call $path_rename (i32.const -1) (i32.const 0x100) (i32.const 4) (i32.const 3) (i32.const 0x110) (i32.const 4))) ;; path_rename from
  (expect EBADF (call $path_rename (i32.const 3) (i32.const 0x110) (i32.const 4) (i32.const -1) (i32.const 0x100) (i32.const 4))) ;; path_rename to
  (expect EBADF (call $poll (i32.const -1) (i32.const 1))) ;; poll_oneoff fd_read
  (expect EBADF (call $poll (i32.const -1) (i32.const 2))) ;; poll_oneoff fd_write
  (expect EBADF (call $sock_accept (i32.const -1) (i32.const 0) (i32.const 0x44))) ;; sock_accept
  (expect EBADF (call $sock_recv (i32.const -1) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44) (i32.const 0x48))) ;; sock_recv
  (expect EBADF (call $sock_send (i32.const -1) (i32.const 0x10) (i32.const 1) (i32.const 0) (i32.const 0x44))) ;; sock_send
  (expect EBADF (call $sock_shutdown (i32.const -1) (i32.const 3))) ;; sock_shutdown

  ;; nothing changed: f.txt is whole, "no" and "gone" do not exist
  (expect ESUCCESS (call $fd_filestat_get (i32.const 4) (i32.const 0x200)))
  (expect 13 (i32.load (i32.const 0x220)))
  (expect ENOENT (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 2) (i32.const 0x200)))
  (expect ENOENT (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 0x110) (i32.const 4) (i32.const 0x200)))
  (expect ESUCCESS (call $fd_close (i32.const 4)))
  (expect ESUCCESS (call $fd_close (i32.const 5)))
  (expect EBADF (call $fd_close (i32.const 6)))
)
