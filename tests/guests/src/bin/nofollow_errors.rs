//! Without SYMLINK_FOLLOW, a symlink as the last path component cannot be
//! opened (ELOOP); intermediate symlinks and trailing slashes still resolve.
use guest::*;

fn main() {
    let d = test_dir();
    let F = wasi::LOOKUPFLAGS_SYMLINK_FOLLOW;
    write_file(d, "file", b"x");
    q!(wasi::path_create_directory(d, "dir"));
    write_file(d, "dir/inner", b"inner");
    q!(wasi::path_symlink("file", d, "l-file"));
    q!(wasi::path_symlink("dir", d, "l-dir"));
    err!("open symlink-to-file nofollow", open_rw(d, "l-file", 0), wasi::ERRNO_LOOP);
    err!("open symlink-to-dir nofollow", wasi::path_open(d, 0, "l-dir", 0, 0, 0, 0), wasi::ERRNO_LOOP);
    err!("open symlink-to-dir DIRECTORY nofollow", wasi::path_open(d, 0, "l-dir", wasi::OFLAGS_DIRECTORY, 0, 0, 0), wasi::ERRNO_LOOP);
    err!("open symlink-to-file DIRECTORY nofollow", wasi::path_open(d, 0, "l-file", wasi::OFLAGS_DIRECTORY, 0, 0, 0), wasi::ERRNO_LOOP);
    err!("open symlink-to-file TRUNC nofollow", open_rw(d, "l-file", wasi::OFLAGS_TRUNC), wasi::ERRNO_LOOP);
    err!("open symlink-to-file CREAT nofollow", open_rw(d, "l-file", wasi::OFLAGS_CREAT), wasi::ERRNO_LOOP);
    err!("open symlink-to-file CREAT|EXCL", open_rw(d, "l-file", wasi::OFLAGS_CREAT | wasi::OFLAGS_EXCL), wasi::ERRNO_EXIST);
    check_eq!("file untouched", read_file(d, "file"), b"x".to_vec());
    err!("open symlink-to-file DIRECTORY follow", wasi::path_open(d, F, "l-file", wasi::OFLAGS_DIRECTORY, 0, 0, 0), wasi::ERRNO_NOTDIR);
    err!("open symlink-to-file/ ", open_rw(d, "l-file/", 0), wasi::ERRNO_NOTDIR);
    let f = ok!("open symlink-to-file follow", wasi::path_open(d, F, "l-file", 0, FILE_RW, 0, 0));
    check_eq!("reads target", read_to_end(f), b"x".to_vec());
    let g = ok!("open symlink-to-dir follow", wasi::path_open(d, F, "l-dir", wasi::OFLAGS_DIRECTORY, DIR_RIGHTS, 0, 0));
    check_eq!("directory through link", q!(wasi::fd_fdstat_get(g)).fs_filetype, wasi::FILETYPE_DIRECTORY);
    let h = ok!("open symlink-to-dir/ nofollow", wasi::path_open(d, 0, "l-dir/", wasi::OFLAGS_DIRECTORY, DIR_RIGHTS, 0, 0));
    check_eq!("trailing slash resolves", q!(wasi::fd_fdstat_get(h)).fs_filetype, wasi::FILETYPE_DIRECTORY);
    let i = ok!("open l-dir/inner nofollow", open_rw(d, "l-dir/inner", 0));
    check_eq!("intermediate symlink followed", read_to_end(i), b"inner".to_vec());
    let st = ok!("stat symlink-to-dir nofollow", wasi::path_filestat_get(d, 0, "l-dir"));
    check_eq!("nofollow stat sees the link", st.filetype, wasi::FILETYPE_SYMBOLIC_LINK);
    let st = ok!("stat symlink-to-dir/ nofollow", wasi::path_filestat_get(d, 0, "l-dir/"));
    check_eq!("trailing slash stat sees the dir", st.filetype, wasi::FILETYPE_DIRECTORY);
    err!("rmdir symlink-to-dir", wasi::path_remove_directory(d, "l-dir"), wasi::ERRNO_NOTDIR);
    err!("unlink symlink-to-dir/", wasi::path_unlink_file(d, "l-dir/"), wasi::ERRNO_ISDIR);
    ok!("unlink symlink-to-dir", wasi::path_unlink_file(d, "l-dir"));
    check!("dir survives", exists(d, "dir/inner"));
    ok!("unlink symlink-to-file", wasi::path_unlink_file(d, "l-file"));
    check!("file survives", exists(d, "file"));
    done("nofollow_errors");
}
