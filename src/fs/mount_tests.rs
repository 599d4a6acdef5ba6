//! Mounts with a fake provider: an in-memory tree that records its calls.

use super::*;
use crate::fs::{Absolute, OpenOptions};
use std::cell::{Cell, RefCell};

#[derive(Clone)]
enum FakeNode {
    File(Vec<u8>),
    Dir(Vec<(String, u64)>),
    Link(String),
}

#[derive(Default)]
struct Fake {
    nodes: RefCell<HashMap<u64, FakeNode>>,
    next: Cell<u64>,
    calls: RefCell<Vec<String>>,
    open: Cell<i32>,
    forgotten: Cell<u32>,
    /// `check_open` refuses writing (a host file without write permission).
    deny_write: Cell<bool>,
    /// `check_open`, and `lookup` of an existing name, answer `WouldBlock`
    /// (a provider that must wait).
    waits: Cell<bool>,
}

impl Fake {
    fn new() -> Rc<Self> {
        let f = Fake::default();
        f.nodes.borrow_mut().insert(0, FakeNode::Dir(vec![]));
        f.next.set(1);
        Rc::new(f)
    }

    fn add(&self, dir: u64, name: &str, node: FakeNode) -> u64 {
        let h = self.next.get();
        self.next.set(h + 1);
        self.nodes.borrow_mut().insert(h, node);
        if let Some(FakeNode::Dir(e)) = self.nodes.borrow_mut().get_mut(&dir) {
            e.push((name.to_string(), h));
        }
        h
    }

    fn entries(&self, dir: u64) -> Result<Vec<(String, u64)>> {
        match self.nodes.borrow().get(&dir) {
            Some(FakeNode::Dir(e)) => Ok(e.clone()),
            Some(_) => Err(Errno::Notdir),
            None => Err(Errno::Noent),
        }
    }

    fn find(&self, dir: u64, name: &str) -> Result<u64> {
        assert!(valid_name(name), "the provider got {name:?}");
        self.calls.borrow_mut().push(format!("lookup {name}"));
        self.entries(dir)?
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, h)| h)
            .ok_or(Errno::Noent)
    }

    fn remove(&self, dir: u64, name: &str) -> u64 {
        let mut nodes = self.nodes.borrow_mut();
        let Some(FakeNode::Dir(e)) = nodes.get_mut(&dir) else {
            panic!("no dir")
        };
        let i = e.iter().position(|(n, _)| n == name).expect("entry");
        e.remove(i).1
    }

    fn kind(&self, h: u64) -> Kind {
        match self.nodes.borrow()[&h] {
            FakeNode::File(_) => Kind::File,
            FakeNode::Dir(_) => Kind::Dir,
            FakeNode::Link(_) => Kind::Symlink,
        }
    }
}

