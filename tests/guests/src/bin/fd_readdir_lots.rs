//! fd_readdir over a directory with many entries, paging with small
//! buffers and d_next cookies: every entry exactly once.
use guest::*;

fn main() {
    let d = test_dir();
    q!(wasi::path_create_directory(d, "many"));
    let n = 500;
    for i in 0..n {
        let f = q!(open_rw(d, &format!("many/file.{i}"), wasi::OFLAGS_CREAT));
        q!(wasi::fd_close(f));
    }
    println!("created {n} files: ok");
    let fd = q!(open_dir(d, "many"));
    for buflen in [64usize, 100, 256, 4096] {
        let mut cookie = 0u64;
        let mut names = Vec::new();
        let mut calls = 0;
        loop {
            let mut b = vec![0u8; buflen];
            let used = q!(wasi::fd_readdir(fd, b.as_mut_ptr(), buflen, cookie));
            calls += 1;
            let ents = parse_dirents(&b[..used]);
            if ents.is_empty() {
                if used == buflen {
                    fail("no complete entry in a full buffer");
                }
                break;
            }
            cookie = ents.last().unwrap().next;
            names.extend(ents.into_iter().map(|e| e.name));
            if used < buflen || calls > 10_000 {
                break;
            }
        }
        let total = names.len();
        names.sort();
        names.dedup();
        check_eq!(format!("buffer {buflen}: entries seen"), total, n + 2);
        check_eq!(format!("buffer {buflen}: no duplicates"), names.len(), n + 2);
    }
    for i in 0..n {
        q!(wasi::path_unlink_file(d, &format!("many/file.{i}")));
    }
    check_eq!("all removed", list_names(d, "many"), Vec::<String>::new());
    done("fd_readdir_lots");
}
