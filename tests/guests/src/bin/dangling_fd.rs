//! Open fds whose path was removed: an unlinked file stays readable and
//! writable through its fd; a removed directory's fd still works but
//! nothing can be created in it.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "file", b"data");
    let f = q!(open_rw(d, "file", 0));
    ok!("unlink open file", wasi::path_unlink_file(d, "file"));
    check!("name gone", !exists(d, "file"));
    let mut b = [0u8; 16];
    let n = ok!("pread unlinked file", wasi::fd_pread(f, &[wasi::Iovec { buf: b.as_mut_ptr(), buf_len: 16 }], 0));
    check_eq!("content still there", &b[..n], b"data");
    q!(wasi::fd_seek(f, 0, wasi::WHENCE_END));
    ok!("write unlinked file", wasi::fd_write(f, &[wasi::Ciovec { buf: b"more".as_ptr(), buf_len: 4 }]));
    let st = ok!("fd_filestat_get unlinked file", wasi::fd_filestat_get(f));
    check_eq!("size and nlink", (st.size, st.nlink), (8, 0));
    write_file(d, "file", b"new");
    check_eq!("new file with the same name is separate", read_file(d, "file"), b"new".to_vec());
    let n = q!(wasi::fd_pread(f, &[wasi::Iovec { buf: b.as_mut_ptr(), buf_len: 16 }], 0));
    check_eq!("old fd keeps old content", &b[..n], b"datamore");
    ok!("close unlinked file", wasi::fd_close(f));

    q!(wasi::path_create_directory(d, "dir"));
    let dd = q!(open_dir(d, "dir"));
    ok!("rmdir open directory", wasi::path_remove_directory(d, "dir"));
    check!("dir name gone", !exists(d, "dir"));
    let st = ok!("fd_filestat_get removed dir", wasi::fd_filestat_get(dd));
    check_eq!("still a directory", st.filetype, wasi::FILETYPE_DIRECTORY);
    err!("create file in removed dir", open_rw(dd, "x", wasi::OFLAGS_CREAT), wasi::ERRNO_NOENT);
    err!("mkdir in removed dir", wasi::path_create_directory(dd, "x"), wasi::ERRNO_NOENT);
    err!("open missing in removed dir", open_rw(dd, "x", 0), wasi::ERRNO_NOENT);
    q!(wasi::path_create_directory(d, "dir"));
    check_eq!("recreated dir is separate", list_names(d, "dir"), Vec::<String>::new());
    ok!("close removed dir", wasi::fd_close(dd));
    done("dangling_fd");
}
