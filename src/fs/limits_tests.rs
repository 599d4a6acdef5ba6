//! Limits and atomicity: a refused change leaves no trace.

use super::super::{Absolute, Ino, Kind, Limits, MemFs, OpenOptions, Walk};
use crate::error::Errno;

/// Everything observable: each path with its kind, links, size and contents,
/// plus the usage.
fn dump(fs: &MemFs) -> (Vec<String>, (u64, u64)) {
    let mut out = Vec::new();
    let mut stack = vec![("".to_string(), fs.root())];
    while let Some((path, dir)) = stack.pop() {
        for name in fs.list(dir).unwrap() {
            let ino = fs.child(dir, &name).unwrap().unwrap();
            let p = format!("{path}/{name}");
            let s = fs.stat(ino);
            let what = match s.kind {
                Kind::File => format!("{:?}", fs.contents(ino).unwrap()),
                Kind::Symlink => fs.readlink_ino(ino).unwrap().to_string(),
                Kind::Dir => {
                    stack.push((p.clone(), ino));
                    String::new()
                }
            };
            out.push(format!(
                "{p} {:?} ino={} nlink={} size={} {what}",
                s.kind, ino, s.nlink, s.size
            ));
        }
    }
    out.sort();
    (out, fs.usage())
}

fn tree(limits: Limits) -> (MemFs, Walk, Ino) {
    let mut fs = MemFs::with_limits(limits);
    let (w, r) = (fs.host_walk(), fs.root());
    fs.mkdir_all(w, r, "/a/b/c").unwrap();
    fs.mkdir(w, r, "/e").unwrap();
    fs.write_file(w, r, "/a/f", b"file f").unwrap();
    fs.write_file(w, r, "/a/b/g", b"file g").unwrap();
    fs.symlink("f", w, r, "/a/s").unwrap();
    (fs, w, r)
}

/// Runs `op`, which must fail with `want`, and checks nothing changed.
fn refused(fs: &mut MemFs, want: Errno, op: impl FnOnce(&mut MemFs) -> Result<(), Errno>) {
    let before = dump(fs);
    assert_eq!(op(fs), Err(want));
    assert_eq!(dump(fs), before);
    fs.check_invariants().unwrap();
}

#[test]
fn failed_renames_leave_no_trace() {
    let (mut fs, w, r) = tree(Limits::default());
    let g = Walk::guest(fs.lookup(w, r, "/a", true).unwrap());
    let a = g.root;
    let ren = |from: &'static str, to: &'static str| {
        move |fs: &mut MemFs| fs.rename((w, r, from), (w, r, to))
    };
    refused(&mut fs, Errno::Notempty, ren("/e", "/a"));
    refused(&mut fs, Errno::Isdir, ren("/a/f", "/e"));
    refused(&mut fs, Errno::Notdir, ren("/e", "/a/f"));
    refused(&mut fs, Errno::Inval, ren("/a", "/a/b/c/x"));
    refused(&mut fs, Errno::Noent, ren("/nope", "/x"));
    refused(&mut fs, Errno::Noent, ren("/a/f", "/nope/x"));
    refused(&mut fs, Errno::Notdir, ren("/a/f/", "/x"));
    refused(&mut fs, Errno::Busy, ren("/", "/x"));
    // Through a guest's walk: its root cannot move, `..` cannot leave.
    refused(&mut fs, Errno::Perm, |fs| {
        fs.rename((g, a, "../e"), (g, a, "e2"))
    });
    refused(&mut fs, Errno::Perm, |fs| {
        fs.rename((g, a, "f"), (g, a, "../f"))
    });
    refused(&mut fs, Errno::Busy, |fs| {
        fs.rename((g, a, "."), (g, a, "x"))
    });
    // And one that works, to be sure the checks are not just refusing all.
    fs.rename((w, r, "/a/f"), (w, r, "/e/f")).unwrap();
    fs.check_invariants().unwrap();
}

#[test]
fn failed_links_and_creations_leave_no_trace() {
    // root, a, b, c, e, f, g, s = 8 inodes
    let (mut fs, w, r) = tree(Limits {
        max_inodes: 8,
        ..Limits::default()
    });
    let dir = fs.lookup(w, r, "/e", true).unwrap();
    let link = |from: &'static str, to: &'static str| {
        move |fs: &mut MemFs| fs.link((w, r, from), false, (w, r, to))
    };
    refused(&mut fs, Errno::Exist, link("/a/f", "/a/b/g"));
    refused(&mut fs, Errno::Perm, link("/a", "/a2"));
    refused(&mut fs, Errno::Noent, link("/nope", "/x"));
    refused(&mut fs, Errno::Noent, link("/a/f", "/nope/x"));
    // At the inode limit nothing new is made, but a link needs no inode.
    refused(&mut fs, Errno::Nospc, |fs| fs.mkdir(w, r, "/x").map(drop));
    refused(&mut fs, Errno::Nospc, |fs| {
        fs.symlink("t", w, r, "/x").map(drop)
    });
    refused(&mut fs, Errno::Nospc, |fs| {
        let o = OpenOptions {
            create: true,
            ..Default::default()
        };
        fs.open(w, r, "/x", o).map(drop)
    });
    refused(&mut fs, Errno::Nospc, |fs| {
        fs.write_file(w, r, "/x", b"x").map(drop)
    });
    fs.link((w, r, "/a/f"), false, (w, r, "/e/f2")).unwrap();
    assert_eq!(fs.stat(fs.lookup(w, r, "/a/f", true).unwrap()).nlink, 2);
    // A removed directory takes no links.
    fs.retain(dir);
    fs.rmdir(w, r, "/e/f2").unwrap_err();
    fs.unlink(w, r, "/e/f2").unwrap();
    fs.rmdir(w, r, "/e").unwrap();
    let removed = Walk {
        root: dir,
        absolute: Absolute::Deny,
    };
    refused(&mut fs, Errno::Noent, |fs| {
        fs.link((w, r, "/a/f"), false, (removed, dir, "x"))
    });
    fs.release(dir);
    fs.check_invariants().unwrap();
}

