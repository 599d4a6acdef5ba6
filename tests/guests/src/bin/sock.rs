//! sock_accept / sock_recv / sock_send / sock_shutdown: ENOTSOCK on
//! non-socket fds (stdio, files, directories), EBADF on invalid or closed fds.
use guest::*;

fn main() {
    let d = test_dir();
    let f = q!(open_rw(d, "hello.txt", 0));
    let mut b = [0u8; 8];
    let iov = wasi::Iovec { buf: b.as_mut_ptr(), buf_len: 8 };
    let c = wasi::Ciovec { buf: b"x".as_ptr(), buf_len: 1 };
    for (name, fd) in [("stdin", 0u32), ("stdout", 1), ("stderr", 2), ("file", f), ("directory", d)] {
        err!(format!("sock_accept {name}"), wasi::sock_accept(fd, 0), wasi::ERRNO_NOTSOCK);
        err!(format!("sock_recv {name}"), wasi::sock_recv(fd, &[iov], 0), wasi::ERRNO_NOTSOCK);
        err!(format!("sock_send {name}"), wasi::sock_send(fd, &[c], 0), wasi::ERRNO_NOTSOCK);
        err!(format!("sock_shutdown {name}"), wasi::sock_shutdown(fd, wasi::SDFLAGS_RD | wasi::SDFLAGS_WR), wasi::ERRNO_NOTSOCK);
    }
    for (name, fd) in [("invalid fd", 999u32), ("closed fd", f)] {
        if name == "closed fd" {
            q!(wasi::fd_close(f));
        }
        err!(format!("sock_accept {name}"), wasi::sock_accept(fd, 0), wasi::ERRNO_BADF);
        err!(format!("sock_recv {name}"), wasi::sock_recv(fd, &[iov], 0), wasi::ERRNO_BADF);
        err!(format!("sock_send {name}"), wasi::sock_send(fd, &[c], 0), wasi::ERRNO_BADF);
        err!(format!("sock_shutdown {name}"), wasi::sock_shutdown(fd, wasi::SDFLAGS_RD), wasi::ERRNO_BADF);
    }
    done("sock");
}
