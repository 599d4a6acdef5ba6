//! proc_exit(0) ends the program; code after it never runs.
use guest::*;

fn main() {
    println!("before proc_exit");
    unsafe { wasi::proc_exit(0) };
    fail("proc_exit returned");
}
