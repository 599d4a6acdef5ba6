//! Benchmark guest for wasi-web. One workload per run:
//!
//!   bench-guest small N   N unbuffered 16-byte fd_writes to a file, then N 16-byte reads
//!   bench-guest big M     M MiB written in 64 KiB chunks, then read back in 64 KiB chunks
//!   bench-guest meta K    K files created, each stat'ed, the directory listed, all removed
//!   bench-guest clock N   N clock_time_get(MONOTONIC) calls via Instant::now()
//!   bench-guest seek N    N seek + 8-byte writes at scattered offsets in a 1 MiB file
//!   bench-guest print N   N lines to stdout (one fd_write each: stdout is line-buffered)
//!
//! Everything happens under the preopened directory given by $BENCH_DIR
//! (default "/work"). Each run prints one deterministic summary line with a
//! checksum or count and `verify=ok` when the data read back is what was
//! written; it never prints a timing. Exit code 1 on a verification failure.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::process::exit;
use std::time::Instant;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Cheap word checksum for big buffers: the guest's own CPU time must stay
/// small next to the host's copying.
fn word_sum(bytes: &[u8]) -> u64 {
    let mut s = 0u64;
    for w in bytes.chunks_exact(8) {
        s = s.wrapping_add(u64::from_le_bytes(w.try_into().unwrap()));
    }
    s
}

fn record16(i: u64) -> [u8; 16] {
    let mut r = [0u8; 16];
    r[..8].copy_from_slice(&i.to_le_bytes());
    r[8..].copy_from_slice(&i.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes());
    r
}

fn die(msg: String) -> ! {
    eprintln!("bench-guest: {msg}");
    exit(2)
}

fn check<T, E: std::fmt::Display>(r: Result<T, E>, what: &str) -> T {
    r.unwrap_or_else(|e| die(format!("{what}: {e}")))
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "FAILED"
    }
}

fn small(dir: &str, n: u64) -> bool {
    let path = format!("{dir}/small.bin");
    let mut f = check(File::create(&path), "create small.bin");
    for i in 0..n {
        check(f.write_all(&record16(i)), "write");
    }
    drop(f);
    let mut f = check(File::open(&path), "open small.bin");
    let mut h = FNV_OFFSET;
    let mut ok = true;
    let mut buf = [0u8; 16];
    for i in 0..n {
        check(f.read_exact(&mut buf), "read");
        ok &= buf == record16(i);
        h = fnv(h, &buf);
    }
    let size = check(f.metadata(), "fstat").len();
    ok &= size == 16 * n;
    drop(f);
    check(fs::remove_file(&path), "unlink small.bin");
    println!("small n={n} bytes={size} fnv={h:016x} verify={}", verdict(ok));
    ok
}

fn big(dir: &str, mib: u64) -> bool {
    const CHUNK: usize = 64 * 1024;
    let path = format!("{dir}/big.bin");
    let chunks = mib * 16;
    let mut buf = vec![0u8; CHUNK];
    for (j, b) in buf.iter_mut().enumerate() {
        *b = (j as u32).wrapping_mul(2_654_435_761).rotate_right(13) as u8;
    }
    let base = word_sum(&buf[8..]);
    let mut f = check(File::create(&path), "create big.bin");
    let mut expect = 0u64;
    for c in 0..chunks {
        buf[..8].copy_from_slice(&(c ^ 0x5555).to_le_bytes());
        check(f.write_all(&buf), "write");
        expect = (expect ^ base.wrapping_add(c ^ 0x5555)).wrapping_mul(FNV_PRIME);
    }
    drop(f);
    let mut f = check(File::open(&path), "open big.bin");
    let mut got = 0u64;
    let mut total = 0u64;
    let mut ok = true;
    for c in 0..chunks {
        check(f.read_exact(&mut buf), "read");
        total += CHUNK as u64;
        ok &= buf[..8] == (c ^ 0x5555).to_le_bytes();
        got = (got ^ word_sum(&buf)).wrapping_mul(FNV_PRIME);
    }
    ok &= check(f.read(&mut buf), "read at eof") == 0;
    ok &= got == expect;
    drop(f);
    check(fs::remove_file(&path), "unlink big.bin");
    println!("big mib={mib} bytes={total} sum={got:016x} verify={}", verdict(ok));
    ok
}

