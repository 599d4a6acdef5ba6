use super::*;
use crate::error::Errno;

fn fs() -> (MemFs, Walk, Ino) {
    let fs = MemFs::new();
    let w = fs.host_walk();
    let r = fs.root();
    (fs, w, r)
}

fn create(fs: &mut MemFs, w: Walk, r: Ino, path: &str) -> Ino {
    let o = OpenOptions {
        create: true,
        write: true,
        ..Default::default()
    };
    fs.open(w, r, path, o).unwrap()
}

fn names(fs: &MemFs, dir: Ino, cookie: u64) -> Vec<(String, u64)> {
    let mut v = Vec::new();
    fs.readdir(dir, cookie, |e| {
        v.push((e.name.to_string(), e.next));
        true
    })
    .unwrap();
    v
}

fn capacities(fs: &MemFs, f: Ino) -> Vec<(u64, usize)> {
    match &fs.inode(f).node {
        node::Node::File(d) => d.chunk_capacities(),
        _ => unreachable!(),
    }
}

#[test]
fn small_appends_are_amortized() {
    let (mut fs, w, r) = fs();
    let f = create(&mut fs, w, r, "/log");
    fs.retain(f);
    // Reallocations of a chunk that exists (a copy); a new chunk is none.
    let mut reallocs = 0;
    let mut caps = capacities(&fs, f);
    for i in 0..100_000u64 {
        fs.write(f, i * 16, &[7u8; 16]).unwrap();
        let now = capacities(&fs, f);
        for (k, c) in &now {
            if caps.iter().any(|(k0, c0)| k0 == k && c0 != c) {
                reallocs += 1;
            }
        }
        caps = now;
    }
    assert_eq!(fs.size(f), 1_600_000);
    assert!(reallocs < 30, "{reallocs} reallocations");
    // Memory: the data, plus at most the last chunk's room for appends.
    assert_eq!(fs.usage().1, 1_600_000);
    assert!(
        fs.capacity() <= 1_600_000 + file::CHUNK,
        "{}",
        fs.capacity()
    );
    fs.release(f);
    assert_eq!(fs.capacity(), 1_600_000, "closing gives the room back");
    fs.check_invariants().unwrap();
}

#[test]
fn big_files_cost_their_size_not_double() {
    let (mut fs, w, r) = fs();
    let f = create(&mut fs, w, r, "/big");
    fs.retain(f);
    // 40 MiB in odd pieces, as a guest writing a big file would.
    let piece = vec![0xabu8; 1_000_003];
    let mut pos = 0u64;
    while pos < 40 << 20 {
        fs.write(f, pos, &piece).unwrap();
        pos += piece.len() as u64;
    }
    let size = fs.size(f);
    assert_eq!(fs.usage().1, size);
    assert!(
        fs.capacity() <= size + file::CHUNK,
        "{} for {size}",
        fs.capacity()
    );
    fs.release(f);
    assert_eq!(fs.capacity(), size);
    // A whole-file write is exact too.
    fs.write_file(w, r, "/big2", &vec![1u8; 30 << 20]).unwrap();
    assert_eq!(fs.capacity(), size + (30 << 20));
    fs.check_invariants().unwrap();
}

