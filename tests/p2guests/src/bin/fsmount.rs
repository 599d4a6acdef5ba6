//! Files through std on WASI 0.2, for mounts (URL, OPFS) in async mode.
//! Commands (argv[1..]), each printing one line:
//!   read PATH [MAX]   reads PATH (at most MAX bytes, from the start):
//!                     "read PATH: N bytes, fnv1a XXXXXXXXXXXXXXXX"
//!   at PATH OFFSET N  reads N bytes at OFFSET (a seek, then read):
//!                     "at PATH OFFSET: N bytes, fnv1a ..."
//!   list DIR          "list DIR: name/ name2 ..." (sorted; "/" after a directory)
//!   stat PATH         "stat PATH: file|dir SIZE"
//!   stats PATH N      stats PATH N times: "stats PATH: N x SIZE"
//!   pread PATH OFF N  descriptor.read of N bytes at OFF (PATH relative to
//!                     the first preopen): "pread PATH OFF: N bytes, fnv1a ..."
//!   pwrite PATH OFF T descriptor.write of T at OFF: "pwrote PATH OFF: N bytes"
//!   splice SRC DST    appends SRC to DST by blocking-splice, 4 bytes at a
//!                     time (paths relative to the first preopen):
//!                     "spliced SRC DST: N bytes"
//!   write PATH TEXT   creates or replaces PATH with TEXT: "wrote PATH: N bytes"
//!   append PATH TEXT  appends TEXT: "appended PATH: N bytes"
//! An error prints "error CMD PATH: errno N" (wasi-libc's errno) and makes
//! the exit code 1.
use std::io::{Read, Seek, SeekFrom, Write};

