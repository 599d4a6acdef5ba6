//! ATIM together with ATIM_NOW (or MTIM with MTIM_NOW) is EINVAL, for both
//! fd_filestat_set_times and path_filestat_set_times; nothing is changed.
use guest::*;

const S: u64 = 1_000_000_000;

fn main() {
    let d = test_dir();
    write_file(d, "f", b"x");
    let f = q!(open_rw(d, "f", 0));
    q!(wasi::fd_filestat_set_times(f, 1 * S, 2 * S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    let (A, AN, M, MN) = (wasi::FSTFLAGS_ATIM, wasi::FSTFLAGS_ATIM_NOW, wasi::FSTFLAGS_MTIM, wasi::FSTFLAGS_MTIM_NOW);
    for (what, flags) in [
        ("ATIM|ATIM_NOW", A | AN),
        ("MTIM|MTIM_NOW", M | MN),
        ("ATIM|ATIM_NOW|MTIM", A | AN | M),
        ("ATIM|MTIM|MTIM_NOW", A | M | MN),
        ("all four", A | AN | M | MN),
    ] {
        err!(format!("fd_filestat_set_times {what}"), wasi::fd_filestat_set_times(f, 5 * S, 5 * S, flags), wasi::ERRNO_INVAL);
        err!(format!("path_filestat_set_times {what}"), wasi::path_filestat_set_times(d, 0, "f", 5 * S, 5 * S, flags), wasi::ERRNO_INVAL);
    }
    let st = q!(wasi::fd_filestat_get(f));
    check_eq!("times unchanged", (st.atim, st.mtim), (1 * S, 2 * S));
    ok!("ATIM|MTIM_NOW is fine", wasi::fd_filestat_set_times(f, 3 * S, 0, A | MN));
    let st = q!(wasi::fd_filestat_get(f));
    check!("atim explicit, mtim now", st.atim == 3 * S && st.mtim > 2 * S);
    ok!("ATIM_NOW|MTIM is fine", wasi::path_filestat_set_times(d, 0, "f", 0, 4 * S, AN | M));
    let st = q!(wasi::fd_filestat_get(f));
    check!("atim now, mtim explicit", st.atim > 3 * S && st.mtim == 4 * S);
    done("fstflags_validate");
}