#[test]
fn sparse_files_reach_2_pow_63() {
    let (mut fs, w, r) = fs();
    let f = create(&mut fs, w, r, "/sparse");
    fs.set_size(f, 1 << 40).unwrap();
    assert_eq!(fs.size(f), 1 << 40);
    assert_eq!(
        (fs.usage().1, fs.capacity()),
        (0, 0),
        "a hole costs nothing"
    );
    fs.write(f, 1 << 40, b"hello").unwrap();
    assert_eq!(fs.size(f), (1 << 40) + 5);
    // One chunk after the first: it counts 4 KiB, like a native block.
    assert_eq!(fs.usage().1, file::MIN_CHARGE);
    let mut got = Vec::new();
    let n = fs
        .read_with(f, (1 << 40) - 3, 100, |b, z| {
            got.extend_from_slice(b);
            got.resize(got.len() + z as usize, 0);
            Ok(())
        })
        .unwrap();
    assert_eq!(n, 8);
    assert_eq!(got, b"\0\0\0hello");
    // The largest offset and size are 2^63 - 1, as off_t's.
    let max = i64::MAX as u64;
    fs.write(f, max - 3, b"end").unwrap();
    assert_eq!(fs.size(f), max);
    assert_eq!(fs.write(f, max - 1, b"xy"), Err(Errno::Fbig));
    assert_eq!(fs.write(f, max, b""), Ok(()));
    assert_eq!(fs.write(f, max + 1, b""), Err(Errno::Fbig));
    assert_eq!(fs.set_size(f, max + 1), Err(Errno::Fbig));
    assert_eq!(fs.allocate(f, 0, max), Err(Errno::Nospc));
    assert_eq!(fs.allocate(f, 1, max), Err(Errno::Fbig));
    let mut tail = Vec::new();
    fs.read_with(f, max - 5, 10, |b, z| {
        tail.extend_from_slice(b);
        tail.resize(tail.len() + z as usize, 0);
        Ok(())
    })
    .unwrap();
    assert_eq!(tail, b"\0\0end");
    // A chunk stores from its start to the last byte written in it.
    assert_eq!(fs.usage().1, file::MIN_CHARGE + file::CHUNK - 1);
    fs.check_invariants().unwrap();
    // Truncating drops the far chunks.
    fs.set_size(f, (1 << 40) + 2).unwrap();
    assert_eq!(fs.usage().1, file::MIN_CHARGE);
    fs.set_size(f, 10).unwrap();
    assert_eq!((fs.usage().1, fs.capacity()), (0, 0));
    assert_eq!(fs.contents(f).unwrap(), vec![0; 10]);
    fs.check_invariants().unwrap();
}

#[test]
fn refused_writes_allocate_nothing() {
    let mut fs = MemFs::with_limits(Limits {
        max_bytes: 1 << 20,
        ..Limits::default()
    });
    let (w, r) = (fs.host_walk(), fs.root());
    fs.write_file(w, r, "/a", &vec![1; 1000 << 10]).unwrap();
    let f = create(&mut fs, w, r, "/b");
    let before = (fs.usage(), fs.capacity());
    assert_eq!(fs.write(f, 0, &vec![2; 25 << 10]), Err(Errno::Nospc));
    assert_eq!(fs.write(f, (5 << 30) + 30_000, &[2; 10]), Err(Errno::Nospc));
    assert_eq!(fs.allocate(f, 1 << 40, 1 << 40), Err(Errno::Nospc));
    let big = vec![3; 2 << 20];
    assert_eq!(fs.write_file(w, r, "/b", &big).map(drop), Err(Errno::Nospc));
    assert_eq!((fs.usage(), fs.capacity()), before);
    fs.check_invariants().unwrap();
}

#[test]
fn room_for_appends_is_rationed() {
    // A guest that makes many chunks with one byte each, then appends to
    // each: the room chunks keep beyond their charge stays within the
    // budget (1/16 of max_bytes, at least 256 KiB).
    let mut fs = MemFs::with_limits(Limits {
        max_bytes: 64 << 20,
        ..Limits::default()
    });
    let (w, r) = (fs.host_walk(), fs.root());
    let f = create(&mut fs, w, r, "/holes");
    fs.retain(f);
    let mut k = 1;
    while fs.write(f, k * file::CHUNK + 5000, b"x").is_ok() {
        fs.write(f, k * file::CHUNK + 5001, b"y").unwrap();
        k += 1;
    }
    assert!(k > 1000, "{k} chunks");
    let (_, bytes) = fs.usage();
    assert!(bytes <= 64 << 20);
    assert!(
        fs.capacity() <= bytes + (4 << 20),
        "{} held for {bytes}",
        fs.capacity()
    );
    fs.check_invariants().unwrap();
    fs.release(f);
    assert_eq!(fs.capacity(), bytes, "{k}");
}

