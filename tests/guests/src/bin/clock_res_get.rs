//! clock_res_get on REALTIME and MONOTONIC: non-zero, at most one second.
use guest::*;

fn main() {
    for (name, id) in [("realtime", wasi::CLOCKID_REALTIME), ("monotonic", wasi::CLOCKID_MONOTONIC)] {
        let r = ok!(format!("clock_res_get {name}"), wasi::clock_res_get(id));
        check!(format!("{name} resolution non-zero"), r > 0);
        check!(format!("{name} resolution <= 1s"), r <= 1_000_000_000);
    }
    done("clock_res_get");
}
