//! path_open with CREAT / CREAT|EXCL on existing files, directories and
//! symlinks.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "exists.txt", b"keep me");
    q!(wasi::path_create_directory(d, "exists.dir"));
    q!(wasi::path_symlink("exists.txt", d, "exists.link"));
    q!(wasi::path_symlink("nowhere", d, "dangling.link"));
    let ce = wasi::OFLAGS_CREAT | wasi::OFLAGS_EXCL;
    err!("CREAT|EXCL existing file", open_rw(d, "exists.txt", ce), wasi::ERRNO_EXIST);
    err!("CREAT|EXCL existing dir", open_rw(d, "exists.dir", ce), wasi::ERRNO_EXIST);
    err!("CREAT|EXCL existing symlink", open_rw(d, "exists.link", ce), wasi::ERRNO_EXIST);
    err!("CREAT|EXCL dangling symlink", open_rw(d, "dangling.link", ce), wasi::ERRNO_EXIST);
    err!(
        "CREAT|EXCL dangling symlink, follow",
        wasi::path_open(d, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "dangling.link", ce, FILE_RW, 0, 0),
        wasi::ERRNO_EXIST
    );
    check!("dangling target not created", !exists(d, "nowhere"));
    err!("CREAT|EXCL|DIRECTORY existing dir", wasi::path_open(d, 0, "exists.dir", ce | wasi::OFLAGS_DIRECTORY, 0, 0, 0), wasi::ERRNO_INVAL);
    let f = ok!("CREAT existing file", open_rw(d, "exists.txt", wasi::OFLAGS_CREAT));
    check_eq!("content kept", read_to_end(f), b"keep me".to_vec());
    q!(wasi::fd_close(f));
    err!("CREAT existing dir", open_rw(d, "exists.dir", wasi::OFLAGS_CREAT), wasi::ERRNO_ISDIR);
    let f = ok!("CREAT|EXCL new file", open_rw(d, "new.txt", ce));
    let st = ok!("new file stat", wasi::fd_filestat_get(f));
    check_eq!("new file empty", (st.filetype, st.size), (wasi::FILETYPE_REGULAR_FILE, 0));
    q!(wasi::fd_close(f));
    err!("CREAT|EXCL again", open_rw(d, "new.txt", ce), wasi::ERRNO_EXIST);
    let f = ok!("EXCL without CREAT on existing", open_rw(d, "exists.txt", wasi::OFLAGS_EXCL));
    q!(wasi::fd_close(f));
    done("path_open_create_existing");
}
