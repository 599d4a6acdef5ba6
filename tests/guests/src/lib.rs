//! Shared helpers for the wasi-web conformance guests.
//!
//! Every check prints exactly one line on stdout (`<label>: ok` or
//! `<label>: <ERRNO> ok`). A mismatch prints `FAIL: ...` on stdout and stderr
//! and exits with code 1, so both the stdout comparison and the exit code
//! catch it.

pub use wasi;
use wasi::{Errno, Fd, Filetype};

/// Raw preview1 imports (i32 arguments), for wild pointers, invalid UTF-8, ...
pub use wasi::wasi_snapshot_preview1 as raw;

pub fn fail(msg: &str) -> ! {
    println!("FAIL: {msg}");
    eprintln!("FAIL: {msg}");
    std::process::exit(1);
}

/// Name of an errno, safe for unknown values.
pub fn ename(e: Errno) -> String {
    if e.raw() <= 76 {
        e.name().to_string()
    } else {
        format!("ERRNO_{}", e.raw())
    }
}

/// Name of a filetype, safe for unknown values.
pub fn ftname(t: Filetype) -> String {
    if t.raw() <= 7 {
        t.name().to_string()
    } else {
        format!("FILETYPE_{}", t.raw())
    }
}

/// Expect success; prints `<label>: ok` and yields the value.
#[macro_export]
macro_rules! ok {
    ($label:expr, $e:expr) => {{
        #[allow(unused_unsafe)]
        match unsafe { $e } {
            Ok(v) => {
                println!("{}: ok", $label);
                v
            }
            Err(err) => $crate::fail(&format!(
                "{}: expected success, got {}",
                $label,
                $crate::ename(err)
            )),
        }
    }};
}

/// Expect success silently (setup steps); yields the value.
#[macro_export]
macro_rules! q {
    ($e:expr) => {{
        #[allow(unused_unsafe)]
        match unsafe { $e } {
            Ok(v) => v,
            Err(err) => $crate::fail(&format!(
                "setup `{}` at line {}: got {}",
                stringify!($e),
                line!(),
                $crate::ename(err)
            )),
        }
    }};
}

/// Expect a specific errno; prints `<label>: <ERRNO> ok`.
#[macro_export]
macro_rules! err {
    ($label:expr, $e:expr, $want:expr) => {{
        #[allow(unused_unsafe)]
        match unsafe { $e } {
            Ok(_) => $crate::fail(&format!(
                "{}: expected {}, got success",
                $label,
                $crate::ename($want)
            )),
            Err(got) if got == $want => println!("{}: {} ok", $label, $crate::ename($want)),
            Err(got) => $crate::fail(&format!(
                "{}: expected {}, got {}",
                $label,
                $crate::ename($want),
                $crate::ename(got)
            )),
        }
    }};
}

/// Expect a raw errno return value (from the `raw` imports).
#[macro_export]
macro_rules! raw_err {
    ($label:expr, $e:expr, $want:expr) => {{
        #[allow(unused_unsafe)]
        let got = unsafe { $e };
        let want: $crate::wasi::Errno = $want;
        if got == want.raw() as i32 {
            println!("{}: {} ok", $label, $crate::ename(want));
        } else {
            $crate::fail(&format!(
                "{}: expected {}, got {}",
                $label,
                $crate::ename(want),
                if got == 0 {
                    "success".to_string()
                } else {
                    $crate::ename_raw(got)
                }
            ));
        }
    }};
}

pub fn ename_raw(v: i32) -> String {
    if (0..=76).contains(&v) {
        ename(errno_from_raw(v as u16))
    } else {
        format!("ERRNO_{v}")
    }
}

fn errno_from_raw(v: u16) -> Errno {
    // Errno has no public constructor; transmute the repr(transparent) u16.
    unsafe { std::mem::transmute::<u16, Errno>(v) }
}

/// A boolean check; prints `<label>: ok`.
#[macro_export]
macro_rules! check {
    ($label:expr, $cond:expr) => {{
        if $cond {
            println!("{}: ok", $label);
        } else {
            $crate::fail(&format!("{}: condition `{}` false", $label, stringify!($cond)));
        }
    }};
}

/// An equality check; prints `<label>: ok`.
#[macro_export]
macro_rules! check_eq {
    ($label:expr, $got:expr, $want:expr) => {{
        let got = &$got;
        let want = &$want;
        if *got == *want {
            println!("{}: ok", $label);
        } else {
            $crate::fail(&format!("{}: expected {:?}, got {:?}", $label, want, got));
        }
    }};
}

pub const RIGHTS_ALL: u64 = (1 << 30) - 1;

