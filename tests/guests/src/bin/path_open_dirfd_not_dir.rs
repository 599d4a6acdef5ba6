//! Path operations whose dirfd is not a directory.
use guest::*;

fn main() {
    let d = test_dir();
    let f = q!(open_rw(d, "hello.txt", 0));
    err!("path_open via file fd", open_rw(f, "x", 0), wasi::ERRNO_NOTDIR);
    err!("path_open CREAT via file fd", open_rw(f, "x", wasi::OFLAGS_CREAT), wasi::ERRNO_NOTDIR);
    err!("path_open . via file fd", open_dir(f, "."), wasi::ERRNO_NOTDIR);
    err!("path_filestat_get via file fd", wasi::path_filestat_get(f, 0, "x"), wasi::ERRNO_BADF);
    err!("path_create_directory via file fd", wasi::path_create_directory(f, "x"), wasi::ERRNO_BADF);
    err!("path_unlink_file via file fd", wasi::path_unlink_file(f, "x"), wasi::ERRNO_BADF);
    err!("path_remove_directory via file fd", wasi::path_remove_directory(f, "x"), wasi::ERRNO_BADF);
    err!("path_symlink via file fd", wasi::path_symlink("t", f, "x"), wasi::ERRNO_BADF);
    err!("path_rename via file fd", wasi::path_rename(f, "x", d, "y"), wasi::ERRNO_BADF);
    err!("path_link via file fd", wasi::path_link(f, 0, "x", d, "y"), wasi::ERRNO_BADF);
    let mut b = [0u8; 8];
    err!("path_readlink via file fd", wasi::path_readlink(f, "x", b.as_mut_ptr(), 8), wasi::ERRNO_BADF);
    err!("path_filestat_set_times via file fd", wasi::path_filestat_set_times(f, 0, "x", 0, 0, wasi::FSTFLAGS_MTIM_NOW), wasi::ERRNO_BADF);
    err!("path_open via stdout", open_rw(1, "x", 0), wasi::ERRNO_BADF);
    err!("path_open via invalid fd", open_rw(999, "x", 0), wasi::ERRNO_BADF);
    err!("path_filestat_get via invalid fd", wasi::path_filestat_get(999, 0, "x"), wasi::ERRNO_BADF);
    done("path_open_dirfd_not_dir");
}
