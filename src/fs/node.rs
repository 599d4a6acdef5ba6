//! Inodes: regular files, directories and symlinks.

use super::file::FileData;
use std::collections::{BTreeMap, HashMap};

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
pub struct Dir {
    pub parent: Ino,
    entries: BTreeMap<u64, (String, Ino)>,
    names: HashMap<String, u64>,
    next_seq: u64,
}

impl Dir {
    pub fn new(parent: Ino) -> Self {
        Dir {
            parent,
            entries: BTreeMap::new(),
            names: HashMap::new(),
            next_seq: 0,
        }
    }

    pub fn get(&self, name: &str) -> Option<Ino> {
        self.names.get(name).map(|seq| self.entries[seq].1)
    }

    pub fn insert(&mut self, name: &str, ino: Ino) {
        if let Some(seq) = self.names.get(name) {
            // Replacing keeps the entry's place in the order.
            self.entries.get_mut(seq).unwrap().1 = ino;
            return;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.insert(seq, (name.to_string(), ino));
        self.names.insert(name.to_string(), seq);
    }

    pub fn remove(&mut self, name: &str) -> Option<Ino> {
        let seq = self.names.remove(name)?;
        self.entries.remove(&seq).map(|(_, ino)| ino)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Entries whose sequence number is `from` or later, with that number.
    pub fn iter_from(&self, from: u64) -> impl Iterator<Item = (u64, &str, Ino)> {
        self.entries
            .range(from..)
            .map(|(seq, (name, ino))| (*seq, name.as_str(), *ino))
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
