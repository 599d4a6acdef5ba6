//! Symlink loops resolve to ELOOP; the links themselves stay usable.
use guest::*;

fn main() {
    let d = test_dir();
    let F = wasi::LOOKUPFLAGS_SYMLINK_FOLLOW;
    q!(wasi::path_symlink("loop-b", d, "loop-a"));
    q!(wasi::path_symlink("loop-a", d, "loop-b"));
    q!(wasi::path_symlink("self", d, "self"));
    q!(wasi::path_create_directory(d, "dir"));
    q!(wasi::path_symlink("../dir/up", d, "dir/up"));
    for p in ["loop-a", "self", "dir/up"] {
        err!(format!("open {p} follow"), wasi::path_open(d, F, p, 0, FILE_RW, 0, 0), wasi::ERRNO_LOOP);
        err!(format!("open {p} nofollow"), open_rw(d, p, 0), wasi::ERRNO_LOOP);
        err!(format!("open {p} DIRECTORY"), open_dir(d, p), wasi::ERRNO_LOOP);
        err!(format!("stat {p} follow"), wasi::path_filestat_get(d, F, p), wasi::ERRNO_LOOP);
        err!(format!("open {p}/x"), open_rw(d, &format!("{p}/x"), 0), wasi::ERRNO_LOOP);
        err!(format!("open {p}/ "), open_rw(d, &format!("{p}/"), 0), wasi::ERRNO_LOOP);
        err!(format!("open {p} CREAT follow"), wasi::path_open(d, F, p, wasi::OFLAGS_CREAT, FILE_RW, 0, 0), wasi::ERRNO_LOOP);
        let st = ok!(format!("stat {p} nofollow"), wasi::path_filestat_get(d, 0, p));
        check_eq!(format!("{p} is a symlink"), st.filetype, wasi::FILETYPE_SYMBOLIC_LINK);
    }
    err!("mkdir through loop", wasi::path_create_directory(d, "loop-a/x"), wasi::ERRNO_LOOP);
    // A long but finite chain resolves.
    write_file(d, "end", b"end");
    let mut prev = "end".to_string();
    for i in 0..8 {
        let name = format!("chain{i}");
        q!(wasi::path_symlink(&prev, d, &name));
        prev = name;
    }
    let f = ok!("open 8-link chain", wasi::path_open(d, F, &prev, 0, FILE_RW, 0, 0));
    check_eq!("chain reaches the file", read_to_end(f), b"end".to_vec());
    ok!("unlink loop-a", wasi::path_unlink_file(d, "loop-a"));
    err!("loop-b now dangling", wasi::path_filestat_get(d, F, "loop-b"), wasi::ERRNO_NOENT);
    done("symlink_loop");
}
