//! proc_exit(N) with a non-zero code; N is argv[1].
use guest::*;

fn main() {
    let code: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    println!("exiting with {code}");
    unsafe { wasi::proc_exit(code) };
    fail("proc_exit returned");
}
