//! Prints the clocks and random bytes around a sleep: under deterministic
//! mode two runs print the same.
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let t0 = Instant::now();
    let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    std::thread::sleep(Duration::from_millis(1500));
    let mut buf = [0u8; 8];
    unsafe { wasi::random_get(buf.as_mut_ptr(), 8).unwrap() };
    println!("wall {wall}");
    println!("slept {} ns", t0.elapsed().as_nanos());
    println!("random {:016x}", u64::from_le_bytes(buf));
}
