//! Access modes chosen by FD_READ / FD_WRITE rights at path_open time.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "rw.txt", b"0123456789");
    let mut b = [0u8; 4];
    let iov = wasi::Iovec { buf: b.as_mut_ptr(), buf_len: 4 };
    let c = wasi::Ciovec { buf: b"WX".as_ptr(), buf_len: 2 };

    let r = ok!("open read-only", wasi::path_open(d, 0, "rw.txt", 0, wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_SEEK, 0, 0));
    check_eq!("read-only fd_read", ok!("fd_read", wasi::fd_read(r, &[iov])), 4);
    err!("read-only fd_write", wasi::fd_write(r, &[c]), wasi::ERRNO_BADF);
    err!("read-only fd_pwrite", wasi::fd_pwrite(r, &[c], 0), wasi::ERRNO_BADF);
    err!("read-only fd_filestat_set_size", wasi::fd_filestat_set_size(r, 1), wasi::ERRNO_INVAL);
    ok!("read-only fd_filestat_set_times", wasi::fd_filestat_set_times(r, 0, 0, wasi::FSTFLAGS_MTIM_NOW));

    let w = ok!("open write-only", wasi::path_open(d, 0, "rw.txt", 0, wasi::RIGHTS_FD_WRITE | wasi::RIGHTS_FD_SEEK, 0, 0));
    err!("write-only fd_read", wasi::fd_read(w, &[iov]), wasi::ERRNO_BADF);
    err!("write-only fd_pread", wasi::fd_pread(w, &[iov], 0), wasi::ERRNO_BADF);
    check_eq!("write-only fd_write", ok!("fd_write", wasi::fd_write(w, &[c])), 2);
    check_eq!("write-only fd_pwrite", ok!("fd_pwrite", wasi::fd_pwrite(w, &[c], 8)), 2);

    let rw = ok!("open read-write", wasi::path_open(d, 0, "rw.txt", 0, wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE, 0, 0));
    check_eq!("read-write sees writes", read_to_end(rw), b"WX234567WX".to_vec());
    check_eq!("read-write fd_write", ok!("fd_write", wasi::fd_write(rw, &[c])), 2);
    check_eq!("appended at offset", read_file(d, "rw.txt"), b"WX234567WXWX".to_vec());

    // No FD_READ and no FD_WRITE: the file is opened for reading.
    let none = ok!("open with no rights", wasi::path_open(d, 0, "rw.txt", 0, 0, 0, 0));
    check_eq!("no-rights fd_read reads", ok!("no-rights fd_read", wasi::fd_read(none, &[iov])), 4);
    err!("no-rights fd_write", wasi::fd_write(none, &[c]), wasi::ERRNO_BADF);
    ok!("no-rights fd_filestat_get", wasi::fd_filestat_get(none));
    done("path_open_read_write");
}
