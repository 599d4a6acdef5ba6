//! poll_oneoff on regular files and directories.
use guest::*;

fn main() {
    let d = test_dir();
    write_file(d, "poll.txt", b"0123456789");
    let f = q!(open_rw(d, "poll.txt", 0));
    let ev = ok!("poll file read", poll(&[sub_fd(1, f, false)]));
    check_eq!("file readable", (ev.len(), ev[0].userdata, ev[0].type_, ename(ev[0].error)),
        (1, 1, wasi::EVENTTYPE_FD_READ, "SUCCESS".to_string()));
    let ev = ok!("poll file write", poll(&[sub_fd(2, f, true)]));
    check_eq!("file writable", (ev.len(), ev[0].userdata, ev[0].type_, ename(ev[0].error)),
        (1, 2, wasi::EVENTTYPE_FD_WRITE, "SUCCESS".to_string()));
    q!(wasi::fd_seek(f, 0, wasi::WHENCE_END));
    let ev = ok!("poll file read at EOF", poll(&[sub_fd(3, f, false)]));
    check_eq!("file at EOF readable", (ev.len(), ev[0].userdata), (1, 3));
    let dfd = q!(open_dir(d, "."));
    err!("poll directory read", poll(&[sub_fd(4, dfd, false)]), wasi::ERRNO_BADF);
    err!("poll directory write", poll(&[sub_fd(5, dfd, true)]), wasi::ERRNO_BADF);
    q!(wasi::fd_close(f));
    err!("poll closed fd", poll(&[sub_fd(6, f, false)]), wasi::ERRNO_BADF);
    q!(wasi::path_unlink_file(d, "poll.txt"));
    done("poll_oneoff_fd");
}
