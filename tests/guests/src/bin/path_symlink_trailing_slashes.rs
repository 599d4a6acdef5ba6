//! path_symlink where the new path has a trailing slash.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "file", b"x");
    q!(wasi::path_create_directory(d, "dir"));
    q!(wasi::path_symlink("nowhere", d, "dangling"));
    err!("new name with trailing slash", wasi::path_symlink("file", d, "new/"), wasi::ERRNO_NOENT);
    check!("nothing created", !exists(d, "new"));
    err!("existing file with trailing slash", wasi::path_symlink("x", d, "file/"), wasi::ERRNO_NOTDIR);
    err!("existing dir with trailing slash", wasi::path_symlink("x", d, "dir/"), wasi::ERRNO_EXIST);
    err!("dangling symlink with trailing slash", wasi::path_symlink("x", d, "dangling/"), wasi::ERRNO_NOENT);
    ok!("target with trailing slash is fine", wasi::path_symlink("dir/", d, "to-dir"));
    ok!("dangling target with trailing slash is fine", wasi::path_symlink("missing/", d, "to-missing"));
    done("path_symlink_trailing_slashes");
}
