use super::*;
use crate::fs::{Limits, OpenOptions, SetTime, Walk};

fn snap(fs: &MemFs) -> Vec<u8> {
    let mut out = Vec::new();
    fs.snapshot(&mut out);
    let mut count = Count::default();
    fs.snapshot(&mut count);
    assert_eq!(
        count.0,
        out.len() as u64,
        "the counting pass sizes the archive"
    );
    out
}

fn restore(bytes: &[u8]) -> Result<MemFs, Error> {
    restore_with(bytes, Limits::default())
}

fn restore_with(bytes: &[u8], limits: Limits) -> Result<MemFs, Error> {
    let mut fs = MemFs::with_limits(limits);
    fs.restore(bytes)?;
    fs.check_invariants()
        .expect("a restored filesystem is consistent");
    Ok(fs)
}

fn w(fs: &MemFs) -> (Walk, Ino) {
    (fs.host_walk(), fs.root())
}

fn write(fs: &mut MemFs, path: &str, data: &[u8]) -> Ino {
    let (w, r) = w(fs);
    fs.write_file(w, r, path, data).unwrap()
}

/// Everything a snapshot promises to keep, by path, with hard links as
/// groups of paths (inode numbers differ after a restore).
fn describe(fs: &MemFs) -> Vec<String> {
    let mut out = Vec::new();
    let mut first: HashMap<Ino, String> = HashMap::new();
    let mut stack = vec![(String::from("/"), fs.root())];
    while let Some((path, ino)) = stack.pop() {
        let st = fs.stat(ino);
        let what = match fs.kind(ino) {
            Kind::Dir => {
                let mut names = fs.list(ino).unwrap();
                for n in names.iter().rev() {
                    let child = fs.child(ino, n).unwrap().unwrap();
                    let p = if path == "/" {
                        format!("/{n}")
                    } else {
                        format!("{path}/{n}")
                    };
                    stack.push((p, child));
                }
                names.insert(0, "dir".into());
                names.join(",")
            }
            Kind::File => {
                let data = fs.contents(ino).unwrap();
                format!(
                    "file {} {:?}",
                    data.len(),
                    crate::fs::snapshot::tests::digest(&data)
                )
            }
            Kind::Symlink => format!("symlink {}", fs.readlink_ino(ino).unwrap()),
        };
        let link = match first.get(&ino) {
            Some(p) => format!(" =link {p}"),
            None => {
                first.insert(ino, path.clone());
                String::new()
            }
        };
        out.push(format!(
            "{path}: {what} nlink={} a={} m={}{link}",
            st.nlink, st.atim, st.mtim
        ));
    }
    out
}

