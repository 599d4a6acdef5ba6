//! fd_advise: every advice value on a file succeeds (advisory only);
//! non-files fail with EBADF.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "f", &[7u8; 1000]);
    let f = q!(open_rw(d, "f", 0));
    for (name, adv) in [
        ("NORMAL", wasi::ADVICE_NORMAL),
        ("SEQUENTIAL", wasi::ADVICE_SEQUENTIAL),
        ("RANDOM", wasi::ADVICE_RANDOM),
        ("WILLNEED", wasi::ADVICE_WILLNEED),
        ("DONTNEED", wasi::ADVICE_DONTNEED),
        ("NOREUSE", wasi::ADVICE_NOREUSE),
    ] {
        ok!(format!("fd_advise {name}"), wasi::fd_advise(f, 0, 1000, adv));
    }
    ok!("fd_advise zero length (whole file)", wasi::fd_advise(f, 0, 0, wasi::ADVICE_NORMAL));
    ok!("fd_advise past end", wasi::fd_advise(f, 5000, 100, wasi::ADVICE_WILLNEED));
    let st = q!(wasi::fd_filestat_get(f));
    check_eq!("size unchanged", st.size, 1000);
    check_eq!("content unchanged", read_file(d, "f"), vec![7u8; 1000]);
    let r = q!(wasi::path_open(d, 0, "f", 0, wasi::RIGHTS_FD_READ, 0, 0));
    ok!("fd_advise read-only fd", wasi::fd_advise(r, 0, 10, wasi::ADVICE_SEQUENTIAL));
    err!("fd_advise directory", wasi::fd_advise(d, 0, 10, wasi::ADVICE_NORMAL), wasi::ERRNO_BADF);
    err!("fd_advise stdout", wasi::fd_advise(1, 0, 10, wasi::ADVICE_NORMAL), wasi::ERRNO_BADF);
    err!("fd_advise invalid fd", wasi::fd_advise(999, 0, 10, wasi::ADVICE_NORMAL), wasi::ERRNO_BADF);
    done("fd_advise");
}
