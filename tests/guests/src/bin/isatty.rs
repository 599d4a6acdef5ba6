//! What wasi-libc's isatty() looks at: a regular file is not a tty
//! (REGULAR_FILE filetype); a tty would be CHARACTER_DEVICE without
//! FD_SEEK/FD_TELL rights.
use guest::*;

fn main() {
    let d = test_dir();
    let f = q!(open_rw(d, "hello.txt", 0));
    let st = ok!("fd_fdstat_get file", wasi::fd_fdstat_get(f));
    check_eq!("file is a regular file", st.fs_filetype, wasi::FILETYPE_REGULAR_FILE);
    let dst = ok!("fd_fdstat_get dir", wasi::fd_fdstat_get(d));
    check_eq!("dir is a directory", dst.fs_filetype, wasi::FILETYPE_DIRECTORY);
    for fd in 0..3u32 {
        let st = q!(wasi::fd_fdstat_get(fd));
        let tty = st.fs_filetype == wasi::FILETYPE_CHARACTER_DEVICE
            && st.fs_rights_base & (wasi::RIGHTS_FD_SEEK | wasi::RIGHTS_FD_TELL) == 0;
        let not_tty = st.fs_filetype != wasi::FILETYPE_CHARACTER_DEVICE;
        check!(format!("fd {fd} is consistently a tty or not"), tty || not_tty);
    }
    done("isatty");
}
