//! path_open oflags / fdflags: TRUNC, DIRECTORY, CREAT|DIRECTORY, opening
//! directories for writing, APPEND and NONBLOCK in fdstat, sync flags.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "t.txt", b"some content");
    let f = ok!("open TRUNC", open_rw(d, "t.txt", wasi::OFLAGS_TRUNC));
    check_eq!("TRUNC emptied file", q!(wasi::fd_filestat_get(f)).size, 0);
    q!(wasi::fd_close(f));
    err!("DIRECTORY on a file", open_dir(d, "t.txt"), wasi::ERRNO_NOTDIR);
    err!("CREAT|DIRECTORY new", wasi::path_open(d, 0, "newdir", wasi::OFLAGS_CREAT | wasi::OFLAGS_DIRECTORY, 0, 0, 0), wasi::ERRNO_INVAL);
    check!("CREAT|DIRECTORY created nothing", !exists(d, "newdir"));
    err!("CREAT|DIRECTORY existing file", wasi::path_open(d, 0, "t.txt", wasi::OFLAGS_CREAT | wasi::OFLAGS_DIRECTORY, 0, 0, 0), wasi::ERRNO_INVAL);

    q!(wasi::path_create_directory(d, "adir"));
    let dd = ok!("open dir with DIRECTORY", open_dir(d, "adir"));
    check_eq!("is a directory", q!(wasi::fd_fdstat_get(dd)).fs_filetype, wasi::FILETYPE_DIRECTORY);
    let dd2 = ok!("open dir without DIRECTORY flag", wasi::path_open(d, 0, "adir", 0, wasi::RIGHTS_FD_READDIR, 0, 0));
    check_eq!("still a directory", q!(wasi::fd_fdstat_get(dd2)).fs_filetype, wasi::FILETYPE_DIRECTORY);
    let dd3 = ok!("open dir with no rights", wasi::path_open(d, 0, "adir", wasi::OFLAGS_DIRECTORY, 0, 0, 0));
    q!(wasi::fd_close(dd3));
    err!("open dir with FD_WRITE", wasi::path_open(d, 0, "adir", 0, wasi::RIGHTS_FD_WRITE, 0, 0), wasi::ERRNO_ISDIR);
    err!("open dir with FD_WRITE and DIRECTORY", wasi::path_open(d, 0, "adir", wasi::OFLAGS_DIRECTORY, wasi::RIGHTS_FD_WRITE, 0, 0), wasi::ERRNO_ISDIR);
    err!("open dir with TRUNC", wasi::path_open(d, 0, "adir", wasi::OFLAGS_TRUNC, wasi::RIGHTS_FD_READ, 0, 0), wasi::ERRNO_ISDIR);
    err!("open dir with CREAT", open_rw(d, "adir", wasi::OFLAGS_CREAT), wasi::ERRNO_ISDIR);
    let dd4 = ok!("open dir with FD_READ", wasi::path_open(d, 0, "adir", 0, wasi::RIGHTS_FD_READ, 0, 0));
    let mut b = [0u8; 4];
    err!("fd_read on directory", wasi::fd_read(dd4, &[wasi::Iovec { buf: b.as_mut_ptr(), buf_len: 4 }]), wasi::ERRNO_BADF);

    let a = ok!("open APPEND", wasi::path_open(d, 0, "t.txt", 0, FILE_RW, 0, wasi::FDFLAGS_APPEND));
    check_eq!("fdstat shows APPEND", q!(wasi::fd_fdstat_get(a)).fs_flags, wasi::FDFLAGS_APPEND);
    let n = ok!("open NONBLOCK", wasi::path_open(d, 0, "t.txt", 0, FILE_RW, 0, wasi::FDFLAGS_NONBLOCK));
    check_eq!("fdstat shows NONBLOCK", q!(wasi::fd_fdstat_get(n)).fs_flags, wasi::FDFLAGS_NONBLOCK);
    let p = ok!("open plain", open_rw(d, "t.txt", 0));
    check_eq!("fdstat flags empty", q!(wasi::fd_fdstat_get(p)).fs_flags, 0);
    err!("open with SYNC", wasi::path_open(d, 0, "t.txt", 0, FILE_RW, 0, wasi::FDFLAGS_SYNC), wasi::ERRNO_NOTSUP);
    err!("open with DSYNC", wasi::path_open(d, 0, "t.txt", 0, FILE_RW, 0, wasi::FDFLAGS_DSYNC), wasi::ERRNO_NOTSUP);
    err!("open with RSYNC", wasi::path_open(d, 0, "t.txt", 0, FILE_RW, 0, wasi::FDFLAGS_RSYNC), wasi::ERRNO_NOTSUP);
    // The returned fd is never a stdio fd.
    check!("new fds are above stdio", a > 2 && n > 2 && p > 2);
    done("path_open_flags");
}
