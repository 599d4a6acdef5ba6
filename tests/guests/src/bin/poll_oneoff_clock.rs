//! poll_oneoff with clock subscriptions: relative and absolute timeouts on
//! REALTIME and MONOTONIC, zero timeouts, several clocks, nevents, and the
//! error paths (no subscriptions, bad subclockflags, bad event tag).
use guest::*;
use wasi::{CLOCKID_MONOTONIC as MONO, CLOCKID_REALTIME as REAL, SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME as ABS};

const MS: u64 = 1_000_000;

fn expect_one(label: &str, subs: &[wasi::Subscription], ud: u64, min_wait: u64) {
    let t0 = monotonic();
    let ev = ok!(label, poll(subs));
    let waited = monotonic() - t0;
    check_eq!(format!("{label}: nevents"), ev.len(), 1);
    check_eq!(format!("{label}: userdata"), ev[0].userdata, ud);
    check_eq!(format!("{label}: type clock"), ev[0].type_, wasi::EVENTTYPE_CLOCK);
    check_eq!(format!("{label}: error"), ename(ev[0].error), "SUCCESS");
    check!(format!("{label}: waited long enough"), waited >= min_wait);
}

fn main() {
    expect_one("relative monotonic 10ms", &[sub_clock(1, MONO, 10 * MS, 0)], 1, 10 * MS);
    expect_one("relative realtime 10ms", &[sub_clock(2, REAL, 10 * MS, 0)], 2, 10 * MS);
    expect_one("relative monotonic 0", &[sub_clock(3, MONO, 0, 0)], 3, 0);

    let now = monotonic();
    expect_one("absolute monotonic in the past", &[sub_clock(4, MONO, now - 1, ABS)], 4, 0);
    expect_one("absolute monotonic 0", &[sub_clock(5, MONO, 0, ABS)], 5, 0);
    let now = monotonic();
    let t0 = monotonic();
    expect_one("absolute monotonic +10ms", &[sub_clock(6, MONO, now + 10 * MS, ABS)], 6, 0);
    check!("absolute monotonic reached deadline", monotonic() >= now + 10 * MS && monotonic() - t0 >= 5 * MS);
    let rnow = realtime();
    expect_one("absolute realtime +10ms", &[sub_clock(7, REAL, rnow + 10 * MS, ABS)], 7, 0);
    check!("absolute realtime reached deadline", realtime() >= rnow + 10 * MS);
    expect_one("absolute realtime in the past", &[sub_clock(8, REAL, rnow - 1_000 * MS, ABS)], 8, 0);

    // Two clocks: only the shorter one fires.
    expect_one(
        "two clocks, shorter fires",
        &[sub_clock(10, MONO, 2_000 * MS, 0), sub_clock(11, MONO, 5 * MS, 0)],
        11,
        5 * MS,
    );
    // Two expired clocks: both are reported.
    let ev = ok!("two expired clocks", poll(&[sub_clock(12, MONO, 0, 0), sub_clock(13, REAL, 0, 0)]));
    let mut uds: Vec<u64> = ev.iter().map(|e| e.userdata).collect();
    uds.sort();
    check_eq!("two expired clocks: both reported", uds, vec![12, 13]);

    // Errors.
    err!("no subscriptions", poll(&[]), wasi::ERRNO_INVAL);
    err!("bad subclockflags", poll(&[sub_clock(20, MONO, 0, 2)]), wasi::ERRNO_INVAL);
    let mut bad = sub_clock(21, MONO, 0, 0);
    bad.u.tag = 3;
    err!("bad eventtype tag", poll(&[bad]), wasi::ERRNO_INVAL);
    done("poll_oneoff_clock");
}
