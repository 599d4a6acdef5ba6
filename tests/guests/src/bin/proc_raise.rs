//! proc_raise. wasi-web: an unknown signal gives EINVAL; a real signal
//! terminates the program with exit code 128+sig (SIGTERM=15 -> 143).
//! wasmtime traps on the unknown signal and answers ENOTSUP for SIGTERM.
use guest::*;

fn main() {
    raw_err!("proc_raise unknown signal 99", raw::proc_raise(99), wasi::ERRNO_INVAL);
    println!("raising SIGTERM");
    let r = unsafe { wasi::proc_raise(wasi::SIGNAL_TERM) };
    fail(&format!("proc_raise returned {:?}", r.map_err(ename)));
}
