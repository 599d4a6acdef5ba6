//! Unusual but valid (and invalid) path spellings.
use guest::*;

fn main() {
    let d = test_dir();
    q!(wasi::path_create_directory(d, "dir"));
    write_file(d, "dir/file", b"content");
    for p in ["dir/file", "dir//file", "dir/./file", "./dir/file", "dir/../dir/file", "dir///./file", "sub/../dir/file"] {
        let f = ok!(format!("open {p:?}"), open_rw(d, p, 0));
        check_eq!(format!("{p:?} content"), read_to_end(f), b"content".to_vec());
        q!(wasi::fd_close(f));
    }
    for p in ["dir/", "dir/.", "dir/..", "dir/../dir", ".", "./", ".//."] {
        let f = ok!(format!("open {p:?} as dir"), open_dir(d, p));
        q!(wasi::fd_close(f));
    }
    err!("dir/file/", open_rw(d, "dir/file/", 0), wasi::ERRNO_NOTDIR);
    err!("dir/file/.", open_rw(d, "dir/file/.", 0), wasi::ERRNO_NOTDIR);
    err!("dir/file/..", open_rw(d, "dir/file/..", 0), wasi::ERRNO_NOTDIR);
    err!("dir/file/x", open_rw(d, "dir/file/x", 0), wasi::ERRNO_NOTDIR);
    err!("dir/missing/..", open_dir(d, "dir/missing/.."), wasi::ERRNO_NOENT);
    err!("empty path", open_rw(d, "", 0), wasi::ERRNO_NOENT);
    err!("embedded NUL", open_rw(d, "dir/fi\0le", 0), wasi::ERRNO_INVAL);
    err!("embedded NUL, stat", wasi::path_filestat_get(d, 0, "dir\0"), wasi::ERRNO_INVAL);
    err!("embedded NUL, mkdir", wasi::path_create_directory(d, "x\0y"), wasi::ERRNO_INVAL);
    // Long names: 255 bytes is fine, 256 is too long for a component.
    let long = "n".repeat(255);
    let f = ok!("create 255-byte name", open_rw(d, &long, wasi::OFLAGS_CREAT));
    q!(wasi::fd_close(f));
    q!(wasi::path_unlink_file(d, &long));
    let too_long = "n".repeat(256);
    err!("create 256-byte name", open_rw(d, &too_long, wasi::OFLAGS_CREAT), wasi::ERRNO_NAMETOOLONG);
    // Names with spaces, unicode, dots.
    for name in ["with space", "ünïcödé ✓", "..hidden", "...", "trailing.", "-dash"] {
        let f = ok!(format!("create {name:?}"), open_rw(d, &format!("dir/{name}"), wasi::OFLAGS_CREAT));
        q!(wasi::fd_close(f));
    }
    check_eq!(
        "directory listing",
        list_names(d, "dir"),
        vec!["-dash", "...", "..hidden", "file", "trailing.", "with space", "ünïcödé ✓"]
    );
    done("interesting_paths");
}
