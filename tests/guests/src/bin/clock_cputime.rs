//! PROCESS_CPUTIME_ID / THREAD_CPUTIME_ID.
//! wasi-web: both succeed (time since the instance started), non-zero
//! resolution, non-decreasing, usable in poll_oneoff. wasmtime answers
//! EBADF for both clocks (and EINVAL in poll_oneoff).
use guest::*;

fn main() {
    for (name, id) in [
        ("process_cputime", wasi::CLOCKID_PROCESS_CPUTIME_ID),
        ("thread_cputime", wasi::CLOCKID_THREAD_CPUTIME_ID),
    ] {
        let r = ok!(format!("clock_res_get {name}"), wasi::clock_res_get(id));
        check!(format!("{name} resolution non-zero"), r > 0);
        let a = ok!(format!("clock_time_get {name}"), wasi::clock_time_get(id, 0));
        let b = ok!(format!("clock_time_get {name} again"), wasi::clock_time_get(id, 0));
        check!(format!("{name} non-decreasing"), a <= b);
        // time since start: far below the realtime epoch value
        check!(format!("{name} is relative"), b < 86_400_000_000_000);
        let ev = ok!(format!("poll_oneoff relative 2ms on {name}"), poll(&[sub_clock(9, id, 2_000_000, 0)]));
        check_eq!(format!("{name} poll event"), (ev.len(), ev[0].userdata, ev[0].type_, ename(ev[0].error)), (1, 9, wasi::EVENTTYPE_CLOCK, "SUCCESS".to_string()));
    }
    done("clock_cputime");
}