#[test]
fn chunked_storage_matches_a_flat_model() {
    // Random writes, truncations, allocations and reads around chunk
    // boundaries, checked against a plain Vec.
    const C: u64 = file::CHUNK;
    let (mut fs, w, r) = fs();
    let f = create(&mut fs, w, r, "/m");
    let mut model: Vec<u8> = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rand = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let spots = [0, 1, C - 3, C, C + 1, 2 * C - 1, 3 * C + 7, 5 * C];
    for step in 0..3000u64 {
        let at = spots[rand(spots.len() as u64) as usize] + rand(5);
        match rand(5) {
            0 | 1 => {
                let len = rand(2 * C + 10) as usize;
                let data: Vec<u8> = (0..len).map(|i| (i as u64 + step) as u8 | 1).collect();
                fs.write(f, at, &data).unwrap();
                let end = at as usize + len;
                if model.len() < end {
                    model.resize(end, 0);
                }
                model[at as usize..end].copy_from_slice(&data);
            }
            2 => {
                fs.set_size(f, at).unwrap();
                model.resize(at as usize, 0);
            }
            3 => {
                let len = rand(C + 10);
                fs.allocate(f, at, len).unwrap();
                let end = (at + len) as usize;
                if model.len() < end {
                    model.resize(end, 0);
                }
            }
            _ => {
                let len = rand(3 * C);
                let mut got = Vec::new();
                let n = fs
                    .read_with(f, at, len, |b, z| {
                        got.extend_from_slice(b);
                        got.resize(got.len() + z as usize, 0);
                        Ok(())
                    })
                    .unwrap();
                let from = (at as usize).min(model.len());
                let to = (at + len).min(model.len() as u64) as usize;
                assert_eq!(n as usize, to - from, "step {step}");
                assert!(
                    got == model[from..to],
                    "step {step}: read at {at} len {len}"
                );
            }
        }
        assert_eq!(fs.size(f), model.len() as u64, "step {step}");
    }
    assert!(fs.contents(f).unwrap() == model);
    fs.check_invariants().unwrap();
}

