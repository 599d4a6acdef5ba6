//! Wild pointers. wasi-web returns EFAULT for out-of-bounds guest memory;
//! wasmtime (and the witx spec text) traps instead.
use guest::*;

fn main() {
    let d = test_dir() as i32;
    let end = (core::arch::wasm32::memory_size(0) * 65536) as i32;
    let wild = end - 4; // 4 bytes left: any larger access is out of bounds
    let mut ok_buf = [0u8; 64];
    let okp = ok_buf.as_mut_ptr() as i32;
    raw_err!("random_get past end of memory", raw::random_get(wild, 16), wasi::ERRNO_FAULT);
    raw_err!("clock_time_get result out of bounds", raw::clock_time_get(1, 0, wild), wasi::ERRNO_FAULT);
    raw_err!("args_sizes_get result out of bounds", raw::args_sizes_get(okp, end), wasi::ERRNO_FAULT);
    raw_err!("fd_write iovec array out of bounds", raw::fd_write(1, wild, 2, okp), wasi::ERRNO_FAULT);
    // iovec pointing outside memory
    let iov: [u32; 2] = [end as u32 - 2, 100];
    raw_err!("fd_write iovec buffer out of bounds", raw::fd_write(1, iov.as_ptr() as i32, 1, okp), wasi::ERRNO_FAULT);
    raw_err!("path_open path out of bounds", raw::path_open(d, 0, wild, 100, 0, 2, 0, 0, okp), wasi::ERRNO_FAULT);
    raw_err!("path_filestat_get result out of bounds", raw::path_filestat_get(d, 0, b"hello.txt".as_ptr() as i32, 9, wild), wasi::ERRNO_FAULT);
    raw_err!("fd_prestat_dir_name buffer out of bounds", raw::fd_prestat_dir_name(d, wild, 12), wasi::ERRNO_FAULT);
    raw_err!("fd_readdir buffer out of bounds", raw::fd_readdir(d, wild, 256, 0, okp), wasi::ERRNO_FAULT);
    raw_err!("poll_oneoff subscriptions out of bounds", raw::poll_oneoff(wild, okp, 1, okp + 32), wasi::ERRNO_FAULT);
    raw_err!("random_get negative pointer", raw::random_get(-16, 8), wasi::ERRNO_FAULT);
    // Nothing was written outside the bounds and the program still runs.
    ok!("still alive", wasi::sched_yield());
    done("efault");
}