/// Rights used for ordinary files opened read+write.
pub const FILE_RW: u64 = wasi::RIGHTS_FD_READ
    | wasi::RIGHTS_FD_WRITE
    | wasi::RIGHTS_FD_SEEK
    | wasi::RIGHTS_FD_TELL
    | wasi::RIGHTS_FD_FILESTAT_GET
    | wasi::RIGHTS_FD_FILESTAT_SET_SIZE
    | wasi::RIGHTS_FD_FILESTAT_SET_TIMES
    | wasi::RIGHTS_FD_ADVISE
    | wasi::RIGHTS_FD_ALLOCATE
    | wasi::RIGHTS_FD_DATASYNC
    | wasi::RIGHTS_FD_SYNC
    | wasi::RIGHTS_FD_FDSTAT_SET_FLAGS
    | wasi::RIGHTS_POLL_FD_READWRITE;

/// Find the preopened directory with the given guest name.
pub fn preopen(name: &str) -> Fd {
    for (fd, n) in preopens() {
        if n == name {
            return fd;
        }
    }
    fail(&format!("no preopen named {name:?}"));
}

/// All preopened directories, in fd order.
pub fn preopens() -> Vec<(Fd, String)> {
    let mut out = Vec::new();
    let mut fd: Fd = 3;
    loop {
        let st = match unsafe { wasi::fd_prestat_get(fd) } {
            Ok(st) => st,
            Err(wasi::ERRNO_BADF) => break,
            Err(_) => {
                fd += 1;
                continue;
            }
        };
        if st.tag == wasi::PREOPENTYPE_DIR.raw() {
            let len = unsafe { st.u.dir.pr_name_len };
            let mut buf = vec![0u8; len];
            q!(wasi::fd_prestat_dir_name(fd, buf.as_mut_ptr(), len));
            out.push((fd, String::from_utf8_lossy(&buf).into_owned()));
        }
        fd += 1;
    }
    out
}

/// The first preopen, or the one named by the first argument after argv[0]
/// when that argument is given as `--dir=NAME`.
pub fn test_dir() -> Fd {
    for a in std::env::args().skip(1) {
        if let Some(n) = a.strip_prefix("--dir=") {
            return preopen(n);
        }
    }
    match preopens().first() {
        Some((fd, _)) => *fd,
        None => fail("no preopened directory"),
    }
}

pub fn open_rw(dir: Fd, path: &str, oflags: wasi::Oflags) -> Result<Fd, Errno> {
    unsafe { wasi::path_open(dir, 0, path, oflags, FILE_RW, 0, 0) }
}

/// Create (or truncate) a file and return an fd open read+write.
pub fn create_file(dir: Fd, path: &str) -> Fd {
    match open_rw(dir, path, wasi::OFLAGS_CREAT | wasi::OFLAGS_TRUNC) {
        Ok(fd) => fd,
        Err(e) => fail(&format!("create {path:?}: {}", ename(e))),
    }
}

/// Create a file with the given contents (closed afterwards).
pub fn write_file(dir: Fd, path: &str, data: &[u8]) {
    let fd = create_file(dir, path);
    write_all(fd, data);
    q!(wasi::fd_close(fd));
}

/// Rights that imply write access; wasmtime refuses to open a directory
/// with any of them (EISDIR).
pub const WRITE_RIGHTS: u64 = wasi::RIGHTS_FD_WRITE
    | wasi::RIGHTS_FD_DATASYNC
    | wasi::RIGHTS_FD_ALLOCATE
    | wasi::RIGHTS_FD_FILESTAT_SET_SIZE;

/// Base rights for opening a directory.
pub const DIR_RIGHTS: u64 = RIGHTS_ALL & !WRITE_RIGHTS;

pub fn open_dir(dir: Fd, path: &str) -> Result<Fd, Errno> {
    unsafe {
        wasi::path_open(
            dir,
            wasi::LOOKUPFLAGS_SYMLINK_FOLLOW,
            path,
            wasi::OFLAGS_DIRECTORY,
            DIR_RIGHTS,
            RIGHTS_ALL,
            0,
        )
    }
}

pub fn write_all(fd: Fd, mut data: &[u8]) {
    while !data.is_empty() {
        let iov = wasi::Ciovec { buf: data.as_ptr(), buf_len: data.len() };
        let n = q!(wasi::fd_write(fd, &[iov]));
        if n == 0 {
            fail("fd_write wrote 0 bytes");
        }
        data = &data[n..];
    }
}

pub fn read_n(fd: Fd, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    let iov = wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: n };
    let got = q!(wasi::fd_read(fd, &[iov]));
    buf.truncate(got);
    buf
}

pub fn read_to_end(fd: Fd) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let chunk = read_n(fd, 4096);
        if chunk.is_empty() {
            return out;
        }
        out.extend_from_slice(&chunk);
    }
}

pub fn read_file(dir: Fd, path: &str) -> Vec<u8> {
    let fd = q!(wasi::path_open(dir, 0, path, 0, FILE_RW, 0, 0));
    let v = read_to_end(fd);
    q!(wasi::fd_close(fd));
    v
}

