//! Benchmark guest. Runs one workload per argument pair and prints a
//! verifiable result (counts and FNV-1a checksums), never timings — time
//! it from the host.
//!
//!   small N  N unbuffered 16-byte fd_write calls to a file, then N 16-byte
//!            fd_read calls reading it back
//!   big M    M MiB written in 64 KiB chunks, then read back in 64 KiB chunks
//!   meta K   K files created, each stat'ed, the directory listed, all removed
//!   clock N  N clock_time_get(MONOTONIC) calls
//!   seek N   N seek + 8-byte writes at scattered offsets in a 1 MiB file
//!   print N  N lines to stdout (one fd_write per line)
//!
//! Files go in the preopened directory named "/work" if there is one,
//! otherwise in the first preopened directory. Example:
//!   bench small 10000 big 16 meta 1000 clock 100000 seek 10000 print 1000
use guest::*;
use std::io::Write;

const FNV_OFFSET: u64 = 0xcbf29ce484222325;
const FNV_PRIME: u64 = 0x100000001b3;

fn fnv(mut h: u64, data: &[u8]) -> u64 {
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

fn work_dir() -> wasi::Fd {
    let all = preopens();
    if let Some((fd, _)) = all.iter().find(|(_, n)| n == "/work") {
        return *fd;
    }
    match all.first() {
        Some((fd, _)) => *fd,
        None => fail("bench: no preopened directory"),
    }
}

fn write1(fd: wasi::Fd, data: &[u8]) {
    let n = q!(wasi::fd_write(fd, &[wasi::Ciovec { buf: data.as_ptr(), buf_len: data.len() }]));
    if n != data.len() {
        write_all(fd, &data[n..]);
    }
}

fn read_exact(fd: wasi::Fd, buf: &mut [u8]) {
    let mut off = 0;
    while off < buf.len() {
        let n = q!(wasi::fd_read(fd, &[wasi::Iovec { buf: buf[off..].as_mut_ptr(), buf_len: buf.len() - off }]));
        if n == 0 {
            fail("bench: unexpected EOF");
        }
        off += n;
    }
}

fn record(i: u64) -> [u8; 16] {
    let mut r = [0u8; 16];
    r[..8].copy_from_slice(&i.to_le_bytes());
    r[8..].copy_from_slice(&(i.wrapping_mul(0x9e3779b97f4a7c15)).to_le_bytes());
    r
}

fn small(d: wasi::Fd, n: u64) {
    let f = create_file(d, "bench-small.bin");
    let mut hw = FNV_OFFSET;
    for i in 0..n {
        let r = record(i);
        hw = fnv(hw, &r);
        write1(f, &r);
    }
    q!(wasi::fd_seek(f, 0, wasi::WHENCE_SET));
    let mut hr = FNV_OFFSET;
    let mut r = [0u8; 16];
    for _ in 0..n {
        read_exact(f, &mut r);
        hr = fnv(hr, &r);
    }
    q!(wasi::fd_close(f));
    q!(wasi::path_unlink_file(d, "bench-small.bin"));
    if hr != hw {
        fail("bench small: read-back checksum differs");
    }
    println!("small {n}: {} writes, {} reads, {} bytes, fnv {hr:016x}", n, n, n * 16);
}

fn big(d: wasi::Fd, mib: u64) {
    let f = create_file(d, "bench-big.bin");
    let mut chunk = vec![0u8; 64 * 1024];
    let chunks = mib * 16;
    let mut hw = FNV_OFFSET;
    for c in 0..chunks {
        for (j, b) in chunk.iter_mut().enumerate() {
            *b = (c as usize * 31 + j * 7) as u8;
        }
        hw = fnv(hw, &chunk);
        write_all(f, &chunk);
    }
    q!(wasi::fd_seek(f, 0, wasi::WHENCE_SET));
    let mut hr = FNV_OFFSET;
    for _ in 0..chunks {
        read_exact(f, &mut chunk);
        hr = fnv(hr, &chunk);
    }
    let size = q!(wasi::fd_filestat_get(f)).size;
    q!(wasi::fd_close(f));
    q!(wasi::path_unlink_file(d, "bench-big.bin"));
    if hr != hw || size != mib << 20 {
        fail("bench big: read-back mismatch");
    }
    println!("big {mib}: {chunks} chunks of 64 KiB, {size} bytes, fnv {hr:016x}");
}

fn meta(d: wasi::Fd, k: u64) {
    let _ = unsafe { wasi::path_create_directory(d, "bench-meta") };
    for i in 0..k {
        let f = q!(open_rw(d, &format!("bench-meta/f{i}"), wasi::OFLAGS_CREAT | wasi::OFLAGS_TRUNC));
        write1(f, &i.to_le_bytes()[..(i % 8) as usize + 1]);
        q!(wasi::fd_close(f));
    }
    let mut total = 0u64;
    for i in 0..k {
        total += q!(wasi::path_filestat_get(d, 0, &format!("bench-meta/f{i}"))).size;
    }
    let listed = list_names(d, "bench-meta").len();
    for i in 0..k {
        q!(wasi::path_unlink_file(d, &format!("bench-meta/f{i}")));
    }
    q!(wasi::path_remove_directory(d, "bench-meta"));
    if listed as u64 != k {
        fail(&format!("bench meta: listed {listed}, expected {k}"));
    }
    println!("meta {k}: {k} created, {k} stat'ed ({total} bytes), {listed} listed, {k} removed");
}

fn clock(n: u64) {
    let mut prev = 0u64;
    let mut backwards = 0u64;
    for _ in 0..n {
        let t = q!(wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1));
        if t < prev {
            backwards += 1;
        }
        prev = t;
    }
    if backwards != 0 {
        fail("bench clock: monotonic clock went backwards");
    }
    println!("clock {n}: {n} calls, monotonic");
}