fn digest(data: &[u8]) -> u64 {
    // FNV-1a: enough to tell contents apart in a test.
    data.iter().fold(0xcbf29ce484222325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

fn sample() -> MemFs {
    let mut fs = MemFs::new();
    let (w, r) = w(&fs);
    fs.mkdir_all(w, r, "/a/b/c").unwrap();
    write(&mut fs, "/a/hello.txt", b"hello\n");
    write(&mut fs, "/empty", b"");
    let big = write(&mut fs, "/a/b/sparse", b"");
    fs.write(big, 5 << 20, b"far away").unwrap();
    fs.set_size(big, (6 << 20) + 3).unwrap();
    fs.symlink("hello.txt", w, r, "/a/link").unwrap();
    fs.symlink("../../nowhere", w, r, "/a/b/dangling").unwrap();
    fs.link((w, r, "/a/hello.txt"), false, (w, r, "/a/b/c/hard"))
        .unwrap();
    let long = "n".repeat(200);
    fs.mkdir(w, r, &format!("/a/{long}")).unwrap();
    write(&mut fs, &format!("/a/{long}/{long}"), b"long name");
    fs.symlink(&"t/".repeat(100), w, r, "/longlink").unwrap();
    write(&mut fs, "/ünïcödé ✓", b"\0\x01\x02");
    let f = fs.lookup(w, r, "/a/hello.txt", false).unwrap();
    fs.set_times(f, SetTime::At(1_234_567_890_123_456_789), SetTime::At(42));
    let d = fs.lookup(w, r, "/a/b", false).unwrap();
    fs.set_times(d, SetTime::At(7), SetTime::At(1_700_000_000_999_999_999));
    fs
}

#[test]
fn round_trip_keeps_everything() {
    let fs = sample();
    let bytes = snap(&fs);
    assert_eq!(bytes.len() % 512, 0);
    let back = restore(&bytes).unwrap();
    assert_eq!(describe(&back), describe(&fs));
    // The same tree gives the same archive.
    assert_eq!(snap(&back), bytes);
    // Hard links share the inode; the sparse file stays sparse.
    let (w, r) = (back.host_walk(), back.root());
    let a = back.lookup(w, r, "/a/hello.txt", false).unwrap();
    let b = back.lookup(w, r, "/a/b/c/hard", false).unwrap();
    assert_eq!(a, b);
    assert_eq!(back.stat(a).nlink, 2);
    assert!(
        back.usage().1 < 1 << 20,
        "holes are not stored: {}",
        back.usage().1
    );
}

#[test]
fn empty_filesystem() {
    let fs = MemFs::new();
    let back = restore(&snap(&fs)).unwrap();
    assert_eq!(describe(&back), describe(&fs));
    assert_eq!(back.usage().0, 1);
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random tree: directories, files (dense, sparse, empty), symlinks
/// (inside, outside, dangling, absolute), hard links, renames, removals,
/// times.
fn random_tree(seed: u64) -> MemFs {
    let mut rng = Rng(seed.wrapping_mul(0x9E3779B97F4A7C15) | 1);
    let mut fs = MemFs::new();
    let (w, r) = w(&fs);
    let mut paths: Vec<String> = vec![String::new()];
    let names = [
        "a",
        "b",
        "ç",
        "long name with spaces",
        "x.txt",
        ".hidden",
        "...",
    ];
    for _ in 0..rng.below(60) + 5 {
        let dir = paths[rng.below(paths.len() as u64) as usize].clone();
        let mut name = names[rng.below(names.len() as u64) as usize].to_string();
        if rng.below(8) == 0 {
            name = "L".repeat(rng.below(255) as usize + 1);
        }
        let path = format!("{dir}/{name}");
        let ok = match rng.below(9) {
            0 | 1 => fs.mkdir(w, r, &path).is_ok(),
            2 | 3 => {
                let len = rng.below(3) * rng.below(70_000);
                let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
                fs.write_file(w, r, &path, &data).is_ok()
            }
            4 => {
                // Sparse: data far out, and maybe a hole at the end.
                let o = OpenOptions {
                    create: true,
                    write: true,
                    ..Default::default()
                };
                match fs.open(w, r, &path, o) {
                    Ok(ino) if fs.kind(ino) == Kind::File => {
                        let off = rng.below(1 << 19);
                        fs.write(ino, off, &[rng.next() as u8 | 1; 100]).unwrap();
                        if rng.below(2) == 0 {
                            fs.set_size(ino, off + 100 + rng.below(1 << 18)).unwrap();
                        }
                        true
                    }
                    _ => false,
                }
            }
            5 => {
                let targets = ["a", "../b", "/abs/x", "x.txt/..", "ç/ç", "self"];
                let t = targets[rng.below(targets.len() as u64) as usize];
                fs.symlink(t, w, r, &path).is_ok()
            }
            6 => {
                let from = paths[rng.below(paths.len() as u64) as usize].clone();
                !from.is_empty() && fs.link((w, r, &from), false, (w, r, &path)).is_ok()
            }
            7 => {
                let from = paths[rng.below(paths.len() as u64) as usize].clone();
                if !from.is_empty() && fs.rename((w, r, &from), (w, r, &path)).is_ok() {
                    paths.retain(|p| p != &from && !p.starts_with(&format!("{from}/")));
                    true
                } else {
                    false
                }
            }
            _ => {
                let victim = paths[rng.below(paths.len() as u64) as usize].clone();
                if !victim.is_empty() && fs.remove_all(w, r, &victim).is_ok() {
                    paths.retain(|p| p != &victim && !p.starts_with(&format!("{victim}/")));
                }
                false
            }
        };
        if ok {
            if let Ok(ino) = fs.lookup(w, r, &path, false) {
                let t = |rng: &mut Rng| SetTime::At(rng.below(u64::MAX / 2));
                let (a, m) = (t(&mut rng), t(&mut rng));
                fs.set_times(ino, a, m);
            }
            paths.push(path);
        }
    }
    fs
}

#[test]
fn fuzz_random_trees_round_trip() {
    for seed in 0..200 {
        let fs = random_tree(seed);
        fs.check_invariants().unwrap();
        let bytes = snap(&fs);
        let back = restore(&bytes).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(describe(&back), describe(&fs), "seed {seed}");
        assert_eq!(snap(&back), bytes, "seed {seed}: the archive of the copy");
    }
}

#[test]
fn fuzz_damaged_archives_never_panic() {
    let mut rng = Rng(99);
    for seed in 0..40 {
        let bytes = snap(&random_tree(seed));
        for _ in 0..25 {
            let mut b = bytes.clone();
            match rng.below(3) {
                0 => b.truncate(rng.below(b.len() as u64) as usize),
                1 => {
                    for _ in 0..rng.below(8) + 1 {
                        let i = rng.below(b.len() as u64) as usize;
                        b[i] = rng.next() as u8;
                    }
                }
                _ => {
                    // A header byte changed and its checksum fixed: past the checksum.
                    let blocks = b.len() / 512;
                    let at = rng.below(blocks as u64) as usize * 512;
                    let i = at + rng.below(512) as usize;
                    b[i] = rng.next() as u8;
                    fix_checksum(&mut b[at..at + 512]);
                }
            }
            // Either an error or a consistent filesystem (restore_with checks).
            let _ = restore_with(
                &b,
                Limits {
                    max_bytes: 8 << 20,
                    ..Limits::default()
                },
            );
        }
    }
}

fn fix_checksum(h: &mut [u8]) {
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|&x| x as u32).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

/// A hand-made archive: entries of (name, type, size field, link, data).
fn archive(entries: &[(&str, u8, u64, &str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, kind, size, link, data) in entries {
        out.extend_from_slice(&header(&Header {
            name,
            kind: *kind,
            mode: 0o644,
            size: *size,
            mtime_s: 0,
            link,
        }));
        out.extend_from_slice(data);
        pad(&mut out, data.len() as u64);
    }
    out.extend_from_slice(&[0; 1024]);
    out
}

fn refused(bytes: &[u8]) -> Error {
    match restore(bytes) {
        Ok(_) => panic!("restored a bad archive"),
        Err(e) => e,
    }
}

#[test]
fn truncated_archives_are_refused() {
    let bytes = snap(&sample());
    // Cut anywhere before the end marker: always an error, never a panic.
    let end = bytes.len() - 1024;
    for cut in (0..end).step_by(97).chain([end, end - 1, 511, 512, 513]) {
        let e = refused(&bytes[..cut]);
        assert_eq!(e.errno, Errno::Inval, "cut at {cut}: {e}");
        assert!(
            e.message.contains("truncated") || e.message.contains("checksum"),
            "{e}"
        );
    }
    assert!(refused(&[]).message.contains("end-of-archive"));
}

#[test]
fn huge_sizes_are_refused_before_allocating() {
    // A size field of 2^62 (base-256) in a 2-block archive.
    let mut a = archive(&[("f", b'0', 0, "", b"")]);
    a[124..136].fill(0);
    a[124] = 0x80;
    a[128] = 0x40;
    fix_checksum(&mut a[..512]);
    assert!(refused(&a).message.contains("truncated"));
    // A pax size of u64::MAX.
    let mut pax = Vec::new();
    pax_record(&mut pax, "size", &u64::MAX.to_string());
    let a = archive(&[
        ("p", b'x', pax.len() as u64, "", &pax),
        ("f", b'0', 0, "", b""),
    ]);
    assert!(refused(&a).message.contains("truncated"));
    // A metadata header too big to read.
    let big = vec![b'a'; (MAX_META + 1) as usize];
    let a = archive(&[("p", b'L', big.len() as u64, "", &big)]);
    assert!(refused(&a).message.contains("metadata"));
    // Within the archive, past maxBytes: ENOSPC, with at most that stored.
    let data = vec![1u8; 300_000];
    let a = archive(&[("f", b'0', data.len() as u64, "", &data)]);
    let e = restore_with(
        &a,
        Limits {
            max_bytes: 100_000,
            ..Limits::default()
        },
    )
    .err()
    .unwrap();
    assert_eq!(e.errno, Errno::Nospc, "{e}");
    let e = restore_with(
        &a,
        Limits {
            max_file_size: 1000,
            ..Limits::default()
        },
    )
    .err()
    .unwrap();
    assert_eq!(e.errno, Errno::Fbig, "{e}");
    let many: Vec<(String, u8, u64, &str, &[u8])> = (0..20)
        .map(|i| (format!("d{i}/"), b'5', 0, "", &b""[..]))
        .collect();
    let many: Vec<(&str, u8, u64, &str, &[u8])> = many
        .iter()
        .map(|(n, k, s, l, d)| (n.as_str(), *k, *s, *l, *d))
        .collect();
    let e = restore_with(
        &archive(&many),
        Limits {
            max_inodes: 10,
            ..Limits::default()
        },
    )
    .err()
    .unwrap();
    assert_eq!(e.errno, Errno::Nospc, "{e}");
}

#[test]
fn names_stay_inside_the_root() {
    for name in [
        "../escape",
        "a/../../escape",
        "/etc/passwd",
        "a/b/../../../x",
    ] {
        let e = refused(&archive(&[(name, b'0', 1, "", b"x")]));
        assert_eq!(e.errno, Errno::Inval, "{name}: {e}");
    }
    // Pax and GNU long names are checked the same way.
    let mut pax = Vec::new();
    pax_record(&mut pax, "path", "../../pax-escape");
    refused(&archive(&[
        ("p", b'x', pax.len() as u64, "", &pax),
        ("f", b'0', 0, "", b""),
    ]));
    refused(&archive(&[
        ("L", b'L', 5, "", b"/abs\0"),
        ("f", b'0', 0, "", b""),
    ]));
    // Nothing is made through a symlink (to / or to a directory inside) or a file.
    for target in ["/", "..", "d"] {
        let e = refused(&archive(&[
            ("d/", b'5', 0, "", b""),
            ("l", b'2', 0, target, b""),
            ("l/x", b'0', 1, "", b"x"),
        ]));
        assert!(e.message.contains("not a directory"), "{e}");
    }
    refused(&archive(&[
        ("f", b'0', 1, "", b"x"),
        ("f/x", b'0', 1, "", b"x"),
    ]));
    // A hard link may only name an earlier entry inside, never a directory, never itself.
    for (link, why) in [
        ("nowhere", "before it"),
        ("../x", "'..'"),
        ("d", "directory"),
        ("self", "before it"),
    ] {
        let e = refused(&archive(&[
            ("d/", b'5', 0, "", b""),
            ("self", b'1', 0, link, b""),
        ]));
        assert!(e.message.contains(why), "{link}: {e}");
    }
    // Through a symlink: not resolved.
    let e = refused(&archive(&[
        ("d/", b'5', 0, "", b""),
        ("d/f", b'0', 1, "", b"x"),
        ("l", b'2', 0, "d", b""),
        ("h", b'1', 0, "l/f", b""),
    ]));
    assert!(e.message.contains("before it"), "{e}");
    // Duplicates, other kinds, bad symlinks.
    refused(&archive(&[
        ("f", b'0', 0, "", b""),
        ("f", b'0', 0, "", b""),
    ]));
    refused(&archive(&[("fifo", b'6', 0, "", b"")]));
    refused(&archive(&[("s", b'2', 0, "", b"")]));
    let long = "x".repeat(5000);
    let mut pax = Vec::new();
    pax_record(&mut pax, "linkpath", &long);
    let e = refused(&archive(&[
        ("p", b'x', pax.len() as u64, "", &pax),
        ("s", b'2', 0, "", b""),
    ]));
    assert_eq!(e.errno, Errno::Nametoolong);
}

#[test]
fn symlink_loops_are_kept_as_symlinks() {
    let a = archive(&[
        ("a", b'2', 0, "b", b""),
        ("b", b'2', 0, "a", b""),
        ("s", b'2', 0, "s", b""),
    ]);
    let fs = restore(&a).unwrap();
    let (w, r) = w(&fs);
    assert_eq!(fs.lookup(w, r, "/a", true), Err(Errno::Loop));
    assert_eq!(fs.readlink(w, r, "/s").unwrap(), "s");
}

#[test]
fn archives_from_other_tools() {
    // Old v7 style: a directory as a name with a slash; parents missing;
    // a ustar prefix field; times from the header.
    let h = |name: &str, kind: u8, size: u64| {
        header(&Header {
            name,
            kind,
            mode: 0o600,
            size,
            mtime_s: 99,
            link: "",
        })
    };
    let mut b = Vec::new();
    b.extend_from_slice(&h("dir/", 0, 0));
    b.extend_from_slice(&h("x/y/z", b'0', 2));
    b.extend_from_slice(b"hi");
    pad(&mut b, 2);
    let mut prefixed = h("file", b'0', 3);
    prefixed[345..351].copy_from_slice(b"pre/fi");
    fix_checksum(&mut prefixed);
    b.extend_from_slice(&prefixed);
    b.extend_from_slice(b"abc");
    pad(&mut b, 3);
    b.extend_from_slice(&[0; 1024]);
    let fs = restore(&b).unwrap();
    let (w, r) = w(&fs);
    assert_eq!(fs.kind(fs.lookup(w, r, "/dir", false).unwrap()), Kind::Dir);
    let f = fs.lookup(w, r, "/pre/fi/file", false).unwrap();
    assert_eq!(fs.contents(f).unwrap(), b"abc");
    assert_eq!(fs.stat(f).mtim, 99_000_000_000);
    // One zero block ends it too; a bad checksum does not pass.
    let mut one = archive(&[("f", b'0', 0, "", b"")]);
    one.truncate(1024);
    restore(&one).unwrap();
    let mut bad_sum = archive(&[("f", b'0', 0, "", b"")]);
    bad_sum[0] = b'g';
    assert!(refused(&bad_sum).message.contains("checksum"));
}

#[test]
fn pax_times_and_records() {
    assert_eq!(
        parse_time("1700000000.5").unwrap(),
        1_700_000_000_500_000_000
    );
    assert_eq!(parse_time("12").unwrap(), 12_000_000_000);
    assert_eq!(parse_time("-3.5").unwrap(), 0);
    assert_eq!(parse_time("1.1234567899").unwrap(), 1_123_456_789);
    assert!(parse_time("1e5").is_err());
    assert!(parse_time("").is_err());
    let mut rec = Vec::new();
    pax_record(&mut rec, "path", &"p".repeat(95));
    assert_eq!(rec.len(), 105, "{:?}", String::from_utf8_lossy(&rec[..4]));
    assert!(rec.starts_with(b"105 path="));
    let mut pax = Pax::default();
    for bad in [
        &b"5 a=b\n"[..],
        b"100 a=b\n",
        b"x a=b\n",
        b"7 ab\nxx",
        b"6 a=b!",
    ] {
        assert!(
            parse_pax(bad, &mut pax).is_err(),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    parse_pax(b"6 a=b\n", &mut pax).unwrap();
}
