//! The legacy `wasi_unstable` (preview 0) module: same functions, but
//! whence values are CUR=0 END=1 SET=2, filestat has a 32-bit nlink
//! (56 bytes), and clock subscriptions carry an extra `identifier` field
//! (56-byte subscriptions). Raw imports throughout.
use guest::*;

#[link(wasm_import_module = "wasi_unstable")]
extern "C" {
    fn args_sizes_get(argc: *mut u32, size: *mut u32) -> u16;
    fn fd_write(fd: u32, iovs: *const u32, n: u32, nwritten: *mut u32) -> u16;
    fn fd_read(fd: u32, iovs: *const u32, n: u32, nread: *mut u32) -> u16;
    fn fd_seek(fd: u32, offset: i64, whence: u8, newoffset: *mut u64) -> u16;
    fn fd_tell(fd: u32, offset: *mut u64) -> u16;
    fn fd_prestat_get(fd: u32, out: *mut u32) -> u16;
    fn path_open(fd: u32, dirflags: u32, path: *const u8, len: u32, oflags: u32, base: u64, inh: u64, fdflags: u32, out: *mut u32) -> u16;
    fn fd_filestat_get(fd: u32, out: *mut u8) -> u16;
    fn path_filestat_get(fd: u32, flags: u32, path: *const u8, len: u32, out: *mut u8) -> u16;
    fn path_link(ofd: u32, oflags: u32, op: *const u8, ol: u32, nfd: u32, np: *const u8, nl: u32) -> u16;
    fn poll_oneoff(subs: *const u8, events: *mut u8, n: u32, nevents: *mut u32) -> u16;
    fn clock_time_get(id: u32, precision: u64, out: *mut u64) -> u16;
    fn fd_close(fd: u32) -> u16;
    fn path_unlink_file(fd: u32, path: *const u8, len: u32) -> u16;
}

/// Byte buffers for ABI structs, aligned as the ABI requires (a host may
/// refuse a misaligned pointer: wasmtime traps, wasi-web says EFAULT).
#[repr(C, align(8))]
struct Aligned<const N: usize>([u8; N]);

fn e(label: &str, code: u16) {
    if code != 0 {
        fail(&format!("{label}: errno {code}"));
    }
    println!("{label}: ok");
}

fn main() {
    unsafe {
        let (mut argc, mut size) = (0u32, 0u32);
        e("args_sizes_get", args_sizes_get(&mut argc, &mut size));
        check_eq!("argc", argc, 2);
        let msg = b"hello from wasi_unstable\n";
        let iov = [msg.as_ptr() as u32, msg.len() as u32];
        let mut n = 0u32;
        e("fd_write stdout", fd_write(1, iov.as_ptr(), 1, &mut n));
        check_eq!("fd_write count", n, msg.len() as u32);

        // Find the preopen (fd 3) and create a file.
        let mut pre = [0u32; 2];
        e("fd_prestat_get 3", fd_prestat_get(3, pre.as_mut_ptr()));
        let name = b"u.txt";
        let mut fd = 0u32;
        e("path_open CREAT|TRUNC", path_open(3, 0, name.as_ptr(), 5, 1 | 8, FILE_RW, 0, 0, &mut fd));
        let data = b"0123456789";
        let iov = [data.as_ptr() as u32, 10];
        e("fd_write file", fd_write(fd, iov.as_ptr(), 1, &mut n));
        let mut pos = 0u64;
        e("fd_seek whence 2 (SET) to 3", fd_seek(fd, 3, 2, &mut pos));
        check_eq!("SET position", pos, 3);
        e("fd_seek whence 0 (CUR) +2", fd_seek(fd, 2, 0, &mut pos));
        check_eq!("CUR position", pos, 5);
        e("fd_seek whence 1 (END) -1", fd_seek(fd, -1, 1, &mut pos));
        check_eq!("END position", pos, 9);
        e("fd_tell", fd_tell(fd, &mut pos));
        check_eq!("tell", pos, 9);
        let mut b = [0u8; 4];
        let iov = [b.as_mut_ptr() as u32, 4];
        e("fd_read", fd_read(fd, iov.as_ptr(), 1, &mut n));
        check_eq!("read after END seek", &b[..n as usize], b"9");

        // Filestat layout: dev u64, ino u64, filetype u8, nlink u32 @20,
        // size u64 @24, atim @32, mtim @40, ctim @48; 56 bytes total.
        let link = b"u2.txt";
        e("path_link", path_link(3, 0, name.as_ptr(), 5, 3, link.as_ptr(), 6));
        let mut st = Aligned([0xEEu8; 64]);
        let st = &mut st.0;
        e("fd_filestat_get", fd_filestat_get(fd, st.as_mut_ptr()));
        check_eq!("filetype at 16", st[16], 4);
        check_eq!("nlink (u32) at 20", u32::from_le_bytes(st[20..24].try_into().unwrap()), 2);
        check_eq!("size at 24", u64::from_le_bytes(st[24..32].try_into().unwrap()), 10);
        check_eq!("nothing written past 56 bytes", &st[56..], &[0xEEu8; 8]);
        let mut st2 = Aligned([0u8; 56]);
        let st2 = &mut st2.0;
        e("path_filestat_get", path_filestat_get(3, 0, link.as_ptr(), 6, st2.as_mut_ptr()));
        check_eq!("same dev/ino via path", &st2[..16], &st[..16]);
        check_eq!("size via path", u64::from_le_bytes(st2[24..32].try_into().unwrap()), 10);

        // poll_oneoff with a 56-byte clock subscription:
        // userdata u64 @0, tag u8 @8, identifier u64 @16, clock_id u32 @24,
        // timeout u64 @32, precision u64 @40, flags u16 @48.
        let mut sub = Aligned([0u8; 56]);
        let sub = &mut sub.0;
        sub[0..8].copy_from_slice(&0x1234u64.to_le_bytes());
        sub[8] = 0; // clock
        sub[16..24].copy_from_slice(&77u64.to_le_bytes());
        sub[24..28].copy_from_slice(&1u32.to_le_bytes()); // monotonic
        sub[32..40].copy_from_slice(&5_000_000u64.to_le_bytes());
        let mut t0 = 0u64;
        e("clock_time_get", clock_time_get(1, 0, &mut t0));
        let mut ev = Aligned([0u8; 32]);
        let ev = &mut ev.0;
        let mut nev = 0u32;
        e("poll_oneoff clock", poll_oneoff(sub.as_ptr(), ev.as_mut_ptr(), 1, &mut nev));
        let mut t1 = 0u64;
        e("clock_time_get again", clock_time_get(1, 0, &mut t1));
        check_eq!("one event", nev, 1);
        check_eq!("event userdata", u64::from_le_bytes(ev[0..8].try_into().unwrap()), 0x1234);
        check_eq!("event error and type", (u16::from_le_bytes([ev[8], ev[9]]), ev[10]), (0, 0));
        check!("waited 5ms", t1 - t0 >= 5_000_000);

        e("fd_close", fd_close(fd));
        check_eq!("fd_close again is EBADF (8)", fd_close(fd), 8);
        e("unlink", path_unlink_file(3, name.as_ptr(), 5));
        e("unlink link", path_unlink_file(3, link.as_ptr(), 6));
    }
    done("wasi_unstable");
}