impl Provider for Fake {
    fn root(&self) -> u64 {
        0
    }
    fn lookup(&self, dir: u64, name: &str) -> Result<Option<(u64, Kind)>> {
        match self.find(dir, name) {
            // The new node's lookup after a change (its pre-check found none).
            Ok(_) if self.waits.get() => Err(Errno::WouldBlock),
            Ok(h) => Ok(Some((h, self.kind(h)))),
            Err(Errno::Noent) => Ok(None),
            Err(e) => Err(e),
        }
    }
    fn stat(&self, h: u64) -> Result<ExtStat> {
        let size = match &self.nodes.borrow()[&h] {
            FakeNode::File(d) => d.len() as u64,
            _ => 0,
        };
        Ok(ExtStat {
            dev: 99,
            ino: 1000 + h,
            kind: self.kind(h),
            nlink: 1,
            size,
            atim: 1,
            mtim: 2,
            ctim: 3,
        })
    }
    fn readlink(&self, h: u64) -> Result<String> {
        match &self.nodes.borrow()[&h] {
            FakeNode::Link(t) => Ok(t.clone()),
            _ => Err(Errno::Inval),
        }
    }
    fn open(&self, _: u64) -> Result<()> {
        self.open.set(self.open.get() + 1);
        Ok(())
    }
    fn check_open(&self, h: u64, read: bool, write: bool) -> Result<()> {
        self.calls
            .borrow_mut()
            .push(format!("check_open {h} {read} {write}"));
        if self.waits.get() {
            return Err(Errno::WouldBlock);
        }
        if write && self.deny_write.get() {
            return Err(Errno::Acces);
        }
        Ok(())
    }
    fn close(&self, _: u64) {
        self.open.set(self.open.get() - 1);
    }
    fn forget(&self, _: u64) {
        self.forgotten.set(self.forgotten.get() + 1);
    }
    fn read(&self, h: u64, offset: u64, len: u64) -> Result<Vec<u8>> {
        match &self.nodes.borrow()[&h] {
            FakeNode::File(d) => {
                let at = (offset as usize).min(d.len());
                let end = (at + len as usize).min(d.len());
                Ok(d[at..end].to_vec())
            }
            _ => Err(Errno::Isdir),
        }
    }
    fn write(&self, h: u64, offset: u64, data: &[u8]) -> Result<()> {
        if let Some(FakeNode::File(d)) = self.nodes.borrow_mut().get_mut(&h) {
            let end = offset as usize + data.len();
            if d.len() < end {
                d.resize(end, 0);
            }
            d[offset as usize..end].copy_from_slice(data);
        }
        Ok(())
    }
    fn truncate(&self, h: u64, size: u64) -> Result<()> {
        if let Some(FakeNode::File(d)) = self.nodes.borrow_mut().get_mut(&h) {
            d.resize(size as usize, 0);
        }
        Ok(())
    }
    fn readdir(&self, h: u64) -> Result<Vec<ExtEntry>> {
        Ok(self
            .entries(h)?
            .into_iter()
            .map(|(name, c)| ExtEntry {
                name,
                kind: self.kind(c),
                ino: 1000 + c,
            })
            .collect())
    }
    fn create(&self, dir: u64, name: &str, exclusive: bool) -> Result<u64> {
        match self.find(dir, name) {
            Ok(_) if exclusive => Err(Errno::Exist),
            Ok(h) => Ok(h),
            Err(_) => Ok(self.add(dir, name, FakeNode::File(vec![]))),
        }
    }
    fn mkdir(&self, dir: u64, name: &str) -> Result<()> {
        self.add(dir, name, FakeNode::Dir(vec![]));
        Ok(())
    }
    fn unlink(&self, dir: u64, name: &str) -> Result<()> {
        self.remove(dir, name);
        Ok(())
    }
    fn rmdir(&self, dir: u64, name: &str) -> Result<()> {
        let h = self.find(dir, name)?;
        if !self.entries(h)?.is_empty() {
            return Err(Errno::Notempty);
        }
        self.remove(dir, name);
        Ok(())
    }
    fn rename(&self, dir: u64, name: &str, to_dir: u64, to_name: &str) -> Result<()> {
        let h = self.remove(dir, name);
        if self.find(to_dir, to_name).is_ok() {
            self.remove(to_dir, to_name);
        }
        if let Some(FakeNode::Dir(e)) = self.nodes.borrow_mut().get_mut(&to_dir) {
            e.push((to_name.to_string(), h));
        }
        Ok(())
    }
    fn symlink(&self, dir: u64, name: &str, target: &str) -> Result<()> {
        self.add(dir, name, FakeNode::Link(target.to_string()));
        Ok(())
    }
    fn link(&self, h: u64, dir: u64, name: &str) -> Result<()> {
        if let Some(FakeNode::Dir(e)) = self.nodes.borrow_mut().get_mut(&dir) {
            e.push((name.to_string(), h));
        }
        Ok(())
    }
    fn set_times(&self, _: u64, _: Option<u64>, _: Option<u64>) -> Result<()> {
        Ok(())
    }
}

