//! Opening the preopened directory itself and working through the new fd.
use guest::*;

fn main() {
    let d = test_dir();
    let a = ok!("open . DIRECTORY", open_dir(d, "."));
    let b = ok!("open . no flags", wasi::path_open(d, 0, ".", 0, DIR_RIGHTS, RIGHTS_ALL, 0));
    let c = ok!("open ./ DIRECTORY", open_dir(d, "./"));
    let e = ok!("open sub/.. DIRECTORY", open_dir(d, "sub/.."));
    for (name, fd) in [("a", a), ("b", b), ("c", c), ("e", e)] {
        let st = q!(wasi::fd_fdstat_get(fd));
        check_eq!(format!("{name} is a directory"), st.fs_filetype, wasi::FILETYPE_DIRECTORY);
        err!(format!("{name} is not a preopen"), wasi::fd_prestat_get(fd), wasi::ERRNO_BADF);
    }
    let sd = q!(wasi::fd_filestat_get(d));
    let sa = q!(wasi::fd_filestat_get(a));
    check_eq!("same directory (dev, ino)", (sa.dev, sa.ino), (sd.dev, sd.ino));
    check_eq!("readdir through new fd", list_names(a, "."), vec!["hello.txt".to_string(), "sub".to_string()]);
    let f = ok!("open file through new fd", open_rw(a, "hello.txt", 0));
    check_eq!("content", read_to_end(f), b"Hello, fixture!\n".to_vec());
    err!("open .. of preopen", open_dir(d, ".."), wasi::ERRNO_PERM);
    err!("open .. of opened ., still sandboxed", open_dir(a, ".."), wasi::ERRNO_PERM);
    let s = ok!("open sub", open_dir(d, "sub"));
    // Every directory fd is its own sandbox root: ".." may not climb
    // above the fd used for the lookup, even while staying inside the
    // preopen.
    err!("open .. of subdirectory fd", open_dir(s, ".."), wasi::ERRNO_PERM);
    err!("open ../hello.txt of subdirectory fd", open_rw(s, "../hello.txt", 0), wasi::ERRNO_PERM);
    err!("stat .. of subdirectory fd", wasi::path_filestat_get(s, 0, ".."), wasi::ERRNO_PERM);
    let up = ok!("open sub/.. of the preopen", open_dir(d, "sub/.."));
    let su = q!(wasi::fd_filestat_get(up));
    check_eq!("sub/.. is the preopen", (su.dev, su.ino), (sd.dev, sd.ino));
    done("path_open_preopen");
}
