//! Truncation through O_TRUNC and fd_filestat_set_size; other fds see it.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "t", b"0123456789");
    let keep = q!(open_rw(d, "t", 0));
    q!(wasi::fd_seek(keep, 8, wasi::WHENCE_SET));
    let t = ok!("open with TRUNC", open_rw(d, "t", wasi::OFLAGS_TRUNC));
    check_eq!("size 0", q!(wasi::fd_filestat_get(t)).size, 0);
    check_eq!("other fd sees size 0", q!(wasi::fd_filestat_get(keep)).size, 0);
    check_eq!("other fd keeps its offset", q!(wasi::fd_tell(keep)), 8);
    check_eq!("read at old offset is EOF", read_n(keep, 4), Vec::<u8>::new());
    write_all(keep, b"XY");
    check_eq!("write past end leaves a zero-filled gap", read_file(d, "t"), b"\0\0\0\0\0\0\0\0XY".to_vec());
    write_all(t, b"ab");
    check_eq!("TRUNC fd writes at 0", read_file(d, "t"), b"ab\0\0\0\0\0\0XY".to_vec());
    ok!("set_size 4", wasi::fd_filestat_set_size(t, 4));
    check_eq!("after set_size 4", read_file(d, "t"), b"ab\0\0".to_vec());
    check_eq!("offset unchanged by set_size", q!(wasi::fd_tell(t)), 2);
    ok!("set_size 6 (grow)", wasi::fd_filestat_set_size(t, 6));
    check_eq!("grown with zeros", read_file(d, "t"), b"ab\0\0\0\0".to_vec());
    let r = q!(wasi::path_open(d, 0, "t", 0, wasi::RIGHTS_FD_READ, 0, 0));
    err!("set_size on read-only fd", wasi::fd_filestat_set_size(r, 0), wasi::ERRNO_INVAL);
    let t2 = ok!("TRUNC with read-only rights", wasi::path_open(d, 0, "t", wasi::OFLAGS_TRUNC, wasi::RIGHTS_FD_READ, 0, 0));
    check_eq!("truncated", q!(wasi::fd_filestat_get(t2)).size, 0);
    done("file_truncation");
}
