//! fd_fdstat_set_flags: APPEND and NONBLOCK toggle; the sync flags are
//! rejected with EINVAL (as wasmtime answers); non-files are EBADF.
use guest::*;

fn main() {
    let d = test_dir();
    let f = create_file(d, "fl");
    ok!("set APPEND", wasi::fd_fdstat_set_flags(f, wasi::FDFLAGS_APPEND));
    check_eq!("APPEND set", q!(wasi::fd_fdstat_get(f)).fs_flags, wasi::FDFLAGS_APPEND);
    ok!("set NONBLOCK (replaces APPEND)", wasi::fd_fdstat_set_flags(f, wasi::FDFLAGS_NONBLOCK));
    check_eq!("NONBLOCK only", q!(wasi::fd_fdstat_get(f)).fs_flags, wasi::FDFLAGS_NONBLOCK);
    ok!("set APPEND|NONBLOCK", wasi::fd_fdstat_set_flags(f, wasi::FDFLAGS_APPEND | wasi::FDFLAGS_NONBLOCK));
    check_eq!("both set", q!(wasi::fd_fdstat_get(f)).fs_flags, wasi::FDFLAGS_APPEND | wasi::FDFLAGS_NONBLOCK);
    ok!("clear all", wasi::fd_fdstat_set_flags(f, 0));
    check_eq!("cleared", q!(wasi::fd_fdstat_get(f)).fs_flags, 0);
    err!("set SYNC", wasi::fd_fdstat_set_flags(f, wasi::FDFLAGS_SYNC), wasi::ERRNO_INVAL);
    err!("set DSYNC", wasi::fd_fdstat_set_flags(f, wasi::FDFLAGS_DSYNC), wasi::ERRNO_INVAL);
    err!("set RSYNC", wasi::fd_fdstat_set_flags(f, wasi::FDFLAGS_RSYNC), wasi::ERRNO_INVAL);
    check_eq!("unchanged after failures", q!(wasi::fd_fdstat_get(f)).fs_flags, 0);
    let r = q!(wasi::path_open(d, 0, "fl", 0, wasi::RIGHTS_FD_READ, 0, 0));
    ok!("set APPEND on read-only fd", wasi::fd_fdstat_set_flags(r, wasi::FDFLAGS_APPEND));
    err!("set flags on directory", wasi::fd_fdstat_set_flags(d, 0), wasi::ERRNO_BADF);
    err!("set flags on stdout", wasi::fd_fdstat_set_flags(1, 0), wasi::ERRNO_BADF);
    err!("set flags invalid fd", wasi::fd_fdstat_set_flags(999, 0), wasi::ERRNO_BADF);
    err!("fd_fdstat_get invalid fd", wasi::fd_fdstat_get(999), wasi::ERRNO_BADF);
    done("fd_fdstat_set_flags");
}
