//! path_create_directory.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "file", b"");
    q!(wasi::path_symlink("sub", d, "l-sub"));
    q!(wasi::path_symlink("nowhere", d, "dangling"));
    ok!("mkdir new", wasi::path_create_directory(d, "new"));
    let st = q!(wasi::path_filestat_get(d, 0, "new"));
    check_eq!("is a directory", st.filetype, wasi::FILETYPE_DIRECTORY);
    check_eq!("new directory is empty", list_names(d, "new"), Vec::<String>::new());
    ok!("mkdir nested", wasi::path_create_directory(d, "new/child"));
    ok!("mkdir trailing slash", wasi::path_create_directory(d, "slash/"));
    check!("slash created", exists(d, "slash"));
    ok!("mkdir through symlinked dir", wasi::path_create_directory(d, "l-sub/made"));
    check!("made inside sub", exists(d, "sub/made"));
    ok!("mkdir unicode", wasi::path_create_directory(d, "kätalog"));
    err!("mkdir existing dir", wasi::path_create_directory(d, "new"), wasi::ERRNO_EXIST);
    err!("mkdir existing dir/", wasi::path_create_directory(d, "new/"), wasi::ERRNO_EXIST);
    err!("mkdir existing file", wasi::path_create_directory(d, "file"), wasi::ERRNO_EXIST);
    err!("mkdir existing file/", wasi::path_create_directory(d, "file/"), wasi::ERRNO_EXIST);
    err!("mkdir over symlink", wasi::path_create_directory(d, "l-sub"), wasi::ERRNO_EXIST);
    err!("mkdir over dangling symlink", wasi::path_create_directory(d, "dangling"), wasi::ERRNO_EXIST);
    err!("mkdir .", wasi::path_create_directory(d, "."), wasi::ERRNO_EXIST);
    err!("mkdir missing parent", wasi::path_create_directory(d, "a/b"), wasi::ERRNO_NOENT);
    err!("mkdir under a file", wasi::path_create_directory(d, "file/x"), wasi::ERRNO_NOTDIR);
    err!("mkdir empty path", wasi::path_create_directory(d, ""), wasi::ERRNO_NOENT);
    err!("mkdir invalid fd", wasi::path_create_directory(999, "x"), wasi::ERRNO_BADF);
    check_eq!(
        "listing",
        list_names(d, "."),
        vec!["dangling", "file", "hello.txt", "kätalog", "l-sub", "new", "slash", "sub"]
    );
    done("create_directory");
}
