//! fd_seek / fd_tell on files: SET, CUR, END, past the end, negative.
use guest::*;

fn main() {
    let d = test_dir();
    let f = create_file(d, "s");
    check_eq!("tell at start", ok!("fd_tell", wasi::fd_tell(f)), 0);
    write_all(f, b"0123456789");
    check_eq!("tell after write", q!(wasi::fd_tell(f)), 10);
    check_eq!("SET 3", ok!("fd_seek SET 3", wasi::fd_seek(f, 3, wasi::WHENCE_SET)), 3);
    check_eq!("read at 3", read_n(f, 2), b"34".to_vec());
    check_eq!("CUR +2", ok!("fd_seek CUR +2", wasi::fd_seek(f, 2, wasi::WHENCE_CUR)), 7);
    check_eq!("CUR -4", ok!("fd_seek CUR -4", wasi::fd_seek(f, -4, wasi::WHENCE_CUR)), 3);
    check_eq!("CUR 0 reports position", ok!("fd_seek CUR 0", wasi::fd_seek(f, 0, wasi::WHENCE_CUR)), 3);
    check_eq!("END 0", ok!("fd_seek END 0", wasi::fd_seek(f, 0, wasi::WHENCE_END)), 10);
    check_eq!("END -3", ok!("fd_seek END -3", wasi::fd_seek(f, -3, wasi::WHENCE_END)), 7);
    check_eq!("read at END -3", read_n(f, 10), b"789".to_vec());
    check_eq!("END +5 (past end)", ok!("fd_seek END +5", wasi::fd_seek(f, 5, wasi::WHENCE_END)), 15);
    check_eq!("read past end is EOF", read_n(f, 4), Vec::<u8>::new());
    check_eq!("size unchanged by seeking", q!(wasi::fd_filestat_get(f)).size, 10);
    write_all(f, b"X");
    check_eq!("write past end extends with zeros", read_file(d, "s"), b"0123456789\0\0\0\0\0X".to_vec());
    check_eq!("SET far", ok!("fd_seek SET 1<<40", wasi::fd_seek(f, 1 << 40, wasi::WHENCE_SET)), 1 << 40);
    check_eq!("tell far", q!(wasi::fd_tell(f)), 1 << 40);
    q!(wasi::fd_seek(f, 4, wasi::WHENCE_SET));
    err!("SET -1", wasi::fd_seek(f, -1, wasi::WHENCE_SET), wasi::ERRNO_INVAL);
    err!("CUR before start", wasi::fd_seek(f, -5, wasi::WHENCE_CUR), wasi::ERRNO_INVAL);
    err!("END before start", wasi::fd_seek(f, -100, wasi::WHENCE_END), wasi::ERRNO_INVAL);
    check_eq!("position unchanged after failed seeks", q!(wasi::fd_tell(f)), 4);
    err!("fd_seek invalid fd", wasi::fd_seek(999, 0, wasi::WHENCE_SET), wasi::ERRNO_BADF);
    err!("fd_tell invalid fd", wasi::fd_tell(999), wasi::ERRNO_BADF);
    // Each fd has its own offset.
    let g = q!(open_rw(d, "s", 0));
    check_eq!("second fd starts at 0", q!(wasi::fd_tell(g)), 0);
    check_eq!("first fd unaffected", q!(wasi::fd_tell(f)), 4);
    done("file_seek_tell");
}
