//! Sleeps through wasi:clocks/monotonic-clock: `pollable.block` on a
//! duration, then `wasi:io/poll.poll` on two timers. Argument: total
//! milliseconds (default 200), split in halves.
use wasip2::clocks::monotonic_clock;
use wasip2::io::poll;

fn main() {
    let ms: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let half = ms * 1_000_000 / 2;
    let start = monotonic_clock::now();
    monotonic_clock::subscribe_duration(half).block();
    let short = monotonic_clock::subscribe_duration(half);
    let long = monotonic_clock::subscribe_duration(half * 100);
    let ready = poll::poll(&[&long, &short]);
    let slept = (monotonic_clock::now() - start) / 1_000_000;
    println!("ready {ready:?} after {slept} ms");
}
