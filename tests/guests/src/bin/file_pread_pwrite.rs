//! fd_pread / fd_pwrite: explicit offsets, no effect on the fd offset,
//! holes, iovecs, EOF, and invalid offsets.
use guest::*;

fn main() {
    let d = test_dir();
    let f = create_file(d, "p");
    let c = |s: &'static [u8]| wasi::Ciovec { buf: s.as_ptr(), buf_len: s.len() };
    check_eq!("pwrite 4 at 0", ok!("fd_pwrite at 0", wasi::fd_pwrite(f, &[c(b"abcd")], 0)), 4);
    check_eq!("offset still 0", q!(wasi::fd_tell(f)), 0);
    check_eq!("pwrite 2 at 2", ok!("fd_pwrite at 2", wasi::fd_pwrite(f, &[c(b"XY")], 2)), 2);
    // A host may stop after the first non-empty iovec (wasmtime does).
    let n = ok!("fd_pwrite iovecs", wasi::fd_pwrite(f, &[c(b"12"), c(b""), c(b"345")], 6));
    check!("pwrite iovecs count", (2..=5).contains(&n));
    if n < 5 {
        let rest: &'static [u8] = &b"12345"[n..];
        q!(wasi::fd_pwrite(f, &[c(rest)], 6 + n as u64));
    }
    check_eq!("file with hole", read_file(d, "p"), b"abXY\0\x0012345".to_vec());
    check_eq!("offset still 0 after all", q!(wasi::fd_tell(f)), 0);

    let mut a = [0u8; 3];
    let mut b = [0u8; 4];
    let n = ok!("fd_pread iovecs at 1", wasi::fd_pread(f, &[wasi::Iovec { buf: a.as_mut_ptr(), buf_len: 3 }, wasi::Iovec { buf: b.as_mut_ptr(), buf_len: 4 }], 1));
    check!("pread iovecs count", (3..=7).contains(&n));
    let mut got = a.to_vec();
    got.extend_from_slice(&b[..n - 3]);
    check_eq!("pread result", &got[..], &b"bXY\0\x0012"[..n]);
    let mut big = [0u8; 64];
    let n = ok!("fd_pread near end", wasi::fd_pread(f, &[wasi::Iovec { buf: big.as_mut_ptr(), buf_len: 64 }], 9));
    check_eq!("short read at end", &big[..n], b"45");
    let n = ok!("fd_pread at end", wasi::fd_pread(f, &[wasi::Iovec { buf: big.as_mut_ptr(), buf_len: 64 }], 11));
    check_eq!("pread at EOF", n, 0);
    let n = ok!("fd_pread past end", wasi::fd_pread(f, &[wasi::Iovec { buf: big.as_mut_ptr(), buf_len: 64 }], 1000));
    check_eq!("pread past EOF", n, 0);
    check_eq!("offset still 0 after preads", q!(wasi::fd_tell(f)), 0);
    check_eq!("fd_read from offset 0", read_n(f, 4), b"abXY".to_vec());
    q!(wasi::fd_pwrite(f, &[c(b"Z")], 0));
    check_eq!("fd_read continues at 4", read_n(f, 2), b"\0\0".to_vec());
    check_eq!("pwrite at 0 visible", read_file(d, "p")[0], b'Z');
    let n = ok!("fd_pwrite zero bytes", wasi::fd_pwrite(f, &[c(b"")], 100));
    check_eq!("zero-byte pwrite does not extend", (n, q!(wasi::fd_filestat_get(f)).size), (0, 11));
    err!("fd_pread offset u64::MAX", wasi::fd_pread(f, &[wasi::Iovec { buf: big.as_mut_ptr(), buf_len: 1 }], u64::MAX), wasi::ERRNO_INVAL);
    err!("fd_pwrite offset u64::MAX", wasi::fd_pwrite(f, &[c(b"x")], u64::MAX), wasi::ERRNO_INVAL);
    err!("fd_pread invalid fd", wasi::fd_pread(999, &[wasi::Iovec { buf: big.as_mut_ptr(), buf_len: 1 }], 0), wasi::ERRNO_BADF);
    err!("fd_pwrite invalid fd", wasi::fd_pwrite(999, &[c(b"x")], 0), wasi::ERRNO_BADF);
    done("file_pread_pwrite");
}
