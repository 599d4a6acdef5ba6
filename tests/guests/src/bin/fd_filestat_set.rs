//! fd_filestat_set_size and fd_filestat_set_times with explicit values.
use guest::*;

const S: u64 = 1_000_000_000;

fn main() {
    let d = test_dir();
    write_file(d, "f", b"hello");
    let f = q!(open_rw(d, "f", 0));
    ok!("set_size grow to 100", wasi::fd_filestat_set_size(f, 100));
    let st = q!(wasi::fd_filestat_get(f));
    check_eq!("size 100", st.size, 100);
    let data = read_file(d, "f");
    check_eq!("grown part is zero-filled", (&data[..5], data[5..].iter().all(|&b| b == 0)), (&b"hello"[..], true));
    ok!("set_size shrink to 2", wasi::fd_filestat_set_size(f, 2));
    check_eq!("shrunk content", read_file(d, "f"), b"he".to_vec());
    ok!("set_size same size", wasi::fd_filestat_set_size(f, 2));
    ok!("set_size 0", wasi::fd_filestat_set_size(f, 0));
    check_eq!("empty", q!(wasi::fd_filestat_get(f)).size, 0);
    check_eq!("offset unchanged by set_size", q!(wasi::fd_tell(f)), 0);
    err!("set_size u64::MAX", wasi::fd_filestat_set_size(f, u64::MAX), wasi::ERRNO_INVAL);
    err!("set_size 1<<63", wasi::fd_filestat_set_size(f, 1 << 63), wasi::ERRNO_INVAL);

    ok!("set_times atim+mtim", wasi::fd_filestat_set_times(f, 10 * S, 20 * S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    let st = q!(wasi::fd_filestat_get(f));
    check_eq!("times set", (st.atim, st.mtim), (10 * S, 20 * S));
    ok!("set_times atim only", wasi::fd_filestat_set_times(f, 30 * S, 999, wasi::FSTFLAGS_ATIM));
    let st = q!(wasi::fd_filestat_get(f));
    check_eq!("only atim changed", (st.atim, st.mtim), (30 * S, 20 * S));
    ok!("set_times mtim only", wasi::fd_filestat_set_times(f, 999, 40 * S, wasi::FSTFLAGS_MTIM));
    let st = q!(wasi::fd_filestat_get(f));
    check_eq!("only mtim changed", (st.atim, st.mtim), (30 * S, 40 * S));
    ok!("set_times no flags", wasi::fd_filestat_set_times(f, 1, 1, 0));
    let st = q!(wasi::fd_filestat_get(f));
    check_eq!("nothing changed", (st.atim, st.mtim), (30 * S, 40 * S));
    ok!("set_times with sub-second values", wasi::fd_filestat_set_times(f, 5 * S + 123_456_789, 6 * S + 987_654_321, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    let st = q!(wasi::fd_filestat_get(f));
    check_eq!("nanoseconds kept", (st.atim, st.mtim), (5 * S + 123_456_789, 6 * S + 987_654_321));
    let ps = q!(wasi::path_filestat_get(d, 0, "f"));
    check_eq!("path stat sees the same times", (ps.atim, ps.mtim), (st.atim, st.mtim));

    let dd = q!(open_dir(d, "."));
    ok!("set_times on a directory fd", wasi::fd_filestat_set_times(dd, 7 * S, 8 * S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    let ds = q!(wasi::fd_filestat_get(dd));
    check_eq!("directory times", (ds.atim, ds.mtim), (7 * S, 8 * S));
    err!("set_size on a directory fd", wasi::fd_filestat_set_size(dd, 0), wasi::ERRNO_BADF);
    err!("set_size invalid fd", wasi::fd_filestat_set_size(999, 0), wasi::ERRNO_BADF);
    err!("set_times invalid fd", wasi::fd_filestat_set_times(999, 0, 0, 0), wasi::ERRNO_BADF);
    done("fd_filestat_set");
}
