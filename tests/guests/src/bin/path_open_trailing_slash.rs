//! Trailing slashes in path_open / path_filestat_get.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "file", b"x");
    q!(wasi::path_create_directory(d, "dir"));
    err!("open file/", open_rw(d, "file/", 0), wasi::ERRNO_NOTDIR);
    err!("open file/ DIRECTORY", open_dir(d, "file/"), wasi::ERRNO_NOTDIR);
    err!("open file/ CREAT", open_rw(d, "file/", wasi::OFLAGS_CREAT), wasi::ERRNO_ISDIR);
    err!("open file/ TRUNC", open_rw(d, "file/", wasi::OFLAGS_TRUNC), wasi::ERRNO_NOTDIR);
    err!("open file/.", open_rw(d, "file/.", 0), wasi::ERRNO_NOTDIR);
    err!("open new/ CREAT", open_rw(d, "new/", wasi::OFLAGS_CREAT), wasi::ERRNO_ISDIR);
    check!("new/ not created", !exists(d, "new"));
    let f = ok!("open dir/", wasi::path_open(d, 0, "dir/", 0, 0, 0, 0));
    check_eq!("dir/ is a directory", q!(wasi::fd_fdstat_get(f)).fs_filetype, wasi::FILETYPE_DIRECTORY);
    ok!("open dir// DIRECTORY", open_dir(d, "dir//"));
    ok!("open dir/. DIRECTORY", open_dir(d, "dir/."));
    err!("open dir/ CREAT", open_rw(d, "dir/", wasi::OFLAGS_CREAT), wasi::ERRNO_ISDIR);
    err!("stat file/", wasi::path_filestat_get(d, 0, "file/"), wasi::ERRNO_NOTDIR);
    err!("stat file//", wasi::path_filestat_get(d, 0, "file//"), wasi::ERRNO_NOTDIR);
    let st = ok!("stat dir/", wasi::path_filestat_get(d, 0, "dir/"));
    check_eq!("dir/ stat type", st.filetype, wasi::FILETYPE_DIRECTORY);
    err!("stat missing/", wasi::path_filestat_get(d, 0, "missing/"), wasi::ERRNO_NOENT);
    done("path_open_trailing_slash");
}