fn fnv1a(data: &[u8], mut h: u64) -> u64 {
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Reads up to `max` bytes from `r` in 64 KiB pieces; returns (count, hash).
fn digest(r: &mut impl Read, max: u64) -> std::io::Result<(u64, u64)> {
    let mut buf = vec![0u8; 64 * 1024];
    let (mut n, mut h) = (0u64, FNV_START);
    while n < max {
        let want = (max - n).min(buf.len() as u64) as usize;
        let got = r.read(&mut buf[..want])?;
        if got == 0 {
            break;
        }
        h = fnv1a(&buf[..got], h);
        n += got as u64;
    }
    Ok((n, h))
}

fn run(cmd: &[String]) -> Result<String, (String, std::io::Error)> {
    let arg = |i: usize| cmd.get(i).map(String::as_str).unwrap_or("");
    let path = arg(1).to_string();
    let err = |e| (path.clone(), e);
    match arg(0) {
        "read" => {
            let max = arg(2).parse().unwrap_or(u64::MAX);
            let mut f = std::fs::File::open(&path).map_err(err)?;
            let (n, h) = digest(&mut f, max).map_err(err)?;
            Ok(format!("read {path}: {n} bytes, fnv1a {h:016x}"))
        }
        "at" => {
            let off: u64 = arg(2).parse().unwrap_or(0);
            let len: u64 = arg(3).parse().unwrap_or(0);
            let mut f = std::fs::File::open(&path).map_err(err)?;
            f.seek(SeekFrom::Start(off)).map_err(err)?;
            let (n, h) = digest(&mut f, len).map_err(err)?;
            Ok(format!("at {path} {off}: {n} bytes, fnv1a {h:016x}"))
        }
        "list" => {
            let mut names = Vec::new();
            for e in std::fs::read_dir(&path).map_err(err)? {
                let e = e.map_err(err)?;
                let dir = e.file_type().map_err(err)?.is_dir();
                names.push(format!("{}{}", e.file_name().to_string_lossy(), if dir { "/" } else { "" }));
            }
            names.sort();
            Ok(format!("list {path}: {}", names.join(" ")))
        }
        "stat" => {
            let m = std::fs::metadata(&path).map_err(err)?;
            let kind = if m.is_dir() { "dir" } else { "file" };
            Ok(format!("stat {path}: {kind} {}", m.len()))
        }
        "stats" => {
            // N stat calls (for measuring the cost of one).
            let n: u64 = arg(2).parse().unwrap_or(1);
            let mut size = 0;
            for _ in 0..n {
                size = std::fs::metadata(&path).map_err(err)?.len();
            }
            Ok(format!("stats {path}: {n} x {size}"))
        }
        "pread" | "pwrite" => {
            // descriptor.read / descriptor.write at an offset (the path is
            // relative to the first preopen): "pread PATH OFF: N bytes, fnv1a
            // ...", "pwrote PATH OFF: N bytes".
            use wasip2::filesystem::preopens::get_directories;
            use wasip2::filesystem::types::{DescriptorFlags, OpenFlags, PathFlags};
            let fail = |e: wasip2::filesystem::types::ErrorCode| (path.clone(), std::io::Error::other(format!("{e:?}")));
            let off: u64 = arg(2).parse().unwrap_or(0);
            let (dir, _) = get_directories().into_iter().next().expect("a preopen");
            let flags = if arg(0) == "pread" { DescriptorFlags::READ } else { DescriptorFlags::WRITE };
            let f = dir.open_at(PathFlags::empty(), &path, OpenFlags::empty(), flags).map_err(fail)?;
            if arg(0) == "pread" {
                let (data, _end) = f.read(arg(3).parse().unwrap_or(0), off).map_err(fail)?;
                Ok(format!("pread {path} {off}: {} bytes, fnv1a {:016x}", data.len(), fnv1a(&data, FNV_START)))
            } else {
                let n = f.write(arg(3).as_bytes(), off).map_err(fail)?;
                Ok(format!("pwrote {path} {off}: {n} bytes"))
            }
        }
        "splice" => {
            // Appends SRC to DST (both relative to the first preopen) with
            // output-stream.blocking-splice, 4 bytes at a time.
            use wasip2::filesystem::preopens::get_directories;
            use wasip2::filesystem::types::{DescriptorFlags, OpenFlags, PathFlags};
            use wasip2::io::streams::StreamError;
            let fail = |e: wasip2::filesystem::types::ErrorCode| (path.clone(), std::io::Error::other(format!("{e:?}")));
            let (dir, _) = get_directories().into_iter().next().expect("a preopen");
            let src = dir.open_at(PathFlags::empty(), &path, OpenFlags::empty(), DescriptorFlags::READ).map_err(fail)?;
            let dst = dir.open_at(PathFlags::empty(), arg(2), OpenFlags::empty(), DescriptorFlags::WRITE).map_err(fail)?;
            let input = src.read_via_stream(0).map_err(fail)?;
            let output = dst.append_via_stream().map_err(fail)?;
            let mut total = 0;
            loop {
                match output.blocking_splice(&input, 4) {
                    Ok(n) => total += n,
                    Err(StreamError::Closed) => break,
                    Err(StreamError::LastOperationFailed(e)) => {
                        return Err((path.clone(), std::io::Error::other(e.to_debug_string())));
                    }
                }
            }
            Ok(format!("spliced {path} {}: {total} bytes", arg(2)))
        }
        "write" => {
            std::fs::write(&path, arg(2)).map_err(err)?;
            Ok(format!("wrote {path}: {} bytes", arg(2).len()))
        }
        "append" => {
            let mut f = std::fs::OpenOptions::new().append(true).open(&path).map_err(err)?;
            f.write_all(arg(2).as_bytes()).map_err(err)?;
            Ok(format!("appended {path}: {} bytes", arg(2).len()))
        }
        other => Ok(format!("unknown command {other:?}")),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut code = 0;
    // Commands are separated by "--".
    for cmd in args.split(|a| a == "--") {
        match run(cmd) {
            Ok(line) => println!("{line}"),
            Err((path, e)) => {
                let errno = e.raw_os_error().unwrap_or(-1);
                println!("error {} {path}: errno {errno}", cmd[0]);
                code = 1;
            }
        }
    }
    std::process::exit(code);
}
