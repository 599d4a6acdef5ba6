//! fd_renumber: moving an fd onto another open fd, keeping the offset,
//! self-renumber, and the EBADF cases.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "a.txt", b"AAAA");
    write_file(d, "b.txt", b"BBBB");
    let a = q!(open_rw(d, "a.txt", 0));
    let b = q!(open_rw(d, "b.txt", 0));
    check_eq!("a reads 2", read_n(a, 2), b"AA".to_vec());
    let st_a = q!(wasi::fd_fdstat_get(a));
    ok!("fd_renumber a -> b", wasi::fd_renumber(a, b));
    err!("a is closed", wasi::fd_fdstat_get(a), wasi::ERRNO_BADF);
    let st_b = ok!("b is open", wasi::fd_fdstat_get(b));
    check_eq!("fdstat moved", (st_b.fs_filetype, st_b.fs_flags), (st_a.fs_filetype, st_a.fs_flags));
    check_eq!("offset kept", ok!("fd_tell b", wasi::fd_tell(b)), 2);
    check_eq!("b now reads a.txt", read_n(b, 10), b"AA".to_vec());
    ok!("fd_renumber b -> b", wasi::fd_renumber(b, b));
    check!("b still open", unsafe { wasi::fd_fdstat_get(b) }.is_ok());
    err!("fd_renumber closed -> b", wasi::fd_renumber(a, b), wasi::ERRNO_BADF);
    check!("b untouched by failed renumber", unsafe { wasi::fd_fdstat_get(b) }.is_ok());
    err!("fd_renumber b -> unused fd", wasi::fd_renumber(b, 4321), wasi::ERRNO_BADF);
    check!("b untouched by renumber to unused", unsafe { wasi::fd_fdstat_get(b) }.is_ok());
    err!("fd_renumber invalid -> invalid", wasi::fd_renumber(4321, 4322), wasi::ERRNO_BADF);
    // b.txt is unchanged by all of this
    check_eq!("b.txt intact", read_file(d, "b.txt"), b"BBBB".to_vec());
    q!(wasi::fd_close(b));
    done("renumber");
}
