//! The sandbox: paths leaving the preopen (.., absolute paths, symlinks
//! pointing outside) fail with EPERM for every path_* function.
use guest::*;

fn main() {
    let d = test_dir();
    q!(wasi::path_create_directory(d, "dir"));
    write_file(d, "file", b"x");
    for p in ["..", "../x", "dir/../../x", "dir/../..", "/", "/x", "/etc/passwd"] {
        err!(format!("path_open {p:?}"), open_rw(d, p, 0), wasi::ERRNO_PERM);
        err!(format!("path_filestat_get {p:?}"), wasi::path_filestat_get(d, 0, p), wasi::ERRNO_PERM);
    }
    err!("path_open CREAT ../new", open_rw(d, "../new", wasi::OFLAGS_CREAT), wasi::ERRNO_PERM);
    err!("path_create_directory ../x", wasi::path_create_directory(d, "../x"), wasi::ERRNO_PERM);
    err!("path_remove_directory ..", wasi::path_remove_directory(d, ".."), wasi::ERRNO_PERM);
    err!("path_unlink_file ../x", wasi::path_unlink_file(d, "../x"), wasi::ERRNO_PERM);
    err!("path_unlink_file ..", wasi::path_unlink_file(d, ".."), wasi::ERRNO_PERM);
    err!("path_rename to ../x", wasi::path_rename(d, "file", d, "../x"), wasi::ERRNO_PERM);
    err!("path_rename from ../x", wasi::path_rename(d, "../x", d, "y"), wasi::ERRNO_PERM);
    err!("path_link to ../x", wasi::path_link(d, 0, "file", d, "../x"), wasi::ERRNO_PERM);
    err!("path_symlink at ../x", wasi::path_symlink("file", d, "../x"), wasi::ERRNO_PERM);
    err!("path_symlink with absolute target", wasi::path_symlink("/etc/passwd", d, "abs"), wasi::ERRNO_PERM);
    let mut b = [0u8; 16];
    err!("path_readlink ../x", wasi::path_readlink(d, "../x", b.as_mut_ptr(), 16), wasi::ERRNO_PERM);
    err!("path_filestat_set_times ..", wasi::path_filestat_set_times(d, 0, "..", 0, 0, wasi::FSTFLAGS_MTIM_NOW), wasi::ERRNO_PERM);
    // A relative symlink that climbs out of the preopen.
    ok!("path_symlink ../outside", wasi::path_symlink("../outside", d, "escape"));
    ok!("path_symlink dir/../../x", wasi::path_symlink("dir/../../x", d, "escape2"));
    let mut b = [0u8; 32];
    let n = ok!("path_readlink escaping link", wasi::path_readlink(d, "escape", b.as_mut_ptr(), 32));
    check_eq!("readlink content", &b[..n], b"../outside");
    err!("open escaping link, follow", wasi::path_open(d, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "escape", 0, FILE_RW, 0, 0), wasi::ERRNO_PERM);
    err!("open escaping link, nofollow", open_rw(d, "escape", 0), wasi::ERRNO_LOOP);
    err!("stat escaping link, follow", wasi::path_filestat_get(d, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "escape2"), wasi::ERRNO_PERM);
    let st = ok!("stat escaping link, nofollow", wasi::path_filestat_get(d, 0, "escape"));
    check_eq!("escaping link is a symlink", st.filetype, wasi::FILETYPE_SYMBOLIC_LINK);
    err!("open through escaping link", open_rw(d, "escape/x", 0), wasi::ERRNO_PERM);
    ok!("unlink escaping link", wasi::path_unlink_file(d, "escape"));
    ok!("unlink escaping link 2", wasi::path_unlink_file(d, "escape2"));
    // Inside-only dot-dot is fine.
    ok!("dir/.. stays inside", open_dir(d, "dir/.."));
    done("path_escape");
}
