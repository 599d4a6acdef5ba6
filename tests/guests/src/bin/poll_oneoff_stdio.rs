//! poll_oneoff on stdio: stdin (given text) is readable, stdout and stderr
//! are writable; a clock subscription alongside them does not fire first.
//! Reading stdin from the wrong direction or subscribing with a bad fd is
//! EBADF for the whole call.
use guest::*;

const MS: u64 = 1_000_000;

fn main() {
    let ev = ok!(
        "poll stdin/stdout/stderr",
        poll(&[
            sub_fd(10, 0, false),
            sub_fd(11, 1, true),
            sub_fd(12, 2, true),
            sub_clock(13, wasi::CLOCKID_MONOTONIC, 5_000 * MS, 0),
        ])
    );
    let mut got: Vec<(u64, u8, String)> =
        ev.iter().map(|e| (e.userdata, e.type_.raw(), ename(e.error))).collect();
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
