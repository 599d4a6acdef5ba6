//! fd_readdir: "." and "..", entry types and inodes, cookies, short
//! buffers, and errors.
use guest::*;

fn readdir(fd: wasi::Fd, len: usize, cookie: u64) -> (usize, Vec<Entry>) {
    let mut b = vec![0u8; len.max(1)];
    let n = q!(wasi::fd_readdir(fd, b.as_mut_ptr(), len, cookie));
    if n > len {
        fail("bufused larger than buffer");
    }
    (n, parse_dirents(&b[..n]))
}

fn main() {
    let d = test_dir();
    q!(wasi::path_create_directory(d, "rd"));
    let fd = q!(open_dir(d, "rd"));
    let dst = q!(wasi::fd_filestat_get(fd));
    let (n, ents) = readdir(fd, 4096, 0);
    check!("empty dir: whole listing fits", n < 4096);
    let mut names: Vec<&str> = ents.iter().map(|e| e.name.as_str()).collect();
    names.sort();
    check_eq!("empty dir has . and ..", names, vec![".", ".."]);
    check!("both are directories", ents.iter().all(|e| e.ty == wasi::FILETYPE_DIRECTORY.raw()));
    let dot = ents.iter().find(|e| e.name == ".").unwrap();
    check_eq!(". has the directory's inode", dot.ino, dst.ino);

    write_file(d, "rd/file", b"abc");
    q!(wasi::path_create_directory(d, "rd/subdir"));
    q!(wasi::path_symlink("file", d, "rd/symlink"));
    let fst = q!(wasi::path_filestat_get(d, 0, "rd/file"));
    let ents = readdir_all(fd);
    check_eq!("5 entries", ents.len(), 5);
    let mut got: Vec<(String, u8)> = ents.iter().map(|e| (e.name.clone(), e.ty)).collect();
    got.sort();
    check_eq!(
        "names and types",
        got,
        vec![
            (".".to_string(), 3),
            ("..".to_string(), 3),
            ("file".to_string(), 4),
            ("subdir".to_string(), 3),
            ("symlink".to_string(), 7)
        ]
    );
    let fe = ents.iter().find(|e| e.name == "file").unwrap();
    check_eq!("file entry inode matches stat", fe.ino, fst.ino);
    let mut cookies: Vec<u64> = ents.iter().map(|e| e.next).collect();
    cookies.dedup();
    check_eq!("cookies are distinct", cookies.len(), 5);

    // Resuming from each entry's d_next yields exactly the remaining entries.
    for (i, e) in ents.iter().enumerate() {
        let (_, rest) = readdir(fd, 4096, e.next);
        let want: Vec<&str> = ents[i + 1..].iter().map(|e| e.name.as_str()).collect();
        let got: Vec<&str> = rest.iter().map(|e| e.name.as_str()).collect();
        if got != want {
            fail(&format!("resume after {:?}: got {got:?}, want {want:?}", e.name));
        }
    }
    println!("resume from every cookie: ok");
    let (n, _) = readdir(fd, 4096, ents.last().unwrap().next);
    check_eq!("cookie after the last entry gives nothing", n, 0);
    let (n, _) = readdir(fd, 4096, 1_000_000);
    check_eq!("cookie past the end gives nothing", n, 0);

    // Short buffers: the buffer is filled completely (the last entry
    // truncated) so the caller knows to retry with a bigger one.
    let (n, _) = readdir(fd, 10, 0);
    check_eq!("10-byte buffer filled", n, 10);
    let (n, part) = readdir(fd, 30, 0);
    check_eq!("30-byte buffer filled", n, 30);
    check_eq!("one whole entry fits in 30 bytes", part.len(), 1);
    let (n, _) = readdir(fd, 0, 0);
    check_eq!("zero-length buffer", n, 0);

    // Reading the same directory again is repeatable.
    let again: Vec<String> = readdir_all(fd).into_iter().map(|e| e.name).collect();
    let first: Vec<String> = ents.iter().map(|e| e.name.clone()).collect();
    check_eq!("same order on re-read", again, first);

    let f = q!(open_rw(d, "rd/file", 0));
    let mut b = [0u8; 64];
    err!("fd_readdir on a file", wasi::fd_readdir(f, b.as_mut_ptr(), 64, 0), wasi::ERRNO_BADF);
    err!("fd_readdir on stdin", wasi::fd_readdir(0, b.as_mut_ptr(), 64, 0), wasi::ERRNO_BADF);
    err!("fd_readdir invalid fd", wasi::fd_readdir(999, b.as_mut_ptr(), 64, 0), wasi::ERRNO_BADF);
    let pre: Vec<String> = list_names(d, ".");
    check_eq!("preopen listing", pre, vec!["hello.txt", "rd", "sub"]);
    done("fd_readdir");
}
