//! fd_prestat_get / fd_prestat_dir_name for preopens, non-preopens and
//! short buffers. Two preopens are configured: fs-tests.dir and ro.dir.
use guest::*;

fn main() {
    let all = preopens();
    let mut names: Vec<String> = all.iter().map(|(_, n)| n.clone()).collect();
    names.sort();
    check_eq!("preopen names", names, vec!["fs-tests.dir".to_string(), "ro.dir".to_string()]);
    check!("preopens start at fd 3", all.first().map(|p| p.0) == Some(3));
    let d = preopen("fs-tests.dir");
    let st = ok!("fd_prestat_get", wasi::fd_prestat_get(d));
    check_eq!("tag dir", st.tag, wasi::PREOPENTYPE_DIR.raw());
    let len = unsafe { st.u.dir.pr_name_len };
    check_eq!("name length", len, 12);
    let mut buf = [0u8; 64];
    ok!("fd_prestat_dir_name exact", wasi::fd_prestat_dir_name(d, buf.as_mut_ptr(), len));
    check_eq!("name", &buf[..len], b"fs-tests.dir");
    let mut big = [0xAAu8; 64];
    ok!("fd_prestat_dir_name larger buffer", wasi::fd_prestat_dir_name(d, big.as_mut_ptr(), 64));
    check_eq!("name in larger buffer", &big[..len], b"fs-tests.dir");
    err!("fd_prestat_dir_name short", wasi::fd_prestat_dir_name(d, buf.as_mut_ptr(), len - 1), wasi::ERRNO_NAMETOOLONG);
    err!("fd_prestat_dir_name zero", wasi::fd_prestat_dir_name(d, buf.as_mut_ptr(), 0), wasi::ERRNO_NAMETOOLONG);
    err!("fd_prestat_get stdin", wasi::fd_prestat_get(0), wasi::ERRNO_BADF);
    err!("fd_prestat_get stdout", wasi::fd_prestat_get(1), wasi::ERRNO_BADF);
    err!("fd_prestat_get invalid", wasi::fd_prestat_get(999), wasi::ERRNO_BADF);
    let sub = q!(open_dir(d, "sub"));
    err!("fd_prestat_get opened dir", wasi::fd_prestat_get(sub), wasi::ERRNO_BADF);
    let f = q!(open_rw(d, "hello.txt", 0));
    err!("fd_prestat_get file", wasi::fd_prestat_get(f), wasi::ERRNO_BADF);
    err!("fd_prestat_dir_name stdout", wasi::fd_prestat_dir_name(1, buf.as_mut_ptr(), 64), wasi::ERRNO_NOTDIR);
    err!("fd_prestat_dir_name invalid", wasi::fd_prestat_dir_name(999, buf.as_mut_ptr(), 64), wasi::ERRNO_BADF);
    let st = ok!("fd_fdstat_get preopen", wasi::fd_fdstat_get(d));
    check_eq!("preopen is a directory", st.fs_filetype, wasi::FILETYPE_DIRECTORY);
    check_eq!("preopen has no fdflags", st.fs_flags, 0);
    check_eq!("preopen lacks FD_FILESTAT_SET_SIZE and FD_WRITE", st.fs_rights_base & (wasi::RIGHTS_FD_FILESTAT_SET_SIZE | wasi::RIGHTS_FD_WRITE), 0);
    let need = wasi::RIGHTS_PATH_OPEN | wasi::RIGHTS_FD_READDIR | wasi::RIGHTS_PATH_CREATE_FILE | wasi::RIGHTS_PATH_FILESTAT_GET;
    check_eq!("preopen has path rights", st.fs_rights_base & need, need);
    let ro = preopen("ro.dir");
    check_eq!("second preopen lists its fixture", list_names(ro, "."), vec!["data.bin".to_string()]);
    done("fd_prestat");
}
