//! path_remove_directory and its error paths (no trailing slashes; see
//! remove_directory_trailing_slashes).
use guest::*;

fn main() {
    let d = test_dir();
    q!(wasi::path_create_directory(d, "empty"));
    q!(wasi::path_create_directory(d, "full"));
    write_file(d, "full/x", b"");
    q!(wasi::path_create_directory(d, "nested"));
    q!(wasi::path_create_directory(d, "nested/child"));
    write_file(d, "file", b"");
    q!(wasi::path_symlink("empty", d, "l-empty"));
    err!("rmdir non-empty", wasi::path_remove_directory(d, "full"), wasi::ERRNO_NOTEMPTY);
    err!("rmdir with empty subdir", wasi::path_remove_directory(d, "nested"), wasi::ERRNO_NOTEMPTY);
    err!("rmdir file", wasi::path_remove_directory(d, "file"), wasi::ERRNO_NOTDIR);
    err!("rmdir file/", wasi::path_remove_directory(d, "file/"), wasi::ERRNO_NOTDIR);
    err!("rmdir symlink to dir", wasi::path_remove_directory(d, "l-empty"), wasi::ERRNO_NOTDIR);
    err!("rmdir missing", wasi::path_remove_directory(d, "missing"), wasi::ERRNO_NOENT);
    err!("rmdir in missing dir", wasi::path_remove_directory(d, "nodir/x"), wasi::ERRNO_NOENT);
    err!("rmdir .", wasi::path_remove_directory(d, "."), wasi::ERRNO_INVAL);
    err!("rmdir empty/.", wasi::path_remove_directory(d, "empty/."), wasi::ERRNO_INVAL);
    err!("rmdir nested/..", wasi::path_remove_directory(d, "nested/.."), wasi::ERRNO_INVAL);
    err!("rmdir empty path", wasi::path_remove_directory(d, ""), wasi::ERRNO_NOENT);
    err!("rmdir invalid fd", wasi::path_remove_directory(999, "empty"), wasi::ERRNO_BADF);
    ok!("rmdir empty", wasi::path_remove_directory(d, "empty"));
    check!("gone", !exists(d, "empty"));
    err!("rmdir again", wasi::path_remove_directory(d, "empty"), wasi::ERRNO_NOENT);
    ok!("rmdir nested/child", wasi::path_remove_directory(d, "nested/child"));
    ok!("rmdir nested now empty", wasi::path_remove_directory(d, "nested"));
    q!(wasi::path_unlink_file(d, "full/x"));
    ok!("rmdir full after emptying", wasi::path_remove_directory(d, "full"));
    q!(wasi::path_create_directory(d, "via"));
    let sub = q!(open_dir(d, "via"));
    q!(wasi::path_create_directory(sub, "inner"));
    ok!("rmdir through a subdirectory fd", wasi::path_remove_directory(sub, "inner"));
    check_eq!("remaining", list_names(d, "."), vec!["file", "hello.txt", "l-empty", "sub", "via"]);
    done("remove_directory");
}
