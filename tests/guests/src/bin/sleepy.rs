//! Sleeps for argv[1] milliseconds (default 200) between two lines.
use std::time::{Duration, Instant};

fn main() {
    let ms: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    println!("start");
    let t = Instant::now();
    std::thread::sleep(Duration::from_millis(ms));
    let took = t.elapsed().as_millis();
    assert!(took >= ms as u128, "slept {took} ms, asked for {ms}");
    println!("slept {ms} ms");
}
