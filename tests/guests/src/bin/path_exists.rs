//! Existence checks the way libc does them (path_filestat_get and
//! path_open), through symlinks and with trailing slashes.
use guest::*;

fn exists_follow(d: wasi::Fd, p: &str) -> Result<wasi::Filetype, wasi::Errno> {
    unsafe { wasi::path_filestat_get(d, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, p).map(|s| s.filetype) }
}

fn main() {
    let d = test_dir();
    q!(wasi::path_create_directory(d, "dir"));
    write_file(d, "dir/file", b"");
    q!(wasi::path_symlink("dir", d, "l-dir"));
    q!(wasi::path_symlink("dir/file", d, "l-file"));
    q!(wasi::path_symlink("l-dir", d, "l-l-dir"));
    let D = wasi::FILETYPE_DIRECTORY;
    let R = wasi::FILETYPE_REGULAR_FILE;
    check_eq!("dir", ok!("stat dir", exists_follow(d, "dir")), D);
    check_eq!("dir/", ok!("stat dir/", exists_follow(d, "dir/")), D);
    check_eq!("dir/file", ok!("stat dir/file", exists_follow(d, "dir/file")), R);
    check_eq!("l-dir", ok!("stat l-dir", exists_follow(d, "l-dir")), D);
    check_eq!("l-dir/", ok!("stat l-dir/", exists_follow(d, "l-dir/")), D);
    check_eq!("l-dir/file", ok!("stat l-dir/file", exists_follow(d, "l-dir/file")), R);
    check_eq!("l-l-dir/file", ok!("stat l-l-dir/file", exists_follow(d, "l-l-dir/file")), R);
    check_eq!("l-file", ok!("stat l-file", exists_follow(d, "l-file")), R);
    err!("stat l-file/", exists_follow(d, "l-file/"), wasi::ERRNO_NOTDIR);
    err!("stat dir/file/", exists_follow(d, "dir/file/"), wasi::ERRNO_NOTDIR);
    err!("stat dir/missing", exists_follow(d, "dir/missing"), wasi::ERRNO_NOENT);
    err!("stat l-dir/missing", exists_follow(d, "l-dir/missing"), wasi::ERRNO_NOENT);
    let st = ok!("stat l-l-dir nofollow", wasi::path_filestat_get(d, 0, "l-l-dir"));
    check_eq!("nofollow sees the link", st.filetype, wasi::FILETYPE_SYMBOLIC_LINK);
    let f = ok!("open l-dir/file nofollow", open_rw(d, "l-dir/file", 0));
    q!(wasi::fd_close(f));
    let g = ok!("open l-l-dir/ nofollow", wasi::path_open(d, 0, "l-l-dir/", wasi::OFLAGS_DIRECTORY, DIR_RIGHTS, 0, 0));
    check_eq!("double link to dir", q!(wasi::fd_fdstat_get(g)).fs_filetype, D);
    done("path_exists");
}
