//! path_rename with trailing slashes: allowed on directories, ENOTDIR on
//! files and on symlinks to directories.
use guest::*;

fn main() {
    let d = test_dir();
    q!(wasi::path_create_directory(d, "dir"));
    write_file(d, "file", b"f");
    q!(wasi::path_symlink("dir", d, "dirlink"));
    ok!("rename dir/ -> dir2", wasi::path_rename(d, "dir/", d, "dir2"));
    ok!("rename dir2 -> dir3/", wasi::path_rename(d, "dir2", d, "dir3/"));
    ok!("rename dir3/ -> dir/", wasi::path_rename(d, "dir3/", d, "dir/"));
    ok!("rename dir// -> dir4//", wasi::path_rename(d, "dir//", d, "dir4//"));
    ok!("rename dir4 -> dir", wasi::path_rename(d, "dir4", d, "dir"));
    err!("rename file/ -> x", wasi::path_rename(d, "file/", d, "x"), wasi::ERRNO_NOTDIR);
    err!("rename file -> x/", wasi::path_rename(d, "file", d, "x/"), wasi::ERRNO_NOTDIR);
    err!("rename file/ -> file2/", wasi::path_rename(d, "file/", d, "file2/"), wasi::ERRNO_NOTDIR);
    write_file(d, "other", b"o");
    err!("rename file -> other/", wasi::path_rename(d, "file", d, "other/"), wasi::ERRNO_NOTDIR);
    err!("rename symlink-to-dir/ -> x", wasi::path_rename(d, "dirlink/", d, "x"), wasi::ERRNO_NOTDIR);
    err!("rename dir -> file/", wasi::path_rename(d, "dir", d, "file/"), wasi::ERRNO_NOTDIR);
    check_eq!("final listing", list_names(d, "."), vec!["dir", "dirlink", "file", "hello.txt", "other", "sub"]);
    done("path_rename_trailing_slashes");
}
