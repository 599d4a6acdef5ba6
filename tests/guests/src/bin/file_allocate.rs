//! fd_allocate is not supported (ENOTSUP, as in wasmtime) and leaves the
//! file unchanged; invalid fds and directories are EBADF.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "f", b"abc");
    let f = q!(open_rw(d, "f", 0));
    err!("fd_allocate within file", wasi::fd_allocate(f, 0, 2), wasi::ERRNO_NOTSUP);
    err!("fd_allocate beyond end", wasi::fd_allocate(f, 0, 100), wasi::ERRNO_NOTSUP);
    err!("fd_allocate zero length", wasi::fd_allocate(f, 0, 0), wasi::ERRNO_NOTSUP);
    check_eq!("size unchanged", q!(wasi::fd_filestat_get(f)).size, 3);
    let r = q!(wasi::path_open(d, 0, "f", 0, wasi::RIGHTS_FD_READ, 0, 0));
    err!("fd_allocate read-only", wasi::fd_allocate(r, 0, 100), wasi::ERRNO_NOTSUP);
    err!("fd_allocate directory", wasi::fd_allocate(d, 0, 1), wasi::ERRNO_BADF);
    err!("fd_allocate invalid fd", wasi::fd_allocate(999, 0, 1), wasi::ERRNO_BADF);
    // The portable fallback: grow with fd_filestat_set_size.
    ok!("grow with fd_filestat_set_size", wasi::fd_filestat_set_size(f, 100));
    check_eq!("size 100", q!(wasi::fd_filestat_get(f)).size, 100);
    done("file_allocate");
}