fn seek(d: wasi::Fd, n: u64) {
    const SIZE: u64 = 1 << 20;
    let f = create_file(d, "bench-seek.bin");
    q!(wasi::fd_filestat_set_size(f, SIZE));
    for i in 0..n {
        let off = (i.wrapping_mul(7919 * 8)) % (SIZE - 8);
        q!(wasi::fd_seek(f, off as i64, wasi::WHENCE_SET));
        write1(f, &i.to_le_bytes());
    }
    q!(wasi::fd_seek(f, 0, wasi::WHENCE_SET));
    let mut buf = vec![0u8; SIZE as usize];
    read_exact(f, &mut buf);
    let size = q!(wasi::fd_filestat_get(f)).size;
    q!(wasi::fd_close(f));
    q!(wasi::path_unlink_file(d, "bench-seek.bin"));
    println!("seek {n}: {n} seek+write, size {size}, fnv {:016x}", fnv(FNV_OFFSET, &buf));
}

fn print(n: u64) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut h = FNV_OFFSET;
    for i in 0..n {
        let line = format!("line {i} of {n}\n");
        h = fnv(h, line.as_bytes());
        out.write_all(line.as_bytes()).unwrap();
    }
    out.flush().unwrap();
    println!("print {n}: {n} lines, fnv {h:016x}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args.len() % 2 != 0 {
        eprintln!("usage: bench (small N | big MIB | meta K | clock N | seek N | print N)...");
        std::process::exit(2);
    }
    let mut dir = None;
    let mut d = || *dir.get_or_insert_with(work_dir);
    for pair in args.chunks(2) {
        let n: u64 = match pair[1].parse() {
            Ok(n) => n,
            Err(_) => fail(&format!("bench: bad count {:?}", pair[1])),
        };
        match pair[0].as_str() {
            "small" => small(d(), n),
            "big" => big(d(), n),
            "meta" => meta(d(), n),
            "clock" => clock(n),
            "seek" => seek(d(), n),
            "print" => print(n),
            w => fail(&format!("bench: unknown workload {w:?}")),
        }
    }
}