#[test]
fn refused_writes_truncations_and_allocations_leave_no_trace() {
    let (mut fs, w, r) = tree(Limits {
        max_bytes: 100,
        max_file_size: 50,
        ..Limits::default()
    });
    let f = fs.lookup(w, r, "/a/f", true).unwrap();
    refused(&mut fs, Errno::Fbig, |fs| fs.write(f, 45, &[1; 6]));
    refused(&mut fs, Errno::Fbig, |fs| fs.set_size(f, 51));
    refused(&mut fs, Errno::Fbig, |fs| fs.allocate(f, 10, 41));
    refused(&mut fs, Errno::Fbig, |fs| fs.allocate(f, u64::MAX, 2));
    refused(&mut fs, Errno::Fbig, |fs| fs.check_write(f, u64::MAX, 1));
    // 12 bytes stored; fill up to 100 with another file.
    fs.write_file(w, r, "/e/big", &[2; 40]).unwrap();
    fs.write_file(w, r, "/e/big2", &[2; 40]).unwrap();
    assert_eq!(fs.usage().1, 92);
    refused(&mut fs, Errno::Nospc, |fs| fs.write(f, 0, &[3; 15]));
    refused(&mut fs, Errno::Nospc, |fs| fs.allocate(f, 0, 15));
    refused(&mut fs, Errno::Nospc, |fs| fs.check_write(f, 6, 9));
    // A file being replaced counts as freed: 40 -> 48 fits, 49 does not.
    refused(&mut fs, Errno::Nospc, |fs| {
        fs.write_file(w, r, "/e/big", &[9; 49]).map(drop)
    });
    refused(&mut fs, Errno::Fbig, |fs| {
        fs.write_file(w, r, "/e/big", &[9; 51]).map(drop)
    });
    fs.write_file(w, r, "/e/big", &[9; 48]).unwrap();
    assert_eq!(fs.usage().1, 100);
    // A hole costs nothing; filling it does.
    fs.set_size(f, 50).unwrap();
    refused(&mut fs, Errno::Nospc, |fs| fs.write(f, 49, &[1]));
    // A failing copy (a bad guest pointer) is undone.
    refused(&mut fs, Errno::Fault, |fs| {
        fs.write_with(f, 0, 3, |_, _| Err(Errno::Fault))
    });
    // Truncating down frees; allocate then reserves for real.
    fs.set_size(f, 0).unwrap();
    refused(&mut fs, Errno::Nospc, |fs| fs.allocate(f, 0, 7));
    fs.allocate(f, 0, 6).unwrap();
    assert_eq!((fs.size(f), fs.usage().1), (6, 100));
    assert_eq!(fs.contents(f).unwrap(), vec![0; 6]);
    fs.check_invariants().unwrap();
}

#[test]
fn check_invariants_finds_corruption() {
    let (mut fs, w, r) = tree(Limits::default());
    fs.check_invariants().unwrap();
    let f = fs.lookup(w, r, "/a/f", true).unwrap();
    fs.inode_mut(f).nlink = 2;
    assert!(fs.check_invariants().unwrap_err().contains("nlink"));
    fs.inode_mut(f).nlink = 1;
    fs.bytes += 1;
    assert!(fs.check_invariants().unwrap_err().contains("bytes"));
    fs.bytes -= 1;
    let c = fs.lookup(w, r, "/a/b/c", true).unwrap();
    fs.dir_mut(c).unwrap().parent = r;
    assert!(fs.check_invariants().unwrap_err().contains("parent"));
    fs.dir_mut(c).unwrap().parent = fs.lookup(w, r, "/a/b", true).unwrap();
    fs.check_invariants().unwrap();
    // An inode nothing names nor holds open has leaked.
    fs.retain(f);
    fs.unlink(w, r, "/a/f").unwrap();
    fs.check_invariants().unwrap();
    fs.inode_mut(f).open = 0;
    assert!(fs.check_invariants().unwrap_err().contains("leaked"));
}

#[test]
fn a_tree_deeper_than_the_stack_is_removed() {
    let mut fs = MemFs::new();
    let (w, r) = (fs.host_walk(), fs.root());
    fs.mkdir(w, r, "/t").unwrap();
    // /t becomes /n/d, then /n becomes /t: one level deeper each time.
    for _ in 0..20_000 {
        fs.mkdir(w, r, "/n").unwrap();
        fs.rename((w, r, "/t"), (w, r, "/n/d")).unwrap();
        fs.rename((w, r, "/n"), (w, r, "/t")).unwrap();
    }
    assert_eq!(fs.usage().0, 20_002);
    fs.check_invariants().unwrap();
    fs.remove_all(w, r, "/t").unwrap();
    assert_eq!(fs.usage(), (1, 0));
    fs.check_invariants().unwrap();
}
