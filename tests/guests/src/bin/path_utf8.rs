//! Paths that are not valid UTF-8 are rejected with EILSEQ by every path_*
//! function (raw imports, since &str cannot hold such bytes).
use guest::*;

fn main() {
    let d = test_dir() as i32;
    write_file(d as u32, "ok", b"");
    let cases: [(&str, &[u8]); 4] = [
        ("0xff byte", b"bad\xffname"),
        ("truncated sequence", b"x\xc3"),
        ("encoded surrogate", b"x\xed\xa0\x80"),
        ("overlong slash", b"a\xc0\xafb"),
    ];
    let ok_ptr = b"ok".as_ptr() as i32;
    let new_ptr = b"new".as_ptr() as i32;
    let mut fd_out = 0u32;
    let mut buf = [0u8; 128];
    let out = &mut fd_out as *mut u32 as i32;
    let bp = buf.as_mut_ptr() as i32;
    for (what, bytes) in cases {
        let (p, n) = (bytes.as_ptr() as i32, bytes.len() as i32);
        raw_err!(format!("path_open {what}"), raw::path_open(d, 0, p, n, 0, 1 << 1, 0, 0, out), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_open CREAT {what}"), raw::path_open(d, 0, p, n, 1, 1 << 6, 0, 0, out), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_filestat_get {what}"), raw::path_filestat_get(d, 0, p, n, bp), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_filestat_set_times {what}"), raw::path_filestat_set_times(d, 0, p, n, 0, 0, 2), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_create_directory {what}"), raw::path_create_directory(d, p, n), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_remove_directory {what}"), raw::path_remove_directory(d, p, n), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_unlink_file {what}"), raw::path_unlink_file(d, p, n), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_readlink {what}"), raw::path_readlink(d, p, n, bp, 128, out), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_symlink target {what}"), raw::path_symlink(p, n, d, new_ptr, 3), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_symlink name {what}"), raw::path_symlink(ok_ptr, 2, d, p, n), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_rename source {what}"), raw::path_rename(d, p, n, d, new_ptr, 3), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_rename target {what}"), raw::path_rename(d, ok_ptr, 2, d, p, n), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_link source {what}"), raw::path_link(d, 0, p, n, d, new_ptr, 3), wasi::ERRNO_ILSEQ);
        raw_err!(format!("path_link target {what}"), raw::path_link(d, 0, ok_ptr, 2, d, p, n), wasi::ERRNO_ILSEQ);
    }
    check_eq!("nothing created or removed", list_names(d as u32, "."), vec!["hello.txt", "ok", "sub"]);
    done("path_utf8");
}
