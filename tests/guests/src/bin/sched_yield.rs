//! sched_yield succeeds.
use guest::*;

fn main() {
    ok!("sched_yield", wasi::sched_yield());
    for _ in 0..100 {
        q!(wasi::sched_yield());
    }
    println!("sched_yield x100: ok");
    done("sched_yield");
}
