//! path_link: nlink counts, shared content, and the error paths.
use guest::*;

fn nlink(d: wasi::Fd, p: &str) -> u64 {
    q!(wasi::path_filestat_get(d, 0, p)).nlink
}

fn main() {
    let d = test_dir();
    write_file(d, "file", b"shared");
    q!(wasi::path_create_directory(d, "dir"));
    q!(wasi::path_create_directory(d, "dir2"));
    check_eq!("nlink 1", nlink(d, "file"), 1);
    ok!("path_link file -> link1", wasi::path_link(d, 0, "file", d, "link1"));
    check_eq!("nlink 2 on both", (nlink(d, "file"), nlink(d, "link1")), (2, 2));
    let a = q!(wasi::path_filestat_get(d, 0, "file"));
    let b = q!(wasi::path_filestat_get(d, 0, "link1"));
    check_eq!("same inode", (a.dev, a.ino), (b.dev, b.ino));
    ok!("path_link into subdir via other fd", wasi::path_link(d, 0, "file", q!(open_dir(d, "dir2")), "link2"));
    check_eq!("nlink 3", nlink(d, "file"), 3);
    let f = q!(open_rw(d, "link1", 0));
    check_eq!("fd_filestat_get nlink", q!(wasi::fd_filestat_get(f)).nlink, 3);
    write_all(f, b"SHARED");
    check_eq!("write through one name is seen through the other", read_file(d, "dir2/link2"), b"SHARED".to_vec());
    ok!("unlink original", wasi::path_unlink_file(d, "file"));
    check_eq!("nlink 2 after unlink", nlink(d, "link1"), 2);
    ok!("unlink second", wasi::path_unlink_file(d, "dir2/link2"));
    check_eq!("nlink 1", nlink(d, "link1"), 1);
    check_eq!("content survives", read_file(d, "link1"), b"SHARED".to_vec());

    write_file(d, "other", b"o");
    err!("link onto existing file", wasi::path_link(d, 0, "link1", d, "other"), wasi::ERRNO_EXIST);
    err!("link onto existing dir", wasi::path_link(d, 0, "link1", d, "dir"), wasi::ERRNO_EXIST);
    err!("link onto itself", wasi::path_link(d, 0, "link1", d, "link1"), wasi::ERRNO_EXIST);
    err!("link a directory", wasi::path_link(d, 0, "dir", d, "dirlink"), wasi::ERRNO_PERM);
    err!("link missing source", wasi::path_link(d, 0, "missing", d, "x"), wasi::ERRNO_NOENT);
    err!("link into missing dir", wasi::path_link(d, 0, "link1", d, "nodir/x"), wasi::ERRNO_NOENT);
    err!("link source with trailing slash", wasi::path_link(d, 0, "link1/", d, "x"), wasi::ERRNO_NOTDIR);
    err!("link target with trailing slash", wasi::path_link(d, 0, "link1", d, "x/"), wasi::ERRNO_NOENT);
    err!("link target under a file", wasi::path_link(d, 0, "link1", d, "other/x"), wasi::ERRNO_NOTDIR);
    err!("link empty source", wasi::path_link(d, 0, "", d, "x"), wasi::ERRNO_NOENT);
    err!("link empty target", wasi::path_link(d, 0, "link1", d, ""), wasi::ERRNO_NOENT);
    err!("link invalid fd", wasi::path_link(999, 0, "link1", d, "x"), wasi::ERRNO_BADF);
    err!("link invalid target fd", wasi::path_link(d, 0, "link1", 999, "x"), wasi::ERRNO_BADF);

    // Symlinks: without SYMLINK_FOLLOW the link itself is linked.
    q!(wasi::path_symlink("other", d, "sym"));
    ok!("link a symlink (nofollow)", wasi::path_link(d, 0, "sym", d, "sym-hard"));
    let st = q!(wasi::path_filestat_get(d, 0, "sym-hard"));
    check_eq!("hard link to a symlink is a symlink", st.filetype, wasi::FILETYPE_SYMBOLIC_LINK);
    check_eq!("other untouched", nlink(d, "other"), 1);
    q!(wasi::path_symlink("nowhere", d, "dangling"));
    ok!("link a dangling symlink (nofollow)", wasi::path_link(d, 0, "dangling", d, "dangling-hard"));
    err!("link with SYMLINK_FOLLOW", wasi::path_link(d, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "sym", d, "x"), wasi::ERRNO_INVAL);
    check!("no stray names", !exists(d, "x") && !exists(d, "dirlink"));
    done("path_link");
}
