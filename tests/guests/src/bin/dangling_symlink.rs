//! Dangling symlinks: following gives ENOENT, nofollow gives ELOOP, the
//! link itself can be inspected, created through, and removed.
use guest::*;

fn main() {
    let d = test_dir();
    let F = wasi::LOOKUPFLAGS_SYMLINK_FOLLOW;
    ok!("create dangling symlink", wasi::path_symlink("target", d, "dangling"));
    ok!("create dangling dir symlink", wasi::path_symlink("no/such/dir", d, "dangling-deep"));
    err!("open follow", wasi::path_open(d, F, "dangling", 0, FILE_RW, 0, 0), wasi::ERRNO_NOENT);
    err!("open nofollow", open_rw(d, "dangling", 0), wasi::ERRNO_LOOP);
    err!("open DIRECTORY follow", wasi::path_open(d, F, "dangling", wasi::OFLAGS_DIRECTORY, 0, 0, 0), wasi::ERRNO_NOENT);
    err!("open DIRECTORY nofollow", wasi::path_open(d, 0, "dangling", wasi::OFLAGS_DIRECTORY, 0, 0, 0), wasi::ERRNO_LOOP);
    err!("open with trailing slash", open_rw(d, "dangling/", 0), wasi::ERRNO_NOENT);
    err!("open through it", open_rw(d, "dangling/x", 0), wasi::ERRNO_NOENT);
    err!("stat follow", wasi::path_filestat_get(d, F, "dangling"), wasi::ERRNO_NOENT);
    let st = ok!("stat nofollow", wasi::path_filestat_get(d, 0, "dangling"));
    check_eq!("it is a symlink", (st.filetype, st.size), (wasi::FILETYPE_SYMBOLIC_LINK, 6));
    err!("open CREAT nofollow", open_rw(d, "dangling", wasi::OFLAGS_CREAT), wasi::ERRNO_LOOP);
    err!("open CREAT follow, missing parent", wasi::path_open(d, F, "dangling-deep", wasi::OFLAGS_CREAT, FILE_RW, 0, 0), wasi::ERRNO_NOENT);
    let f = ok!("open CREAT follow creates the target", wasi::path_open(d, F, "dangling", wasi::OFLAGS_CREAT, FILE_RW, 0, 0));
    write_all(f, b"now exists");
    check_eq!("target created", read_file(d, "target"), b"now exists".to_vec());
    let st = ok!("stat follow now works", wasi::path_filestat_get(d, F, "dangling"));
    check_eq!("resolves to a file", st.filetype, wasi::FILETYPE_REGULAR_FILE);
    q!(wasi::path_unlink_file(d, "target"));
    err!("dangling again", wasi::path_filestat_get(d, F, "dangling"), wasi::ERRNO_NOENT);
    err!("mkdir over dangling symlink", wasi::path_create_directory(d, "dangling"), wasi::ERRNO_EXIST);
    err!("rmdir dangling symlink", wasi::path_remove_directory(d, "dangling"), wasi::ERRNO_NOTDIR);
    ok!("unlink dangling symlink", wasi::path_unlink_file(d, "dangling"));
    ok!("unlink dangling-deep", wasi::path_unlink_file(d, "dangling-deep"));
    check_eq!("clean", list_names(d, "."), vec!["hello.txt", "sub"]);
    done("dangling_symlink");
}