fn setup(read_only: bool) -> (MemFs, Rc<Fake>, Ino) {
    let mut fs = MemFs::new();
    let fake = Fake::new();
    let sub = fake.add(0, "sub", FakeNode::Dir(vec![]));
    fake.add(sub, "f.txt", FakeNode::File(b"hello".to_vec()));
    fake.add(0, "up", FakeNode::Link("../../secret".into()));
    fake.add(0, "abs", FakeNode::Link("/etc/passwd".into()));
    fake.add(0, "inside", FakeNode::Link("sub/f.txt".into()));
    let w = fs.host_walk();
    fs.mkdir(w, 1, "/mnt").unwrap();
    fs.write_file(w, 1, "/secret", b"memfs secret").unwrap();
    let root = fs
        .mount(w, 1, "/mnt", fake.clone(), read_only)
        .expect("mount");
    fs.check_invariants().unwrap();
    (fs, fake, root)
}

#[test]
fn paths_resolve_in_the_core_and_symlinks_stay_sandboxed() {
    let (fs, fake, root) = setup(false);
    let w = fs.host_walk();
    let ino = fs.lookup(w, 1, "/mnt/sub/f.txt", true).unwrap();
    assert_eq!(fs.contents(ino).unwrap(), b"hello");
    assert_eq!(fs.stat(ino).ino, 1000 + 2);
    // Through a symlink on the mount, resolved by the core.
    let via = fs.lookup(w, 1, "/mnt/inside", true).unwrap();
    assert_eq!(via, ino);
    // `..` climbs out of the mount into the MemFS for the JS API…
    let up = fs.lookup(w, 1, "/mnt/sub/../..", true).unwrap();
    assert_eq!(up, 1);
    // …but a guest walk rooted at the mount cannot leave it.
    let g = Walk::guest(root);
    assert_eq!(fs.lookup(g, root, "up", true), Err(Errno::Perm));
    assert_eq!(fs.lookup(g, root, "abs", true), Err(Errno::Perm));
    assert_eq!(fs.lookup(g, root, "sub/../..", true), Err(Errno::Perm));
    assert_eq!(fs.lookup(g, root, "inside", true), Ok(ino));
    // The provider only ever saw single names (Fake::find asserts it).
    assert!(fake.calls.borrow().iter().all(|c| !c.contains('/')));
    assert_eq!(g.absolute, Absolute::Deny);
}

#[test]
fn changes_go_to_the_provider_and_cross_mount_moves_are_exdev() {
    let (mut fs, fake, root) = setup(false);
    let w = fs.host_walk();
    let o = OpenOptions {
        create: true,
        write: true,
        ..Default::default()
    };
    let f = fs.open(w, 1, "/mnt/new.txt", o).unwrap();
    fs.write(f, 0, b"abc").unwrap();
    assert_eq!(fs.contents(f).unwrap(), b"abc");
    fs.mkdir(w, 1, "/mnt/d").unwrap();
    fs.rename((w, 1, "/mnt/new.txt"), (w, 1, "/mnt/d/x.txt"))
        .unwrap();
    assert_eq!(
        fs.list(fs.lookup(w, 1, "/mnt/d", true).unwrap()).unwrap(),
        ["x.txt"]
    );
    assert_eq!(fs.rmdir(w, 1, "/mnt/d"), Err(Errno::Notempty));
    assert_eq!(
        fs.rename((w, 1, "/mnt/d/x.txt"), (w, 1, "/x.txt")),
        Err(Errno::Xdev)
    );
    assert_eq!(
        fs.rename((w, 1, "/secret"), (w, 1, "/mnt/s")),
        Err(Errno::Xdev)
    );
    assert_eq!(
        fs.link((w, 1, "/secret"), false, (w, 1, "/mnt/s")),
        Err(Errno::Xdev)
    );
    // The mount point is busy.
    assert_eq!(fs.rmdir(w, 1, "/mnt"), Err(Errno::Busy));
    assert_eq!(fs.rename((w, 1, "/mnt"), (w, 1, "/m2")), Err(Errno::Busy));
    assert_eq!(fs.rmdir(Walk::guest(root), root, "."), Err(Errno::Inval));
    // The MemFS's own usage does not count the provider's files.
    // The root and /secret: the mount replaced the empty /mnt.
    assert_eq!(fs.usage(), (2, 12));
    assert!(fake.nodes.borrow().len() > 5);
    fs.check_invariants().unwrap();
}

