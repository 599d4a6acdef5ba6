//! Reading stdin: small reads, scatter reads, and repeated EOF.
use guest::*;

fn main() {
    let a = read_n(0, 5);
    check_eq!("first 5 bytes", a, b"hello".to_vec());
    // scatter read into three buffers
    let mut x = [0u8; 1];
    let mut y = [0u8; 0];
    let mut z = [0u8; 6];
    let iovs = [
        wasi::Iovec { buf: x.as_mut_ptr(), buf_len: 1 },
        wasi::Iovec { buf: y.as_mut_ptr(), buf_len: 0 },
        wasi::Iovec { buf: z.as_mut_ptr(), buf_len: 6 },
    ];
    // A host may fill only the first non-empty iovec (wasmtime does).
    let n = ok!("fd_read iovecs", wasi::fd_read(0, &iovs));
    check!("scatter read count", (1..=7).contains(&n));
    let mut got = x.to_vec();
    got.extend_from_slice(&z[..n - 1]);
    check_eq!("scatter read data", &got[..], &b" stdin\n"[..n]);
    let rest = read_to_end(0);
    got.extend_from_slice(&rest);
    check_eq!("rest", String::from_utf8(got).unwrap(), " stdin\nsecond line\nno newline at end");
    let n = ok!("read at EOF", wasi::fd_read(0, &[wasi::Iovec { buf: x.as_mut_ptr(), buf_len: 1 }]));
    check_eq!("EOF gives 0", n, 0);
    let n = ok!("read at EOF again", wasi::fd_read(0, &[wasi::Iovec { buf: x.as_mut_ptr(), buf_len: 1 }]));
    check_eq!("EOF gives 0 again", n, 0);
    done("stdin_read");
}
