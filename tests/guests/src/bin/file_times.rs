//! Timestamps: *_NOW flags use the realtime clock; writes and truncation
//! update mtime; path_filestat_set_times on files, dirs, and symlinks
//! (nofollow changes the link, follow changes the target).
use guest::*;

const S: u64 = 1_000_000_000;

fn near_now(t: u64, before: u64, after: u64) -> bool {
    // allow for coarse filesystem timestamps
    t + 2 * S >= before && t <= after + 2 * S
}

fn main() {
    let d = test_dir();
    let before = realtime();
    write_file(d, "f", b"x");
    let f = q!(open_rw(d, "f", 0));
    let st = q!(wasi::fd_filestat_get(f));
    check!("new file times are now", near_now(st.mtim, before, realtime()) && near_now(st.atim, before, realtime()));
    q!(wasi::fd_filestat_set_times(f, S, S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    let b = realtime();
    ok!("set_times ATIM_NOW|MTIM_NOW", wasi::fd_filestat_set_times(f, 0, 0, wasi::FSTFLAGS_ATIM_NOW | wasi::FSTFLAGS_MTIM_NOW));
    let st = q!(wasi::fd_filestat_get(f));
    check!("NOW times are now", near_now(st.atim, b, realtime()) && near_now(st.mtim, b, realtime()));
    q!(wasi::fd_filestat_set_times(f, S, S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    ok!("set_times MTIM_NOW only", wasi::fd_filestat_set_times(f, 0, 0, wasi::FSTFLAGS_MTIM_NOW));
    let st = q!(wasi::fd_filestat_get(f));
    check!("atim kept, mtim now", st.atim == S && st.mtim > S);

    q!(wasi::fd_filestat_set_times(f, S, S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    write_all(f, b"more");
    check!("write updates mtime", q!(wasi::fd_filestat_get(f)).mtim > S);
    q!(wasi::fd_filestat_set_times(f, S, S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    q!(wasi::fd_pwrite(f, &[wasi::Ciovec { buf: b"p".as_ptr(), buf_len: 1 }], 0));
    check!("pwrite updates mtime", q!(wasi::fd_filestat_get(f)).mtim > S);
    q!(wasi::fd_filestat_set_times(f, S, S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    q!(wasi::fd_filestat_set_size(f, 1));
    check!("set_size updates mtime", q!(wasi::fd_filestat_get(f)).mtim > S);
    q!(wasi::fd_filestat_set_times(f, S, S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    let t = q!(open_rw(d, "f", wasi::OFLAGS_TRUNC));
    check!("O_TRUNC updates mtime", q!(wasi::fd_filestat_get(t)).mtim > S);

    ok!("path set_times explicit", wasi::path_filestat_set_times(d, 0, "f", 11 * S, 12 * S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    let st = q!(wasi::path_filestat_get(d, 0, "f"));
    check_eq!("path set_times applied", (st.atim, st.mtim), (11 * S, 12 * S));
    q!(wasi::path_create_directory(d, "dir"));
    ok!("path set_times on dir", wasi::path_filestat_set_times(d, 0, "dir", 13 * S, 14 * S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    let st = q!(wasi::path_filestat_get(d, 0, "dir"));
    check_eq!("dir times", (st.atim, st.mtim), (13 * S, 14 * S));
    write_file(d, "dir/child", b"");
    check!("creating an entry updates dir mtime", q!(wasi::path_filestat_get(d, 0, "dir")).mtim > 14 * S);

    q!(wasi::path_symlink("f", d, "link"));
    ok!("path set_times symlink nofollow", wasi::path_filestat_set_times(d, 0, "link", 21 * S, 22 * S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    let ls = q!(wasi::path_filestat_get(d, 0, "link"));
    let fs = q!(wasi::path_filestat_get(d, 0, "f"));
    check_eq!("link times changed", (ls.atim, ls.mtim), (21 * S, 22 * S));
    check_eq!("target unchanged", (fs.atim, fs.mtim), (11 * S, 12 * S));
    ok!("path set_times symlink follow", wasi::path_filestat_set_times(d, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "link", 31 * S, 32 * S, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM));
    let fs = q!(wasi::path_filestat_get(d, 0, "f"));
    check_eq!("target changed", (fs.atim, fs.mtim), (31 * S, 32 * S));
    check_eq!("link mtime unchanged", q!(wasi::path_filestat_get(d, 0, "link")).mtim, 22 * S);
    err!("path set_times missing", wasi::path_filestat_set_times(d, 0, "missing", 0, 0, wasi::FSTFLAGS_MTIM_NOW), wasi::ERRNO_NOENT);
    err!("path set_times file/", wasi::path_filestat_set_times(d, 0, "f/", 0, 0, wasi::FSTFLAGS_MTIM_NOW), wasi::ERRNO_NOTDIR);
    q!(wasi::path_symlink("nowhere", d, "dangling"));
    err!("path set_times dangling follow", wasi::path_filestat_set_times(d, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "dangling", 0, 0, wasi::FSTFLAGS_MTIM_NOW), wasi::ERRNO_NOENT);
    ok!("path set_times dangling nofollow", wasi::path_filestat_set_times(d, 0, "dangling", 0, 5 * S, wasi::FSTFLAGS_MTIM));
    done("file_times");
}