#[test]
fn read_only_mounts_refuse_changes_with_eperm() {
    let (mut fs, _fake, _) = setup(true);
    let w = fs.host_walk();
    let write = OpenOptions {
        write: true,
        ..Default::default()
    };
    assert_eq!(fs.open(w, 1, "/mnt/sub/f.txt", write), Err(Errno::Perm));
    let create = OpenOptions {
        create: true,
        write: true,
        ..Default::default()
    };
    assert_eq!(fs.open(w, 1, "/mnt/n", create), Err(Errno::Perm));
    assert_eq!(fs.mkdir(w, 1, "/mnt/d"), Err(Errno::Perm));
    assert_eq!(fs.unlink(w, 1, "/mnt/sub/f.txt"), Err(Errno::Perm));
    let f = fs.lookup(w, 1, "/mnt/sub/f.txt", true).unwrap();
    assert_eq!(fs.write(f, 0, b"x"), Err(Errno::Perm));
    assert_eq!(fs.contents(f).unwrap(), b"hello");
}

#[test]
fn check_open_asks_the_provider_about_mounted_files_and_directories() {
    let (fs, fake, _) = setup(false);
    let w = fs.host_walk();
    let f = fs.lookup(w, 1, "/mnt/sub/f.txt", true).unwrap();
    assert_eq!(fs.check_open(f, true, false), Ok(()));
    fake.deny_write.set(true);
    assert_eq!(fs.check_open(f, true, true), Err(Errno::Acces));
    assert_eq!(fs.check_open(f, true, false), Ok(()));
    // A mounted directory is asked too (a host directory that refuses
    // opening fails the open); the MemFs's own files are not.
    let sub = fs.lookup(w, 1, "/mnt/sub", true).unwrap();
    let own = fs.lookup(w, 1, "/secret", true).unwrap();
    let asked = fake.calls.borrow().len();
    assert_eq!(fs.check_open(sub, true, false), Ok(()));
    assert_eq!(fake.calls.borrow().len(), asked + 1);
    assert_eq!(fs.check_open(own, true, true), Ok(()));
    assert_eq!(fake.calls.borrow().len(), asked + 1);
}

#[test]
fn a_waiting_provider_never_leaves_a_change_half_reported() {
    let (mut fs, fake, _) = setup(false);
    let w = fs.host_walk();
    let excl = OpenOptions {
        create: true,
        exclusive: true,
        write: true,
        ..Default::default()
    };
    // An exclusive create: the open that follows needs no check_open, so
    // a provider that would wait there cannot fail the call after the file
    // exists (its retry would find the file: EEXIST).
    let f = fs.open(w, 1, "/mnt/sub/new.txt", excl).unwrap();
    fake.waits.set(true);
    assert_eq!(fs.check_open(f, true, true), Ok(()));
    // Only right after the create: the next open is asked again.
    assert_eq!(fs.check_open(f, true, true), Err(Errno::WouldBlock));
    // An operation in between ends that: nothing is skipped later.
    fake.waits.set(false);
    let g = fs.open(w, 1, "/mnt/sub/other.txt", excl).unwrap();
    fs.sweep_ext();
    fake.deny_write.set(true);
    assert_eq!(fs.check_open(g, true, true), Err(Errno::Acces));
    fake.deny_write.set(false);
    // mkdir and symlink are done once the provider made them, even if
    // it cannot answer the lookup of the new node now.
    let sub = fs.lookup(w, 1, "/mnt/sub", true).unwrap();
    let h = fs.ext_node(sub).unwrap().handle;
    fake.waits.set(true);
    assert!(fs.mkdir(w, sub, "d").is_ok());
    assert!(fs.symlink("d", w, sub, "l").is_ok());
    fake.waits.set(false);
    assert_eq!(
        fake.entries(h)
            .unwrap()
            .iter()
            .filter(|(n, _)| n == "d" || n == "l")
            .count(),
        2
    );
    assert_eq!(
        fs.lookup(w, sub, "d", true).map(|i| fs.kind(i)),
        Ok(Kind::Dir)
    );
    fs.check_invariants().unwrap();
}

