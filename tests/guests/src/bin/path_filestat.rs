//! path_filestat_get / fd_filestat_get: filetype, size, nlink, dev/ino
//! consistency, follow vs nofollow; error paths.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "file", b"12345");
    q!(wasi::path_create_directory(d, "dir"));
    q!(wasi::path_symlink("file", d, "link"));
    let F = wasi::LOOKUPFLAGS_SYMLINK_FOLLOW;

    let st = ok!("stat file", wasi::path_filestat_get(d, 0, "file"));
    check_eq!("file type/size/nlink", (st.filetype, st.size, st.nlink), (wasi::FILETYPE_REGULAR_FILE, 5, 1));
    check!("file ino non-zero", st.ino != 0);
    let fd = q!(open_rw(d, "file", 0));
    let fst = ok!("fd_filestat_get file", wasi::fd_filestat_get(fd));
    check_eq!("fd and path stat agree", (fst.dev, fst.ino, fst.filetype, fst.size, fst.nlink), (st.dev, st.ino, st.filetype, st.size, st.nlink));
    check_eq!("fd and path times agree", (fst.atim, fst.mtim), (st.atim, st.mtim));
    let fdst = ok!("fd_fdstat_get file", wasi::fd_fdstat_get(fd));
    check_eq!("fdstat filetype", fdst.fs_filetype, wasi::FILETYPE_REGULAR_FILE);
    write_all(fd, b"6789012");
    check_eq!("size follows writes", q!(wasi::fd_filestat_get(fd)).size, 7);
    let now = realtime();
    check!("mtime is recent", st.mtim > now - 3_600_000_000_000 && st.mtim <= now + 1_000_000_000);

    let ds = ok!("stat dir", wasi::path_filestat_get(d, 0, "dir"));
    check_eq!("dir type", ds.filetype, wasi::FILETYPE_DIRECTORY);
    check!("dir ino differs from file", ds.ino != st.ino);
    let dfd = q!(open_dir(d, "dir"));
    let dfs = ok!("fd_filestat_get dir", wasi::fd_filestat_get(dfd));
    check_eq!("dir fd and path agree", (dfs.dev, dfs.ino, dfs.filetype), (ds.dev, ds.ino, ds.filetype));
    let pre = ok!("fd_filestat_get preopen", wasi::fd_filestat_get(d));
    check_eq!("preopen is a directory", pre.filetype, wasi::FILETYPE_DIRECTORY);
    let dot = ok!("stat .", wasi::path_filestat_get(d, 0, "."));
    check_eq!("stat . is the preopen", (dot.dev, dot.ino), (pre.dev, pre.ino));
    check_eq!("same device", ds.dev, st.dev);

    let ls = ok!("stat link nofollow", wasi::path_filestat_get(d, 0, "link"));
    check_eq!("link type and size", (ls.filetype, ls.size), (wasi::FILETYPE_SYMBOLIC_LINK, 4));
    check!("link has its own ino", ls.ino != st.ino);
    let lf = ok!("stat link follow", wasi::path_filestat_get(d, F, "link"));
    check_eq!("followed link is the file", (lf.filetype, lf.ino), (wasi::FILETYPE_REGULAR_FILE, st.ino));

    err!("stat missing", wasi::path_filestat_get(d, 0, "missing"), wasi::ERRNO_NOENT);
    err!("stat file/", wasi::path_filestat_get(d, 0, "file/"), wasi::ERRNO_NOTDIR);
    err!("stat file/x", wasi::path_filestat_get(d, 0, "file/x"), wasi::ERRNO_NOTDIR);
    err!("stat empty path", wasi::path_filestat_get(d, 0, ""), wasi::ERRNO_NOENT);
    err!("fd_filestat_get invalid fd", wasi::fd_filestat_get(999), wasi::ERRNO_BADF);
    done("path_filestat");
}
