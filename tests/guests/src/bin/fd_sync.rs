//! fd_sync / fd_datasync on files (including read-only); EBADF for
//! directories, stdio and invalid fds.
use guest::*;

fn main() {
    let d = test_dir();
    let f = create_file(d, "sy");
    write_all(f, b"data");
    ok!("fd_sync file", wasi::fd_sync(f));
    ok!("fd_datasync file", wasi::fd_datasync(f));
    let r = q!(wasi::path_open(d, 0, "sy", 0, wasi::RIGHTS_FD_READ, 0, 0));
    ok!("fd_sync read-only file", wasi::fd_sync(r));
    ok!("fd_datasync read-only file", wasi::fd_datasync(r));
    check_eq!("content intact", read_file(d, "sy"), b"data".to_vec());
    err!("fd_sync directory", wasi::fd_sync(d), wasi::ERRNO_BADF);
    err!("fd_datasync directory", wasi::fd_datasync(d), wasi::ERRNO_BADF);
    err!("fd_sync stdout", wasi::fd_sync(1), wasi::ERRNO_BADF);
    err!("fd_datasync stdout", wasi::fd_datasync(1), wasi::ERRNO_BADF);
    err!("fd_sync invalid fd", wasi::fd_sync(999), wasi::ERRNO_BADF);
    err!("fd_datasync invalid fd", wasi::fd_datasync(999), wasi::ERRNO_BADF);
    done("fd_sync");
}