fn meta(dir: &str, k: u64) -> bool {
    let sub = format!("{dir}/meta");
    check(fs::create_dir(&sub), "mkdir meta");
    let mut ok = true;
    for i in 0..k {
        let mut f = check(File::create(format!("{sub}/file-{i:06}.txt")), "create");
        check(f.write_all(format!("{i}\n").as_bytes()), "write");
    }
    let mut sizes = 0u64;
    for i in 0..k {
        let m = check(fs::metadata(format!("{sub}/file-{i:06}.txt")), "stat");
        ok &= m.is_file() && m.len() == format!("{i}\n").len() as u64;
        sizes += m.len();
    }
    let mut listed = 0u64;
    let mut names = FNV_OFFSET;
    let mut all: Vec<String> = Vec::with_capacity(k as usize);
    for e in check(fs::read_dir(&sub), "readdir") {
        let e = check(e, "readdir entry");
        all.push(e.file_name().to_string_lossy().into_owned());
        listed += 1;
    }
    all.sort();
    for n in &all {
        names = fnv(names, n.as_bytes());
    }
    ok &= listed == k;
    for i in 0..k {
        check(fs::remove_file(format!("{sub}/file-{i:06}.txt")), "unlink");
    }
    check(fs::remove_dir(&sub), "rmdir meta");
    println!("meta k={k} listed={listed} sizes={sizes} names={names:016x} verify={}", verdict(ok));
    ok
}

fn clock(n: u64) -> bool {
    let mut prev = Instant::now();
    let mut monotonic = 0u64;
    for _ in 0..n {
        let now = Instant::now();
        if now >= prev {
            monotonic += 1;
        }
        prev = now;
    }
    let ok = monotonic == n;
    println!("clock n={n} monotonic={monotonic} verify={}", verdict(ok));
    ok
}

fn seek(dir: &str, n: u64) -> bool {
    const SIZE: u64 = 1 << 20;
    let path = format!("{dir}/seek.bin");
    let mut f = check(
        OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&path),
        "create seek.bin",
    );
    check(f.set_len(SIZE), "ftruncate");
    // Model of the file, to verify what the host kept.
    let mut model = vec![0u8; SIZE as usize];
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let off = x % (SIZE - 8);
        let word = (i ^ x).to_le_bytes();
        check(f.seek(SeekFrom::Start(off)), "seek");
        check(f.write_all(&word), "write");
        model[off as usize..off as usize + 8].copy_from_slice(&word);
    }
    check(f.seek(SeekFrom::Start(0)), "seek 0");
    let mut back = Vec::with_capacity(SIZE as usize);
    check(f.read_to_end(&mut back), "read back");
    let ok = back == model;
    let h = fnv(FNV_OFFSET, &back);
    drop(f);
    check(fs::remove_file(&path), "unlink seek.bin");
    println!("seek n={n} size={} fnv={h:016x} verify={}", back.len(), verdict(ok));
    ok
}

fn print(n: u64) -> bool {
    let mut h = FNV_OFFSET;
    for i in 0..n {
        let line = format!("line {i:08} {:016x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        h = fnv(h, line.as_bytes());
        println!("{line}");
    }
    println!("print n={n} fnv={h:016x} verify=ok");
    true
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        die(format!("usage: {} small|big|meta|clock|seek|print N", args.first().map_or("bench-guest", |s| s)));
    }
    let n: u64 = args[2].parse().unwrap_or_else(|_| die(format!("bad count {:?}", args[2])));
    let dir = std::env::var("BENCH_DIR").unwrap_or_else(|_| "/work".to_string());
    let ok = match args[1].as_str() {
        "small" => small(&dir, n),
        "big" => big(&dir, n),
        "meta" => meta(&dir, n),
        "clock" => clock(n),
        "seek" => seek(&dir, n),
        "print" => print(n),
        other => die(format!("unknown workload {other:?}")),
    };
    if !ok {
        exit(1);
    }
}