#[test]
fn proxies_are_held_by_descriptors_and_swept_when_unreferenced() {
    let (mut fs, fake, _) = setup(false);
    let w = fs.host_walk();
    let f = fs.lookup(w, 1, "/mnt/sub/f.txt", true).unwrap();
    fs.retain(f);
    assert_eq!(fake.open.get(), 1);
    for i in 0..3000 {
        fs.mkdir(w, 1, &format!("/mnt/d{i}")).unwrap();
        fs.sweep_ext();
    }
    assert!(fs.ext_count() < 2100, "{} proxies", fs.ext_count());
    assert!(fake.forgotten.get() > 0);
    // The held file and its parent survived every sweep.
    assert!(fs.exists(f));
    assert_eq!(fs.contents(f).unwrap(), b"hello");
    fs.check_invariants().unwrap();
    fs.release(f);
    assert_eq!(fake.open.get(), 0);
    drop(fs);
}

#[test]
fn readdir_cookies_survive_changes_through_the_core() {
    let (mut fs, _fake, _) = setup(false);
    let w = fs.host_walk();
    let dir = fs.lookup(w, 1, "/mnt", true).unwrap();
    let mut first = vec![];
    fs.readdir(dir, 0, |e| {
        first.push((e.name.to_string(), e.next));
        first.len() < 3
    })
    .unwrap();
    assert_eq!(first[2].0, "sub");
    fs.unlink(w, 1, "/mnt/up").unwrap();
    let mut rest = vec![];
    fs.readdir(dir, first[2].1, |e| {
        rest.push(e.name.to_string());
        true
    })
    .unwrap();
    assert_eq!(rest, ["abs", "inside"]);
}

#[test]
fn snapshots_leave_mounts_out() {
    let (fs, _, _) = setup(false);
    let mut bytes = Vec::new();
    fs.snapshot(&mut bytes);
    let mut back = MemFs::new();
    back.restore(&bytes[..]).unwrap();
    back.check_invariants().unwrap();
    let w = back.host_walk();
    assert_eq!(back.lookup(w, 1, "/mnt", false), Err(Errno::Noent));
    let secret = back.lookup(w, 1, "/secret", false).unwrap();
    assert_eq!(back.contents(secret).unwrap(), b"memfs secret");
}

#[test]
fn directories_walked_through_are_cached_until_the_core_changes_them() {
    let (mut fs, fake, root) = setup(false);
    let g = Walk::guest(root);
    fs.mkdir(g, root, "d").unwrap();
    let o = OpenOptions {
        create: true,
        write: true,
        ..Default::default()
    };
    fs.open(g, root, "d/f", o).unwrap();
    let before = fake.calls.borrow().len();
    fs.lookup(g, root, "d/f", false).unwrap();
    let calls: Vec<String> = fake.calls.borrow()[before..].to_vec();
    assert_eq!(calls, ["lookup f"], "d came from the cache");
    // Replaced through the core by a symlink out of the preopen: refused.
    fs.unlink(g, root, "d/f").unwrap();
    fs.rmdir(g, root, "d").unwrap();
    fs.symlink("../../secret", g, root, "d").unwrap();
    assert_eq!(fs.lookup(g, root, "d/f", false), Err(Errno::Perm));
    fs.check_invariants().unwrap();
}
