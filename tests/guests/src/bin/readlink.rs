//! path_readlink: contents, truncation to the buffer, and errors.
use guest::*;

fn readlink(d: wasi::Fd, p: &str, n: usize) -> Result<Vec<u8>, wasi::Errno> {
    let mut b = vec![0u8; n.max(1)];
    let used = unsafe { wasi::path_readlink(d, p, b.as_mut_ptr(), n)? };
    if used > n {
        fail(&format!("readlink returned {used} > {n}"));
    }
    b.truncate(used);
    Ok(b)
}

fn main() {
    let d = test_dir();
    write_file(d, "file", b"x");
    q!(wasi::path_create_directory(d, "dir"));
    q!(wasi::path_symlink("file", d, "l-file"));
    q!(wasi::path_symlink("dir", d, "l-dir"));
    q!(wasi::path_symlink("does/not/exist", d, "l-dangling"));
    q!(wasi::path_symlink("ünïcödé", d, "l-unicode"));
    q!(wasi::path_symlink("../file", d, "dir/l-up"));
    check_eq!("readlink l-file", ok!("path_readlink l-file", readlink(d, "l-file", 64)), b"file".to_vec());
    check_eq!("readlink exact buffer", ok!("path_readlink exact", readlink(d, "l-file", 4)), b"file".to_vec());
    check_eq!("readlink truncated", ok!("path_readlink short buffer", readlink(d, "l-file", 2)), b"fi".to_vec());
    check_eq!("readlink zero buffer", ok!("path_readlink zero buffer", readlink(d, "l-file", 0)), b"".to_vec());
    check_eq!("readlink dangling", ok!("path_readlink dangling", readlink(d, "l-dangling", 64)), b"does/not/exist".to_vec());
    check_eq!("readlink unicode", ok!("path_readlink unicode", readlink(d, "l-unicode", 64)), "ünïcödé".as_bytes().to_vec());
    check_eq!("readlink in subdir", ok!("path_readlink dir/l-up", readlink(d, "dir/l-up", 64)), b"../file".to_vec());
    check_eq!("readlink through symlinked dir", ok!("path_readlink l-dir/l-up", readlink(d, "l-dir/l-up", 64)), b"../file".to_vec());
    err!("readlink regular file", readlink(d, "file", 64), wasi::ERRNO_INVAL);
    err!("readlink directory", readlink(d, "dir", 64), wasi::ERRNO_INVAL);
    err!("readlink .", readlink(d, ".", 64), wasi::ERRNO_INVAL);
    err!("readlink missing", readlink(d, "missing", 64), wasi::ERRNO_NOENT);
    err!("readlink symlink-to-dir/", readlink(d, "l-dir/", 64), wasi::ERRNO_INVAL);
    err!("readlink symlink-to-file/", readlink(d, "l-file/", 64), wasi::ERRNO_NOTDIR);
    err!("readlink empty path", readlink(d, "", 64), wasi::ERRNO_NOENT);
    err!("readlink invalid fd", readlink(999, "l-file", 64), wasi::ERRNO_BADF);
    done("readlink");
}
