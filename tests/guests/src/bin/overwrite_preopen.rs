//! fd_renumber a file onto a preopened directory's fd: the preopen is
//! closed, the fd now refers to the file and is no longer a preopen.
use guest::*;

fn main() {
    let d = preopen("fs-tests.dir");
    let keep = q!(open_dir(d, "."));
    let f = q!(open_rw(d, "hello.txt", 0));
    ok!("fd_renumber file onto preopen", wasi::fd_renumber(f, d));
    err!("old file fd closed", wasi::fd_fdstat_get(f), wasi::ERRNO_BADF);
    let st = ok!("fd_fdstat_get renumbered", wasi::fd_fdstat_get(d));
    check_eq!("now a regular file", st.fs_filetype, wasi::FILETYPE_REGULAR_FILE);
    err!("fd_prestat_get on overwritten preopen", wasi::fd_prestat_get(d), wasi::ERRNO_BADF);
    check_eq!("reads the file", read_n(d, 64), b"Hello, fixture!\n".to_vec());
    // The directory itself is still reachable through another fd.
    check_eq!("directory intact", list_names(keep, "."), vec!["hello.txt".to_string(), "sub".to_string()]);
    // A preopen can be moved to another fd number.
    let g = q!(open_rw(keep, "hello.txt", 0));
    ok!("fd_renumber preopen-less dir onto file fd", wasi::fd_renumber(keep, g));
    let st = ok!("fd_fdstat_get moved dir", wasi::fd_fdstat_get(g));
    check_eq!("moved fd is the directory", st.fs_filetype, wasi::FILETYPE_DIRECTORY);
    err!("moved from fd closed", wasi::fd_fdstat_get(keep), wasi::ERRNO_BADF);
    done("overwrite_preopen");
}
