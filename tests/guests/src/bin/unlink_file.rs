//! path_unlink_file, including trailing slashes and non-files.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "file", b"x");
    q!(wasi::path_create_directory(d, "dir"));
    q!(wasi::path_symlink("file", d, "l-file"));
    q!(wasi::path_symlink("dir", d, "l-dir"));
    q!(wasi::path_symlink("nowhere", d, "dangling"));
    err!("unlink file/", wasi::path_unlink_file(d, "file/"), wasi::ERRNO_NOTDIR);
    err!("unlink file//", wasi::path_unlink_file(d, "file//"), wasi::ERRNO_NOTDIR);
    err!("unlink dir", wasi::path_unlink_file(d, "dir"), wasi::ERRNO_ISDIR);
    err!("unlink dir/", wasi::path_unlink_file(d, "dir/"), wasi::ERRNO_ISDIR);
    err!("unlink symlink-to-dir/", wasi::path_unlink_file(d, "l-dir/"), wasi::ERRNO_ISDIR);
    err!("unlink symlink-to-file/", wasi::path_unlink_file(d, "l-file/"), wasi::ERRNO_NOTDIR);
    err!("unlink dangling/", wasi::path_unlink_file(d, "dangling/"), wasi::ERRNO_NOENT);
    err!("unlink .", wasi::path_unlink_file(d, "."), wasi::ERRNO_ISDIR);
    err!("unlink missing", wasi::path_unlink_file(d, "missing"), wasi::ERRNO_NOENT);
    err!("unlink in missing dir", wasi::path_unlink_file(d, "nodir/x"), wasi::ERRNO_NOENT);
    err!("unlink under a file", wasi::path_unlink_file(d, "file/x"), wasi::ERRNO_NOTDIR);
    err!("unlink empty path", wasi::path_unlink_file(d, ""), wasi::ERRNO_NOENT);
    err!("unlink invalid fd", wasi::path_unlink_file(999, "file"), wasi::ERRNO_BADF);
    ok!("unlink symlink-to-file", wasi::path_unlink_file(d, "l-file"));
    check!("target kept", exists(d, "file"));
    ok!("unlink symlink-to-dir", wasi::path_unlink_file(d, "l-dir"));
    ok!("unlink dangling", wasi::path_unlink_file(d, "dangling"));
    ok!("unlink file", wasi::path_unlink_file(d, "file"));
    err!("unlink file again", wasi::path_unlink_file(d, "file"), wasi::ERRNO_NOENT);
    ok!("unlink in subdir", wasi::path_unlink_file(d, "sub/nested.txt"));
    check_eq!("remaining", list_names(d, "."), vec!["dir", "hello.txt", "sub"]);
    done("unlink_file");
}
