//! fd_fdstat_set_rights can only drop rights (wasi-web). Dropping FD_READ /
//! FD_WRITE makes reads / writes fail, re-adding rights is ENOTCAPABLE,
//! and O_TRUNC needs PATH_FILESTAT_SET_SIZE on the directory.
//! (wasmtime does not implement rights: it answers ENOTSUP.)
use guest::*;

fn main() {
    let d = test_dir();
    let f = q!(wasi::path_open(
        d,
        0,
        "r.txt",
        wasi::OFLAGS_CREAT,
        wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE | wasi::RIGHTS_FD_SEEK | wasi::RIGHTS_FD_TELL,
        0,
        0
    ));
    write_all(f, b"abcd");
    let st = q!(wasi::fd_fdstat_get(f));
    check!("has FD_READ|FD_WRITE", st.fs_rights_base & (wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE) == wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE);
    ok!("same rights again", wasi::fd_fdstat_set_rights(f, st.fs_rights_base, st.fs_rights_inheriting));
    let keep = st.fs_rights_base & !(wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE);
    ok!("drop FD_READ|FD_WRITE", wasi::fd_fdstat_set_rights(f, keep, st.fs_rights_inheriting));
    let st2 = q!(wasi::fd_fdstat_get(f));
    check_eq!("rights dropped", st2.fs_rights_base, keep);
    check!("FD_SEEK kept", st2.fs_rights_base & wasi::RIGHTS_FD_SEEK != 0);
    let mut b = [0u8; 4];
    let r = unsafe { wasi::fd_read(f, &[wasi::Iovec { buf: b.as_mut_ptr(), buf_len: 4 }]) };
    check!("fd_read fails (EBADF or ENOTCAPABLE)", matches!(r, Err(wasi::ERRNO_BADF) | Err(wasi::ERRNO_NOTCAPABLE)));
    let w = unsafe { wasi::fd_write(f, &[wasi::Ciovec { buf: b.as_ptr(), buf_len: 1 }]) };
    check!("fd_write fails (EBADF or ENOTCAPABLE)", matches!(w, Err(wasi::ERRNO_BADF) | Err(wasi::ERRNO_NOTCAPABLE)));
    ok!("fd_seek still allowed", wasi::fd_seek(f, 0, wasi::WHENCE_SET));
    err!(
        "re-adding rights",
        wasi::fd_fdstat_set_rights(f, keep | wasi::RIGHTS_FD_READ, st.fs_rights_inheriting),
        wasi::ERRNO_NOTCAPABLE
    );
    err!(
        "adding inheriting rights",
        wasi::fd_fdstat_set_rights(f, keep, st.fs_rights_inheriting | wasi::RIGHTS_FD_READ | wasi::RIGHTS_FD_WRITE),
        wasi::ERRNO_NOTCAPABLE
    );
    err!("invalid fd", wasi::fd_fdstat_set_rights(999, 0, 0), wasi::ERRNO_BADF);

    // truncation_rights: a directory fd without PATH_FILESTAT_SET_SIZE
    // cannot open with O_TRUNC.
    let ps = q!(wasi::fd_fdstat_get(d));
    let dd = q!(wasi::path_open(d, 0, ".", wasi::OFLAGS_DIRECTORY, ps.fs_rights_inheriting & DIR_RIGHTS, ps.fs_rights_inheriting, 0));
    let ds = q!(wasi::fd_fdstat_get(dd));
    ok!(
        "drop PATH_FILESTAT_SET_SIZE on dir",
        wasi::fd_fdstat_set_rights(dd, ds.fs_rights_base & !wasi::RIGHTS_PATH_FILESTAT_SET_SIZE, ds.fs_rights_inheriting)
    );
    // wasi-testsuite accepts EPERM or ENOTCAPABLE here.
    let t = unsafe { wasi::path_open(dd, 0, "r.txt", wasi::OFLAGS_TRUNC, wasi::RIGHTS_FD_WRITE, 0, 0) };
    check!("O_TRUNC without PATH_FILESTAT_SET_SIZE (EPERM or ENOTCAPABLE)", matches!(t, Err(wasi::ERRNO_PERM) | Err(wasi::ERRNO_NOTCAPABLE)));
    check_eq!("file not truncated", read_file(d, "r.txt"), b"abcd".to_vec());
    ok!("open without O_TRUNC still fine", wasi::path_open(dd, 0, "r.txt", 0, wasi::RIGHTS_FD_READ, 0, 0));
    check!("the directory does not carry FD_FILESTAT_SET_SIZE", ps.fs_rights_base & wasi::RIGHTS_FD_FILESTAT_SET_SIZE == 0);
    done("fd_fdstat_set_rights");
}
