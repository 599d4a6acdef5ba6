//! fd_allocate preallocates: the file grows to offset+len, never shrinks,
//! and the new bytes read as zeros. (wasmtime answers ENOTSUP instead: a
//! documented deviation.) Read-only fds, directories and bad fds are EBADF.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "f", b"abc");
    let f = q!(open_rw(d, "f", 0));
    ok!("fd_allocate within file", wasi::fd_allocate(f, 0, 2));
    check_eq!("size unchanged", q!(wasi::fd_filestat_get(f)).size, 3);
    ok!("fd_allocate beyond end", wasi::fd_allocate(f, 90, 10));
    check_eq!("size 100", q!(wasi::fd_filestat_get(f)).size, 100);
    ok!("fd_allocate zero length", wasi::fd_allocate(f, 0, 0));
    check_eq!("still 100", q!(wasi::fd_filestat_get(f)).size, 100);
    let data = read_to_end(f);
    let kept = data.len() == 100 && &data[..3] == b"abc";
    check!("old bytes kept, new ones zero", kept && data[3..].iter().all(|&b| b == 0));
    let r = q!(wasi::path_open(d, 0, "f", 0, wasi::RIGHTS_FD_READ, 0, 0));
    err!("fd_allocate read-only", wasi::fd_allocate(r, 0, 200), wasi::ERRNO_BADF);
    err!("fd_allocate directory", wasi::fd_allocate(d, 0, 1), wasi::ERRNO_BADF);
    err!("fd_allocate invalid fd", wasi::fd_allocate(999, 0, 1), wasi::ERRNO_BADF);
    done("file_allocate");
}
