//! Closing a preopened directory, then using it.
use guest::*;

fn main() {
    let d = preopen("fs-tests.dir");
    ok!("fd_prestat_get preopen", wasi::fd_prestat_get(d));
    ok!("fd_close preopen", wasi::fd_close(d));
    err!("fd_prestat_get after close", wasi::fd_prestat_get(d), wasi::ERRNO_BADF);
    err!("fd_close preopen again", wasi::fd_close(d), wasi::ERRNO_BADF);
    err!("path_open via closed preopen", open_rw(d, "hello.txt", 0), wasi::ERRNO_BADF);
    err!("path_filestat_get via closed preopen", wasi::path_filestat_get(d, 0, "hello.txt"), wasi::ERRNO_BADF);
    err!("path_create_directory via closed preopen", wasi::path_create_directory(d, "x"), wasi::ERRNO_BADF);
    err!("fd_renumber from closed preopen", wasi::fd_renumber(d, 1), wasi::ERRNO_BADF);
    err!("fd_fdstat_get closed preopen", wasi::fd_fdstat_get(d), wasi::ERRNO_BADF);
    check!("preopen no longer listed", preopens().iter().all(|(fd, _)| *fd != d));
    done("close_preopen");
}
