//! Inodes: regular files, directories and symlinks.

use super::file::FileData;
use std::collections::HashMap;

pub type Ino = u64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
}

/// A directory. Entries keep a sequence number in creation order: readdir
/// walks them in that order, and a cookie is a sequence number, so cookies
/// stay valid while other entries come and go.
///
/// The entries are a vector in sequence order (a new entry always has the
/// highest number) searched by binary search, not a `BTreeMap`: as fast,
/// and a B-tree instantiation was 3 KB of the gzipped core. A removed entry
/// leaves a hole (inode 0: inode numbers start at 1) that is swept out once
/// holes are half the vector, so removing is amortised O(1) and a cookie
/// never moves.
pub struct Dir {
    pub parent: Ino,
    entries: Vec<(u64, String, Ino)>,
    holes: usize,
    names: HashMap<String, u64>,
    next_seq: u64,
}

impl Dir {
    pub fn new(parent: Ino) -> Self {
        Dir {
            parent,
            entries: Vec::new(),
            holes: 0,
            names: HashMap::new(),
            next_seq: 0,
        }
    }

    /// The index in `entries` of the live entry numbered `seq`.
    fn at(&self, seq: u64) -> Option<usize> {
        let i = self.entries.binary_search_by_key(&seq, |e| e.0).ok()?;
        (self.entries[i].2 != 0).then_some(i)
    }

    pub fn get(&self, name: &str) -> Option<Ino> {
        let i = self.at(*self.names.get(name)?)?;
        Some(self.entries[i].2)
    }

    pub fn insert(&mut self, name: &str, ino: Ino) {
        debug_assert_ne!(ino, 0, "0 marks a removed entry");
        if let Some(i) = self.names.get(name).and_then(|&seq| self.at(seq)) {
            // Replacing keeps the entry's place in the order.
            self.entries[i].2 = ino;
            return;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.push((seq, name.to_string(), ino));
        self.names.insert(name.to_string(), seq);
    }

    pub fn remove(&mut self, name: &str) -> Option<Ino> {
        let seq = self.names.remove(name)?;
        let i = self.at(seq)?;
        let ino = std::mem::replace(&mut self.entries[i].2, 0);
        self.entries[i].1 = String::new();
        self.holes += 1;
        if self.holes * 2 > self.entries.len() {
            self.entries.retain(|e| e.2 != 0);
            self.holes = 0;
        }
        Some(ino)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
        self.entries.len() - self.holes
    }

    /// Entries whose sequence number is `from` or later, with that number.
    pub fn iter_from(&self, from: u64) -> impl Iterator<Item = (u64, &str, Ino)> {
        let start = self.entries.partition_point(|e| e.0 < from);
        self.entries[start..]
            .iter()
            .filter(|e| e.2 != 0)
            .map(|(seq, name, ino)| (*seq, name.as_str(), *ino))
    }
}

pub enum Node {
    File(FileData),
    Dir(Dir),
    Symlink(String),
}

pub struct Inode {
    pub node: Node,
    pub nlink: u64,
    /// Open descriptors; an unlinked inode lives until the last one closes.
    pub open: u32,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Inode {
    pub fn kind(&self) -> Kind {
        match self.node {
            Node::File(_) => Kind::File,
            Node::Dir(_) => Kind::Dir,
            Node::Symlink(_) => Kind::Symlink,
        }
    }

    pub fn size(&self) -> u64 {
        match &self.node {
            Node::File(f) => f.size,
            Node::Dir(d) => 4096.max(d.len() as u64 * 32),
            Node::Symlink(t) => t.len() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Dir;

    fn listing(d: &Dir, from: u64) -> Vec<(u64, String, u64)> {
        d.iter_from(from)
            .map(|(s, n, i)| (s, n.to_string(), i))
            .collect()
    }

    #[test]
    fn removed_entries_leave_no_trace_and_cookies_stay_put() {
        let mut d = Dir::new(1);
        for i in 0..10u64 {
            d.insert(&format!("f{i}"), i + 2);
        }
        // Replacing keeps the place; removing most sweeps the holes out.
        d.insert("f3", 99);
        for i in [0, 1, 2, 4, 5, 6, 8] {
            assert_eq!(d.remove(&format!("f{i}")), Some(i + 2));
        }
        assert_eq!(d.remove("f0"), None);
        assert_eq!(d.len(), 3);
        // Swept at the sixth removal (holes > half); the seventh left one.
        assert_eq!((d.entries.len(), d.holes), (4, 1));
        assert_eq!(d.get("f3"), Some(99));
        assert_eq!(d.get("f4"), None);
        let all = listing(&d, 0);
        let want = [(3, "f3", 99), (7, "f7", 9), (9, "f9", 11)];
        assert_eq!(all.len(), 3);
        for ((s, n, i), (ws, wn, wi)) in all.iter().zip(want) {
            assert_eq!((*s, n.as_str(), *i), (ws, wn, wi));
        }
        // A cookie taken before the removals still means the same place.
        assert_eq!(listing(&d, 4)[0].0, 7);
        assert_eq!(listing(&d, 8)[0].0, 9);
        assert!(listing(&d, 10).is_empty());
        // A name used again is a new entry, at the end.
        d.insert("f0", 50);
        assert_eq!(listing(&d, 0).last().unwrap().0, 10);
        for n in ["f3", "f7", "f9", "f0"] {
            d.remove(n);
        }
        assert!(d.is_empty());
        assert!(listing(&d, 0).is_empty());
    }
}
