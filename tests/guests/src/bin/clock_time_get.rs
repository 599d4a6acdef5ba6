//! clock_time_get on REALTIME and MONOTONIC; precision argument; monotonicity.
use guest::*;

fn main() {
    let rt = ok!("realtime", wasi::clock_time_get(wasi::CLOCKID_REALTIME, 1));
    // 2020-01-01T00:00:00Z .. 2200-01-01
    check!("realtime after 2020", rt > 1_577_836_800_000_000_000);
    check!("realtime before 2200", rt < 7_258_118_400_000_000_000);
    let m1 = ok!("monotonic", wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1));
    let m2 = ok!("monotonic precision 0", wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 0));
    let m3 = ok!(
        "monotonic precision u64::MAX",
        wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, u64::MAX)
    );
    check!("monotonic non-decreasing", m1 <= m2 && m2 <= m3);
    // Monotonic clock advances over a busy loop of yields / time reads.
    let start = q!(wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 0));
    let mut now = start;
    for _ in 0..1_000_000 {
        now = q!(wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 0));
        if now > start {
            break;
        }
    }
    check!("monotonic advances", now > start);
    let rt2 = ok!("realtime again", wasi::clock_time_get(wasi::CLOCKID_REALTIME, 0));
    // realtime is not guaranteed monotonic, but must not jump by an hour here
    check!("realtime stable", rt2 + 3_600_000_000_000 > rt && rt2 < rt + 3_600_000_000_000);
    // std agrees with the raw call (SystemTime uses REALTIME)
    let st = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    check!("SystemTime close to realtime", st + 60_000_000_000 > rt2 && st < rt2 + 60_000_000_000);
    done("clock_time_get");
}
