//! NONBLOCK on files and directories; fd_fdstat_set_flags toggling.
use guest::*;

fn main() {
    let d = test_dir();
    let f = ok!("open file NONBLOCK", wasi::path_open(d, 0, "hello.txt", 0, FILE_RW, 0, wasi::FDFLAGS_NONBLOCK));
    check_eq!("read works", read_n(f, 5), b"Hello".to_vec());
    let dd = ok!("open dir NONBLOCK", wasi::path_open(d, 0, "sub", wasi::OFLAGS_DIRECTORY, DIR_RIGHTS, 0, wasi::FDFLAGS_NONBLOCK));
    check_eq!("dir type", q!(wasi::fd_fdstat_get(dd)).fs_filetype, wasi::FILETYPE_DIRECTORY);
    ok!("clear NONBLOCK", wasi::fd_fdstat_set_flags(f, 0));
    check_eq!("flags cleared", q!(wasi::fd_fdstat_get(f)).fs_flags, 0);
    ok!("set NONBLOCK", wasi::fd_fdstat_set_flags(f, wasi::FDFLAGS_NONBLOCK));
    check_eq!("flags set", q!(wasi::fd_fdstat_get(f)).fs_flags, wasi::FDFLAGS_NONBLOCK);
    done("path_open_nonblock");
}
