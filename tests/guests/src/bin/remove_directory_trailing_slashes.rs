//! path_remove_directory("dir/") removes the directory (POSIX rmdir, and
//! what wasi-testsuite accepts); a file with a trailing slash is ENOTDIR.
use guest::*;

fn main() {
    let d = test_dir();
    q!(wasi::path_create_directory(d, "dir"));
    ok!("rmdir dir/", wasi::path_remove_directory(d, "dir/"));
    check!("dir gone", !exists(d, "dir"));
    q!(wasi::path_create_directory(d, "dir"));
    q!(wasi::path_create_directory(d, "dir/sub"));
    ok!("rmdir dir/sub//", wasi::path_remove_directory(d, "dir/sub//"));
    err!("rmdir non-empty dir/", wasi::path_remove_directory(d, "dir/x/"), wasi::ERRNO_NOENT);
    write_file(d, "dir/f", b"");
    err!("rmdir non-empty with slash", wasi::path_remove_directory(d, "dir/"), wasi::ERRNO_NOTEMPTY);
    err!("rmdir file/", wasi::path_remove_directory(d, "dir/f/"), wasi::ERRNO_NOTDIR);
    done("remove_directory_trailing_slashes");
}
