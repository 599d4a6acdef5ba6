//! fd_close: closing files, directories and stdin; double close; using a
//! closed fd; invalid fds.
use guest::*;

fn main() {
    let d = test_dir();
    let f = create_file(d, "close.txt");
    ok!("fd_close file", wasi::fd_close(f));
    err!("fd_close again", wasi::fd_close(f), wasi::ERRNO_BADF);
    err!("fd_write closed", wasi::fd_write(f, &[wasi::Ciovec { buf: b"x".as_ptr(), buf_len: 1 }]), wasi::ERRNO_BADF);
    err!("fd_fdstat_get closed", wasi::fd_fdstat_get(f), wasi::ERRNO_BADF);
    err!("fd_filestat_get closed", wasi::fd_filestat_get(f), wasi::ERRNO_BADF);
    err!("fd_seek closed", wasi::fd_seek(f, 0, wasi::WHENCE_SET), wasi::ERRNO_BADF);
    let sub = q!(open_dir(d, "."));
    ok!("fd_close directory", wasi::fd_close(sub));
    err!("path_open via closed dir", open_rw(sub, "close.txt", 0), wasi::ERRNO_BADF);
    err!("fd_close 1234", wasi::fd_close(1234), wasi::ERRNO_BADF);
    err!("fd_close u32::MAX", wasi::fd_close(u32::MAX), wasi::ERRNO_BADF);
    ok!("fd_close stdin", wasi::fd_close(0));
    let mut b = [0u8; 1];
    err!("fd_read closed stdin", wasi::fd_read(0, &[wasi::Iovec { buf: b.as_mut_ptr(), buf_len: 1 }]), wasi::ERRNO_BADF);
    err!("fd_fdstat_get closed stdin", wasi::fd_fdstat_get(0), wasi::ERRNO_BADF);
    // The file is still there and can be reopened.
    let g = ok!("reopen", open_rw(d, "close.txt", 0));
    check!("new fd is valid", unsafe { wasi::fd_fdstat_get(g) }.is_ok());
    q!(wasi::fd_close(g));
    q!(wasi::path_unlink_file(d, "close.txt"));
    done("fd_close");
}
