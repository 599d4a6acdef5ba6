//! path_symlink creation and its error paths.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "file", b"x");
    q!(wasi::path_create_directory(d, "dir"));
    ok!("symlink to file", wasi::path_symlink("file", d, "l-file"));
    ok!("symlink to dir", wasi::path_symlink("dir", d, "l-dir"));
    ok!("symlink to missing", wasi::path_symlink("missing", d, "l-missing"));
    ok!("symlink target with trailing slash", wasi::path_symlink("dir/", d, "l-dir-slash"));
    ok!("symlink to deeper path", wasi::path_symlink("../hello.txt", d, "dir/l-up"));
    ok!("symlink to itself", wasi::path_symlink("l-self", d, "l-self"));
    let st = ok!("stat l-dir-slash follow", wasi::path_filestat_get(d, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "l-dir-slash"));
    check_eq!("l-dir-slash resolves to dir", st.filetype, wasi::FILETYPE_DIRECTORY);
    let st = ok!("stat dir/l-up follow", wasi::path_filestat_get(d, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "dir/l-up"));
    check_eq!("relative to the link's directory", st.filetype, wasi::FILETYPE_REGULAR_FILE);

    err!("symlink over file", wasi::path_symlink("x", d, "file"), wasi::ERRNO_EXIST);
    err!("symlink over dir", wasi::path_symlink("x", d, "dir"), wasi::ERRNO_EXIST);
    err!("symlink over symlink", wasi::path_symlink("x", d, "l-file"), wasi::ERRNO_EXIST);
    err!("symlink over dangling symlink", wasi::path_symlink("x", d, "l-missing"), wasi::ERRNO_EXIST);
    err!("symlink empty target", wasi::path_symlink("", d, "l-empty"), wasi::ERRNO_NOENT);
    err!("symlink empty name", wasi::path_symlink("file", d, ""), wasi::ERRNO_NOENT);
    err!("symlink in missing dir", wasi::path_symlink("file", d, "nodir/l"), wasi::ERRNO_NOENT);
    err!("symlink under a file", wasi::path_symlink("file", d, "file/l"), wasi::ERRNO_NOTDIR);
    err!("symlink invalid fd", wasi::path_symlink("file", 999, "l"), wasi::ERRNO_BADF);
    check_eq!(
        "listing",
        list_names(d, "."),
        vec!["dir", "file", "hello.txt", "l-dir", "l-dir-slash", "l-file", "l-missing", "l-self", "sub"]
    );
    done("path_symlink");
}
