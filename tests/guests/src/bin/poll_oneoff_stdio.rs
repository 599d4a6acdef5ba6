//! poll_oneoff on stdio: stdin (given text) is readable, stdout and stderr
//! are writable; a clock subscription alongside them does not fire first.
//! Reading stdin from the wrong direction or subscribing with a bad fd is
//! EBADF for the whole call.
use guest::*;

const MS: u64 = 1_000_000;

fn main() {
    // Readiness may be reported over several calls (a host may find some
    // streams ready before others): poll the not-yet-ready ones until all
    // three have been reported, bounded by a 5 s clock subscription.
    let mut pending: Vec<(u64, u32, bool)> = vec![(10, 0, false), (11, 1, true), (12, 2, true)];
    let mut got: Vec<(u64, u8, String)> = Vec::new();
    let mut calls = 0;
    while !pending.is_empty() && calls < 100 {
        calls += 1;
        let mut subs: Vec<_> = pending.iter().map(|&(ud, fd, w)| sub_fd(ud, fd, w)).collect();
        subs.push(sub_clock(13, wasi::CLOCKID_MONOTONIC, 5_000 * MS, 0));
        let ev = q!(poll(&subs));
        for e in ev {
            if e.userdata == 13 {
                fail("stdio not ready within 5 s");
            }
            got.push((e.userdata, e.type_.raw(), ename(e.error)));
            pending.retain(|p| p.0 != e.userdata);
        }
    }
    println!("poll stdin/stdout/stderr: ok");
    got.sort();
    check_eq!(
        "stdio events",
        got,
        vec![(10, 1, "SUCCESS".to_string()), (11, 2, "SUCCESS".to_string()), (12, 2, "SUCCESS".to_string())]
    );
    let ev = ok!("poll stdout alone", poll(&[sub_fd(20, 1, true)]));
    check_eq!("stdout event", (ev.len(), ev[0].userdata, ev[0].type_), (1, 20, wasi::EVENTTYPE_FD_WRITE));
    // Read stdin to the end; it stays readable (EOF is readable).
    let input = read_to_end(0);
    check_eq!("stdin content", input, b"line one\nline two\n".to_vec());
    let ev = ok!(
        "poll stdin at EOF",
        poll(&[sub_fd(30, 0, false), sub_clock(31, wasi::CLOCKID_MONOTONIC, 5_000 * MS, 0)])
    );
    check_eq!("stdin at EOF readable", (ev.len(), ev[0].userdata), (1, 30));
    err!("poll bad fd", poll(&[sub_fd(40, 77, false)]), wasi::ERRNO_BADF);
    err!(
        "poll bad fd with clock",
        poll(&[sub_fd(41, 77, true), sub_clock(42, wasi::CLOCKID_MONOTONIC, 0, 0)]),
        wasi::ERRNO_BADF
    );
    done("poll_oneoff_stdio");
}
