//! path_open of missing paths.
use guest::*;

fn main() {
    let d = test_dir();
    err!("missing file", open_rw(d, "missing", 0), wasi::ERRNO_NOENT);
    err!("missing with DIRECTORY", open_dir(d, "missing"), wasi::ERRNO_NOENT);
    err!("missing in missing dir", open_rw(d, "nodir/missing", 0), wasi::ERRNO_NOENT);
    err!("CREAT in missing dir", open_rw(d, "nodir/new", wasi::OFLAGS_CREAT), wasi::ERRNO_NOENT);
    err!("missing with TRUNC", open_rw(d, "missing", wasi::OFLAGS_TRUNC), wasi::ERRNO_NOENT);
    err!("missing with EXCL only", open_rw(d, "missing", wasi::OFLAGS_EXCL), wasi::ERRNO_NOENT);
    err!("missing, trailing slash", open_dir(d, "missing/"), wasi::ERRNO_NOENT);
    err!("empty path", open_rw(d, "", 0), wasi::ERRNO_NOENT);
    err!("empty path with CREAT", open_rw(d, "", wasi::OFLAGS_CREAT), wasi::ERRNO_NOENT);
    err!("missing after existing dir", open_rw(d, "sub/missing", 0), wasi::ERRNO_NOENT);
    err!("path_filestat_get missing", wasi::path_filestat_get(d, 0, "missing"), wasi::ERRNO_NOENT);
    check!("nothing was created", !exists(d, "missing") && !exists(d, "nodir"));
    done("path_open_missing");
}