pub fn exists(dir: Fd, path: &str) -> bool {
    unsafe { wasi::path_filestat_get(dir, 0, path).is_ok() }
}

/// One parsed directory entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub next: u64,
    pub ino: u64,
    pub name: String,
    pub ty: u8,
}

/// Parse a fd_readdir buffer (only complete entries).
pub fn parse_dirents(buf: &[u8]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 24 <= buf.len() {
        let next = u64::from_le_bytes(buf[i..i + 8].try_into().unwrap());
        let ino = u64::from_le_bytes(buf[i + 8..i + 16].try_into().unwrap());
        let namlen = u32::from_le_bytes(buf[i + 16..i + 20].try_into().unwrap()) as usize;
        let ty = buf[i + 20];
        if i + 24 + namlen > buf.len() {
            break;
        }
        let name = String::from_utf8_lossy(&buf[i + 24..i + 24 + namlen]).into_owned();
        out.push(Entry { next, ino, name, ty });
        i += 24 + namlen;
    }
    out
}

/// All entries of a directory fd, read with a large buffer from cookie 0.
pub fn readdir_all(fd: Fd) -> Vec<Entry> {
    let mut cookie = 0u64;
    let mut out = Vec::new();
    loop {
        let mut buf = vec![0u8; 4096];
        let n = q!(wasi::fd_readdir(fd, buf.as_mut_ptr(), buf.len(), cookie));
        let ents = parse_dirents(&buf[..n]);
        let full = n == buf.len();
        if ents.is_empty() {
            if full {
                fail("readdir: entry larger than 4096 bytes");
            }
            return out;
        }
        cookie = ents.last().unwrap().next;
        out.extend(ents);
        if !full {
            return out;
        }
    }
}

/// Sorted names in a directory, without "." and "..".
pub fn list_names(dir: Fd, path: &str) -> Vec<String> {
    let fd = q!(open_dir(dir, path));
    let mut names: Vec<String> = readdir_all(fd)
        .into_iter()
        .map(|e| e.name)
        .filter(|n| n != "." && n != "..")
        .collect();
    q!(wasi::fd_close(fd));
    names.sort();
    names
}

/// Remove a directory tree (best effort, used for cleanup).
pub fn remove_tree(dir: Fd, path: &str) {
    let st = match unsafe { wasi::path_filestat_get(dir, 0, path) } {
        Ok(st) => st,
        Err(_) => return,
    };
    if st.filetype == wasi::FILETYPE_DIRECTORY {
        for n in list_names(dir, path) {
            remove_tree(dir, &format!("{path}/{n}"));
        }
        let _ = unsafe { wasi::path_remove_directory(dir, path) };
    } else {
        let _ = unsafe { wasi::path_unlink_file(dir, path) };
    }
}

/// Print the final line of a successful test.
pub fn done(name: &str) {
    println!("{name}: all checks passed");
}

/// A clock subscription.
pub fn sub_clock(userdata: u64, id: wasi::Clockid, timeout: u64, flags: wasi::Subclockflags) -> wasi::Subscription {
    wasi::Subscription {
        userdata,
        u: wasi::SubscriptionU {
            tag: wasi::EVENTTYPE_CLOCK.raw(),
            u: wasi::SubscriptionUU {
                clock: wasi::SubscriptionClock { id, timeout, precision: 0, flags },
            },
        },
    }
}

/// An fd_read / fd_write subscription.
pub fn sub_fd(userdata: u64, fd: Fd, write: bool) -> wasi::Subscription {
    let rw = wasi::SubscriptionFdReadwrite { file_descriptor: fd };
    wasi::Subscription {
        userdata,
        u: if write {
            wasi::SubscriptionU { tag: wasi::EVENTTYPE_FD_WRITE.raw(), u: wasi::SubscriptionUU { fd_write: rw } }
        } else {
            wasi::SubscriptionU { tag: wasi::EVENTTYPE_FD_READ.raw(), u: wasi::SubscriptionUU { fd_read: rw } }
        },
    }
}

/// poll_oneoff over a slice of subscriptions; returns the events.
pub fn poll(subs: &[wasi::Subscription]) -> Result<Vec<wasi::Event>, Errno> {
    let mut ev: Vec<wasi::Event> = vec![unsafe { std::mem::zeroed() }; subs.len().max(1)];
    let n = unsafe { wasi::poll_oneoff(subs.as_ptr(), ev.as_mut_ptr(), subs.len())? };
    if n > subs.len() {
        fail(&format!("poll_oneoff returned {n} events for {} subscriptions", subs.len()));
    }
    ev.truncate(n);
    Ok(ev)
}

pub fn monotonic() -> u64 {
    q!(wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 0))
}

pub fn realtime() -> u64 {
    q!(wasi::clock_time_get(wasi::CLOCKID_REALTIME, 0))
}
