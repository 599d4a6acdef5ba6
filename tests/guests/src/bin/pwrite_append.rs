//! APPEND mode: fd_write always appends, fd_seek does not change that,
//! and fd_pwrite on an APPEND fd appends too (Linux behaviour, as in
//! wasmtime) without moving the offset.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "a", b"0123");
    let f = ok!("open APPEND", wasi::path_open(d, 0, "a", 0, FILE_RW, 0, wasi::FDFLAGS_APPEND));
    check_eq!("fdstat APPEND", q!(wasi::fd_fdstat_get(f)).fs_flags, wasi::FDFLAGS_APPEND);
    write_all(f, b"ab");
    check_eq!("write appended", read_file(d, "a"), b"0123ab".to_vec());
    check_eq!("offset at end", q!(wasi::fd_tell(f)), 6);
    check_eq!("seek to 0", ok!("fd_seek 0", wasi::fd_seek(f, 0, wasi::WHENCE_SET)), 0);
    write_all(f, b"c");
    check_eq!("write after seek still appends", read_file(d, "a"), b"0123abc".to_vec());
    check_eq!("offset at end again", q!(wasi::fd_tell(f)), 7);
    q!(wasi::fd_seek(f, 1, wasi::WHENCE_SET));
    check_eq!("read works from offset", read_n(f, 2), b"12".to_vec());
    let n = ok!("fd_pwrite at 0 on APPEND fd", wasi::fd_pwrite(f, &[wasi::Ciovec { buf: b"PW".as_ptr(), buf_len: 2 }], 0));
    check_eq!("pwrite count", n, 2);
    check_eq!("pwrite appended", read_file(d, "a"), b"0123abcPW".to_vec());
    check_eq!("pwrite left offset alone", q!(wasi::fd_tell(f)), 3);
    // A second, non-append fd writes in place.
    let g = q!(open_rw(d, "a", 0));
    write_all(g, b"__");
    check_eq!("plain fd overwrites", read_file(d, "a"), b"__23abcPW".to_vec());
    // Turning APPEND off and on with fd_fdstat_set_flags.
    ok!("clear APPEND", wasi::fd_fdstat_set_flags(f, 0));
    q!(wasi::fd_seek(f, 0, wasi::WHENCE_SET));
    write_all(f, b"!");
    check_eq!("no longer appends", read_file(d, "a"), b"!_23abcPW".to_vec());
    ok!("set APPEND", wasi::fd_fdstat_set_flags(f, wasi::FDFLAGS_APPEND));
    q!(wasi::fd_seek(f, 0, wasi::WHENCE_SET));
    write_all(f, b"$");
    check_eq!("appends again", read_file(d, "a"), b"!_23abcPW$".to_vec());
    done("pwrite_append");
}