#[test]
fn sparse_extension_and_truncation() {
    let (mut fs, w, r) = fs();
    let f = create(&mut fs, w, r, "/f");
    fs.write(f, 10, b"xy").unwrap();
    assert_eq!(fs.contents(f).unwrap(), b"\0\0\0\0\0\0\0\0\0\0xy");
    fs.set_size(f, 1 << 30).unwrap();
    assert_eq!(fs.size(f), 1 << 30);
    assert_eq!(fs.usage().1, 12, "a hole takes no memory");
    let mut seen = (0, 0);
    fs.read_with(f, (1 << 30) - 4, 100, |b, z| {
        seen = (b.len(), z);
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, (0, 4));
    fs.set_size(f, 11).unwrap();
    assert_eq!(fs.contents(f).unwrap(), b"\0\0\0\0\0\0\0\0\0\0x");
    fs.allocate(f, 100, 50).unwrap();
    assert_eq!(fs.size(f), 150);
    fs.allocate(f, 0, 10).unwrap();
    assert_eq!(fs.size(f), 150, "allocate never shrinks");
}

#[test]
fn readdir_cookies_survive_changes() {
    let (mut fs, w, r) = fs();
    for n in ["a", "b", "c", "d"] {
        create(&mut fs, w, r, &format!("/{n}"));
    }
    let all = names(&fs, r, 0);
    let list: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(list, [".", "..", "a", "b", "c", "d"]);
    // Resume after "b" while "a" and "c" go away and "e" arrives.
    let after_b = all[3].1;
    fs.unlink(w, r, "a").unwrap();
    fs.unlink(w, r, "c").unwrap();
    create(&mut fs, w, r, "/e");
    let rest: Vec<String> = names(&fs, r, after_b).into_iter().map(|e| e.0).collect();
    assert_eq!(rest, ["d", "e"]);
}

#[test]
fn symlinks_and_loops() {
    let (mut fs, w, r) = fs();
    fs.mkdir(w, r, "/d").unwrap();
    let f = create(&mut fs, w, r, "/d/f");
    fs.symlink("d/f", w, r, "/rel").unwrap();
    fs.symlink("/d", w, r, "/abs").unwrap();
    assert_eq!(fs.lookup(w, r, "rel", true).unwrap(), f);
    assert_eq!(fs.lookup(w, r, "abs/f", true).unwrap(), f);
    assert_eq!(
        fs.kind(fs.lookup(w, r, "rel", false).unwrap()),
        Kind::Symlink
    );
    fs.symlink("loop", w, r, "/loop").unwrap();
    assert_eq!(fs.lookup(w, r, "loop", true), Err(Errno::Loop));
    fs.symlink("b", w, r, "/a").unwrap();
    fs.symlink("a", w, r, "/b").unwrap();
    assert_eq!(fs.lookup(w, r, "a/x", true), Err(Errno::Loop));
    fs.symlink("missing", w, r, "/dangling").unwrap();
    assert_eq!(fs.lookup(w, r, "dangling", true), Err(Errno::Noent));
    assert_eq!(fs.readlink(w, r, "dangling").unwrap(), "missing");
    assert_eq!(fs.readlink(w, r, "d/f"), Err(Errno::Inval));
    assert_eq!(fs.lookup(w, r, "rel/", true), Err(Errno::Notdir));
}

#[test]
fn guest_walk_is_confined() {
    let (mut fs, w, r) = fs();
    fs.mkdir_all(w, r, "/sandbox/inner").unwrap();
    create(&mut fs, w, r, "/secret");
    let sb = fs.lookup(w, r, "/sandbox", true).unwrap();
    let g = Walk::guest(sb);
    assert_eq!(fs.lookup(g, sb, "../secret", true), Err(Errno::Perm));
    assert_eq!(
        fs.lookup(g, sb, "inner/../../secret", true),
        Err(Errno::Perm)
    );
    assert_eq!(fs.lookup(g, sb, "/secret", true), Err(Errno::Perm));
    fs.symlink("../secret", w, r, "/sandbox/up").unwrap();
    fs.symlink("/secret", w, r, "/sandbox/abs").unwrap();
    fs.symlink("inner/../up", w, r, "/sandbox/chain").unwrap();
    for p in ["up", "abs", "chain"] {
        assert_eq!(fs.lookup(g, sb, p, true), Err(Errno::Perm), "{p}");
    }
    assert_eq!(fs.lookup(g, sb, "inner/..", true).unwrap(), sb);
    // The same symlink is harmless for the host walk, whose root is `/`.
    assert!(fs.lookup(w, r, "/sandbox/up", true).is_ok());
}

#[test]
fn dotdot_at_the_guest_root_is_refused_before_existence() {
    let (mut fs, w, r) = fs();
    fs.mkdir_all(w, r, "/sandbox/inner").unwrap();
    create(&mut fs, w, r, "/sandbox/a");
    let sb = fs.lookup(w, r, "/sandbox", true).unwrap();
    let g = Walk::guest(sb);
    // `..` exists (it is `/`), so these said EEXIST before the fix.
    for p in ["..", "../", "inner/../.."] {
        assert_eq!(fs.mkdir(g, sb, p), Err(Errno::Perm), "mkdir {p}");
        assert_eq!(fs.symlink("a", g, sb, p), Err(Errno::Perm), "symlink {p}");
        assert_eq!(
            fs.link((g, sb, "a"), false, (g, sb, p)),
            Err(Errno::Perm),
            "link {p}"
        );
        assert_eq!(fs.rmdir(g, sb, p), Err(Errno::Perm), "rmdir {p}");
        assert_eq!(fs.unlink(g, sb, p), Err(Errno::Perm), "unlink {p}");
        assert_eq!(
            fs.rename((g, sb, "a"), (g, sb, p)),
            Err(Errno::Perm),
            "rename {p}"
        );
    }
    // Inside the root, `x/..` is still a directory that exists.
    assert_eq!(fs.mkdir(g, sb, "inner/.."), Err(Errno::Exist));
    assert_eq!(fs.rmdir(g, sb, "inner/.."), Err(Errno::Inval));
    // The host walk's `..` of `/` is `/` itself.
    assert_eq!(fs.mkdir(w, r, ".."), Err(Errno::Exist));
    assert!(fs.lookup(g, sb, "a", false).is_ok());
}

#[test]
fn hard_links_count() {
    let (mut fs, w, r) = fs();
    let f = create(&mut fs, w, r, "/f");
    fs.link((w, r, "f"), false, (w, r, "g")).unwrap();
    assert_eq!(fs.stat(f).nlink, 2);
    assert_eq!(fs.link((w, r, "f"), false, (w, r, "g")), Err(Errno::Exist));
    fs.mkdir(w, r, "/d").unwrap();
    assert_eq!(fs.link((w, r, "d"), false, (w, r, "e")), Err(Errno::Perm));
    fs.unlink(w, r, "f").unwrap();
    assert_eq!(fs.stat(f).nlink, 1);
    fs.write(f, 0, b"still here").unwrap();
    assert_eq!(
        fs.contents(fs.lookup(w, r, "g", true).unwrap()).unwrap(),
        b"still here"
    );
    // Directory link counts: 2 + subdirectories.
    assert_eq!(fs.stat(r).nlink, 3);
    fs.mkdir(w, r, "/d/x").unwrap();
    assert_eq!(fs.stat(fs.lookup(w, r, "d", true).unwrap()).nlink, 3);
}

#[test]
fn unlinked_open_file_lives_until_closed() {
    let (mut fs, w, r) = fs();
    let f = create(&mut fs, w, r, "/f");
    fs.write(f, 0, b"data").unwrap();
    fs.retain(f);
    fs.unlink(w, r, "f").unwrap();
    assert!(fs.exists(f));
    assert_eq!(fs.contents(f).unwrap(), b"data");
    fs.release(f);
    assert!(!fs.exists(f));
    assert_eq!(fs.usage(), (1, 0));
}

#[test]
fn rename_rules() {
    let (mut fs, w, r) = fs();
    fs.mkdir_all(w, r, "/a/b").unwrap();
    fs.mkdir(w, r, "/empty").unwrap();
    fs.mkdir_all(w, r, "/full/x").unwrap();
    let f = create(&mut fs, w, r, "/f");
    create(&mut fs, w, r, "/g");
    assert_eq!(fs.rename((w, r, "a"), (w, r, "a/b/c")), Err(Errno::Inval));
    assert_eq!(fs.rename((w, r, "a"), (w, r, "a/c")), Err(Errno::Inval));
    assert_eq!(fs.rename((w, r, "a"), (w, r, "full")), Err(Errno::Notempty));
    assert_eq!(fs.rename((w, r, "a"), (w, r, "f")), Err(Errno::Notdir));
    assert_eq!(fs.rename((w, r, "f"), (w, r, "a")), Err(Errno::Isdir));
    assert_eq!(fs.rename((w, r, "f/"), (w, r, "h")), Err(Errno::Notdir));
    assert_eq!(fs.rename((w, r, "nope"), (w, r, "h")), Err(Errno::Noent));
    // Over a file: the old target is gone, the inode moves.
    fs.rename((w, r, "f"), (w, r, "g")).unwrap();
    assert_eq!(fs.lookup(w, r, "g", true).unwrap(), f);
    assert_eq!(fs.lookup(w, r, "f", true), Err(Errno::Noent));
    // Over an empty directory, with trailing slashes.
    fs.rename((w, r, "a/"), (w, r, "empty/")).unwrap();
    let moved = fs.lookup(w, r, "empty/b", true).unwrap();
    assert_eq!(
        fs.parent(moved).unwrap(),
        fs.lookup(w, r, "empty", true).unwrap()
    );
    assert_eq!(fs.stat(r).nlink, 4, "root holds empty, full: 2 + 2");
    // Renaming a file onto itself (a hard link) does nothing.
    fs.link((w, r, "g"), false, (w, r, "g2")).unwrap();
    fs.rename((w, r, "g"), (w, r, "g2")).unwrap();
    assert!(fs.lookup(w, r, "g", true).is_ok());
}

#[test]
fn open_flags() {
    let (mut fs, w, r) = fs();
    let creat = OpenOptions {
        create: true,
        exclusive: true,
        ..Default::default()
    };
    let f = fs.open(w, r, "f", creat).unwrap();
    assert_eq!(fs.open(w, r, "f", creat), Err(Errno::Exist));
    fs.write(f, 0, b"abc").unwrap();
    let trunc = OpenOptions {
        truncate: true,
        write: true,
        ..Default::default()
    };
    fs.open(w, r, "f", trunc).unwrap();
    assert_eq!(fs.size(f), 0);
    let dir = OpenOptions {
        directory: true,
        ..Default::default()
    };
    assert_eq!(fs.open(w, r, "f", dir), Err(Errno::Notdir));
    assert_eq!(fs.open(w, r, "f/", Default::default()), Err(Errno::Notdir));
    assert_eq!(
        fs.open(
            w,
            r,
            "new/",
            OpenOptions {
                create: true,
                ..Default::default()
            }
        ),
        Err(Errno::Isdir)
    );
    assert_eq!(
        fs.open(
            w,
            r,
            ".",
            OpenOptions {
                write: true,
                ..Default::default()
            }
        ),
        Err(Errno::Isdir)
    );
    fs.symlink("f", w, r, "link").unwrap();
    assert_eq!(fs.open(w, r, "link", Default::default()), Err(Errno::Loop));
    assert_eq!(fs.open(w, r, "link", dir), Err(Errno::Loop));
    let follow = OpenOptions {
        follow: true,
        ..Default::default()
    };
    assert_eq!(fs.open(w, r, "link", follow).unwrap(), f);
    assert_eq!(fs.open(w, r, "", follow), Err(Errno::Noent));
    let long = "x".repeat(256);
    assert_eq!(fs.open(w, r, &long, follow), Err(Errno::Nametoolong));
}

#[test]
fn remove_rules() {
    let (mut fs, w, r) = fs();
    fs.mkdir_all(w, r, "/d/e").unwrap();
    create(&mut fs, w, r, "/f");
    assert_eq!(fs.rmdir(w, r, "d"), Err(Errno::Notempty));
    assert_eq!(fs.rmdir(w, r, "f"), Err(Errno::Notdir));
    assert_eq!(fs.rmdir(w, r, "."), Err(Errno::Inval));
    assert_eq!(fs.unlink(w, r, "d"), Err(Errno::Isdir));
    assert_eq!(fs.unlink(w, r, "f/"), Err(Errno::Notdir));
    fs.rmdir(w, r, "d/e/").unwrap();
    fs.remove_all(w, r, "d").unwrap();
    fs.unlink(w, r, "f").unwrap();
    assert_eq!(fs.usage(), (1, 0), "only the root is left");
    assert_eq!(fs.stat(r).nlink, 2);
}

#[test]
fn times_change() {
    let (mut fs, w, r) = fs();
    let f = create(&mut fs, w, r, "/f");
    fs.set_times(f, SetTime::At(5), SetTime::At(7));
    let s = fs.stat(f);
    assert_eq!((s.atim, s.mtim), (5, 7));
    fs.write(f, 0, b"x").unwrap();
    let s2 = fs.stat(f);
    assert!(s2.mtim > 7 && s2.ctim >= s2.mtim);
    fs.read_with(f, 0, 1, |_, _| Ok(())).unwrap();
    assert!(fs.stat(f).atim > 5, "a read after a write moves atime");
    let before = fs.stat(f);
    fs.set_times(f, SetTime::At(1), SetTime::Keep);
    fs.set_times(f, SetTime::Keep, SetTime::Now);
    let after = fs.stat(f);
    assert_eq!(after.atim, 1, "Keep leaves atime alone");
    assert!(after.mtim >= before.mtim && after.ctim >= before.ctim);
}

#[test]
fn limits_refuse_without_trace() {
    let mut fs = MemFs::with_limits(Limits {
        max_bytes: 100,
        max_file_size: 64,
        max_inodes: 3,
        ..Limits::default()
    });
    let (w, r) = (fs.host_walk(), fs.root());
    let f = create(&mut fs, w, r, "/f");
    fs.write(f, 0, &[1; 60]).unwrap();
    assert_eq!(fs.write(f, 60, &[1; 10]), Err(Errno::Fbig));
    assert_eq!(fs.size(f), 60);
    let g = create(&mut fs, w, r, "/g");
    assert_eq!(fs.write(g, 0, &[1; 50]), Err(Errno::Nospc));
    assert_eq!(fs.size(g), 0);
    let o = OpenOptions {
        create: true,
        ..Default::default()
    };
    assert_eq!(fs.open(w, r, "h", o), Err(Errno::Nospc));
    // A failing copy (a bad guest pointer) undoes the extension.
    assert_eq!(
        fs.write_with(g, 0, 10, |_, _| Err(Errno::Fault)),
        Err(Errno::Fault)
    );
    assert_eq!(fs.size(g), 0);
}
