//! File operations on a directory fd fail with EBADF; directory-capable
//! operations (stat, set_times, readdir, close) still work.
use guest::*;

fn main() {
    let d = test_dir();
    let dd = q!(open_dir(d, "sub"));
    let mut b = [0u8; 8];
    let iov = wasi::Iovec { buf: b.as_mut_ptr(), buf_len: 8 };
    let c = wasi::Ciovec { buf: b"x".as_ptr(), buf_len: 1 };
    for (name, fd) in [("preopen", d), ("opened dir", dd)] {
        err!(format!("{name}: fd_read"), wasi::fd_read(fd, &[iov]), wasi::ERRNO_BADF);
        err!(format!("{name}: fd_write"), wasi::fd_write(fd, &[c]), wasi::ERRNO_BADF);
        err!(format!("{name}: fd_pread"), wasi::fd_pread(fd, &[iov], 0), wasi::ERRNO_BADF);
        err!(format!("{name}: fd_pwrite"), wasi::fd_pwrite(fd, &[c], 0), wasi::ERRNO_BADF);
        err!(format!("{name}: fd_seek"), wasi::fd_seek(fd, 0, wasi::WHENCE_SET), wasi::ERRNO_BADF);
        err!(format!("{name}: fd_seek CUR"), wasi::fd_seek(fd, 0, wasi::WHENCE_CUR), wasi::ERRNO_BADF);
        err!(format!("{name}: fd_tell"), wasi::fd_tell(fd), wasi::ERRNO_BADF);
        err!(format!("{name}: fd_allocate"), wasi::fd_allocate(fd, 0, 1), wasi::ERRNO_BADF);
        err!(format!("{name}: fd_filestat_set_size"), wasi::fd_filestat_set_size(fd, 0), wasi::ERRNO_BADF);
        err!(format!("{name}: fd_advise"), wasi::fd_advise(fd, 0, 0, wasi::ADVICE_NORMAL), wasi::ERRNO_BADF);
        err!(format!("{name}: fd_datasync"), wasi::fd_datasync(fd), wasi::ERRNO_BADF);
        err!(format!("{name}: fd_sync"), wasi::fd_sync(fd), wasi::ERRNO_BADF);
        err!(format!("{name}: fd_fdstat_set_flags"), wasi::fd_fdstat_set_flags(fd, wasi::FDFLAGS_APPEND), wasi::ERRNO_BADF);
        err!(format!("{name}: sock_shutdown"), wasi::sock_shutdown(fd, wasi::SDFLAGS_RD), wasi::ERRNO_NOTSOCK);
        ok!(format!("{name}: fd_filestat_get"), wasi::fd_filestat_get(fd));
        ok!(format!("{name}: fd_fdstat_get"), wasi::fd_fdstat_get(fd));
        ok!(format!("{name}: fd_filestat_set_times"), wasi::fd_filestat_set_times(fd, 0, 0, wasi::FSTFLAGS_MTIM_NOW));
        let mut rb = [0u8; 256];
        ok!(format!("{name}: fd_readdir"), wasi::fd_readdir(fd, rb.as_mut_ptr(), 256, 0));
    }
    ok!("close opened dir", wasi::fd_close(dd));
    done("dir_fd_op_failures");
}
