//! Path resolution and the operations that take paths.
//!
//! Every path is resolved inside a [`Walk`]'s root: `..` at the root, an
//! absolute path or an absolute symlink never leaves it. Guests get
//! wasmtime's answer for an escape (`EPERM`); the JS API treats `/` as the
//! filesystem root.

use super::node::{Dir, Node};
use super::{Ino, Kind, MemFs, OpenOptions, MAX_NAME};
use crate::error::{Errno, Result};

/// What an absolute path means in a walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Absolute {
    /// Refused with `EPERM`, as wasmtime refuses it for a preopen.
    Deny,
    /// Starts at the walk's root.
    FromRoot,
}

/// The confinement a path is resolved in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Walk {
    pub root: Ino,
    pub absolute: Absolute,
}

impl Walk {
    /// A guest's walk under a preopened directory.
    pub fn guest(root: Ino) -> Self {
        Walk {
            root,
            absolute: Absolute::Deny,
        }
    }
}

/// The last component of a path, and the directory that holds it.
pub(super) struct Parent<'p> {
    pub dir: Ino,
    pub name: &'p str,
    /// The path ended in `/`: the result must be a directory.
    pub slash: bool,
}

impl Parent<'_> {
    pub(super) fn is_dot(&self) -> bool {
        self.name == "." || self.name == ".."
    }
}

impl MemFs {
    fn check_path(&self, path: &str) -> Result<()> {
        if path.is_empty() {
            return Err(Errno::Noent);
        }
        if path.len() > self.limits.max_path {
            return Err(Errno::Nametoolong);
        }
        if path.as_bytes().contains(&0) {
            return Err(Errno::Inval);
        }
        Ok(())
    }

    /// `..` from `dir`, refusing to climb above the walk's root.
    fn up(&self, walk: Walk, dir: Ino) -> Result<Ino> {
        if dir == walk.root {
            return match walk.absolute {
                Absolute::Deny => Err(Errno::Perm),
                Absolute::FromRoot => Ok(dir),
            };
        }
        if dir == self.root() {
            // Reached the top without passing the walk's root: an escape.
            return Err(Errno::Perm);
        }
        self.parent(dir)
    }

    /// Resolves all but the last component of `path`.
    pub(super) fn parent_of<'p>(
        &self,
        walk: Walk,
        start: Ino,
        path: &'p str,
        depth: &mut u32,
    ) -> Result<Parent<'p>> {
        self.check_path(path)?;
        let mut dir = start;
        let mut rest = path;
        if rest.starts_with('/') {
            if walk.absolute == Absolute::Deny {
                return Err(Errno::Perm);
            }
            dir = walk.root;
            rest = rest.trim_start_matches('/');
            if rest.is_empty() {
                return Ok(Parent {
                    dir,
                    name: ".",
                    slash: true,
                });
            }
        }
        let slash = rest.ends_with('/');
        let trimmed = rest.trim_end_matches('/');
        // rsplit_once, not slicing at rfind: no char-boundary panic path,
        // which would link in core's Debug formatting of str (size).
        let (head, name) = trimmed.rsplit_once('/').unwrap_or(("", trimmed));
        for comp in head.split('/').filter(|c| !c.is_empty()) {
            dir = self.step(walk, dir, comp, depth)?;
        }
        if name.len() > MAX_NAME {
            return Err(Errno::Nametoolong);
        }
        self.check_dir(dir)?;
        if name == ".." {
            // A last `..` above the walk's root names something outside it:
            // refused before any existence check (mkdir/link/symlink would
            // say EEXIST), as wasmtime does.
            self.up(walk, dir)?;
        }
        Ok(Parent { dir, name, slash })
    }

    /// One intermediate component: it must end up a directory.
    fn step(&self, walk: Walk, dir: Ino, comp: &str, depth: &mut u32) -> Result<Ino> {
        if comp.len() > MAX_NAME {
            return Err(Errno::Nametoolong);
        }
        self.check_dir(dir)?;
        let next = match comp {
            "." => dir,
            ".." => self.up(walk, dir)?,
            name => match self.ext_node(dir) {
                Some(n) => self.ext_dir_child(dir, n, name)?,
                None => self.child(dir, name)?,
            }
            .ok_or(Errno::Noent)?,
        };
        let next = self.follow(walk, dir, next, depth)?;
        self.check_dir(next)?;
        Ok(next)
    }

    /// If `ino` is a symlink (found in `dir`), resolves it; else returns it.
    fn follow(&self, walk: Walk, dir: Ino, ino: Ino, depth: &mut u32) -> Result<Ino> {
        if self.kind(ino) == Kind::Symlink {
            *depth += 1;
            if *depth > self.limits.max_symlinks {
                return Err(Errno::Loop);
            }
            let target = self.readlink_ino(ino)?;
            if target.len() > self.limits.max_path {
                return Err(Errno::Nametoolong);
            }
            return self.lookup_depth(walk, dir, &target, true, depth);
        }
        Ok(ino)
    }

    fn lookup_depth(
        &self,
        walk: Walk,
        start: Ino,
        path: &str,
        follow: bool,
        depth: &mut u32,
    ) -> Result<Ino> {
        let p = self.parent_of(walk, start, path, depth)?;
        let ino = self.lookup_last(walk, &p, follow, depth)?;
        if p.slash && self.kind(ino) != Kind::Dir {
            return Err(Errno::Notdir);
        }
        Ok(ino)
    }

    fn lookup_last(&self, walk: Walk, p: &Parent, follow: bool, depth: &mut u32) -> Result<Ino> {
        let ino = match p.name {
            "." => return Ok(p.dir),
            ".." => return self.up(walk, p.dir),
            name => self.child(p.dir, name)?.ok_or(Errno::Noent)?,
        };
        if follow || p.slash {
            self.follow(walk, p.dir, ino, depth)
        } else {
            Ok(ino)
        }
    }

    /// Resolves a path to an inode; `follow` says whether a final symlink is
    /// followed (a trailing slash always follows).
    pub fn lookup(&self, walk: Walk, start: Ino, path: &str, follow: bool) -> Result<Ino> {
        self.lookup_depth(walk, start, path, follow, &mut 0)
    }

    /// Opens or creates a file or directory, like `openat`.
    pub fn open(&mut self, walk: Walk, start: Ino, path: &str, o: OpenOptions) -> Result<Ino> {
        if o.directory && o.create {
            return Err(Errno::Inval);
        }
        let mut depth = 0;
        let p = self.parent_of(walk, start, path, &mut depth)?;
        if o.create && p.slash {
            return Err(Errno::Isdir);
        }
        let existing = match p.name {
            "." | ".." => Some(self.lookup_last(walk, &p, false, &mut depth)?),
            name => self.child(p.dir, name)?,
        };
        let ino = match existing {
            None => {
                if !o.create {
                    return Err(Errno::Noent);
                }
                if p.slash {
                    return Err(Errno::Isdir);
                }
                if let Some(n) = self.ext_node(p.dir) {
                    return self.ext_create(p.dir, n, p.name, o.exclusive);
                }
                return self.new_node(p.dir, p.name, Node::File(Default::default()));
            }
            Some(_) if o.create && o.exclusive => return Err(Errno::Exist),
            Some(ino) => ino,
        };
        let ino = if self.kind(ino) == Kind::Symlink {
            if !(o.follow || p.slash) {
                return Err(Errno::Loop);
            }
            match self.follow(walk, p.dir, ino, &mut depth) {
                // O_CREAT through a dangling symlink creates its target.
                Err(Errno::Noent) if o.create => {
                    let target = self.readlink_ino(ino)?;
                    return self.open(walk, p.dir, &target, o);
                }
                r => r?,
            }
        } else {
            ino
        };
        match self.kind(ino) {
            Kind::Dir if o.write || o.truncate || o.create => Err(Errno::Isdir),
            Kind::Dir => Ok(ino),
            _ if o.directory || p.slash => Err(Errno::Notdir),
            _ if (o.write || o.truncate) && self.read_only(ino) => Err(Errno::Perm),
            _ => {
                if o.truncate && self.size(ino) > 0 {
                    self.set_size(ino, 0)?;
                }
                Ok(ino)
            }
        }
    }

    pub fn mkdir(&mut self, walk: Walk, start: Ino, path: &str) -> Result<Ino> {
        self.test_panic_seam();
        let p = self.parent_of(walk, start, path, &mut 0)?;
        if p.is_dot() || self.child(p.dir, p.name)?.is_some() {
            return Err(Errno::Exist);
        }
        let parent = p.dir;
        if let Some(n) = self.ext_node(parent) {
            return self.ext_mkdir(parent, n, p.name);
        }
        self.new_node(parent, p.name, Node::Dir(Dir::new(parent)))
    }

    /// `mkdir -p`: creates missing directories, accepts existing ones.
    pub fn mkdir_all(&mut self, walk: Walk, start: Ino, path: &str) -> Result<Ino> {
        match self.lookup(walk, start, path, true) {
            Ok(ino) if self.kind(ino) == Kind::Dir => return Ok(ino),
            Ok(_) => return Err(Errno::Exist),
            Err(Errno::Noent) => {}
            Err(e) => return Err(e),
        }
        let trimmed = path.trim_end_matches('/');
        if let Some((head, _)) = trimmed.rsplit_once('/') {
            if !head.is_empty() {
                self.mkdir_all(walk, start, head)?;
            }
        }
        self.mkdir(walk, start, path)
    }

    pub fn rmdir(&mut self, walk: Walk, start: Ino, path: &str) -> Result<()> {
        let p = self.parent_of(walk, start, path, &mut 0)?;
        if p.is_dot() {
            // `..` above the root was refused by `parent_of`.
            return Err(Errno::Inval);
        }
        let ino = self.child(p.dir, p.name)?.ok_or(Errno::Noent)?;
        if let Some(n) = self.ext_node(p.dir) {
            self.check_dir(ino)?;
            if ino == walk.root {
                return Err(Errno::Busy);
            }
            return self.ext_rmdir(n, p.name);
        }
        if self.ext_node(ino).is_some() {
            // A mount point.
            return Err(Errno::Busy);
        }
        if !self.dir(ino)?.is_empty() {
            return Err(Errno::Notempty);
        }
        if ino == walk.root || ino == self.root() {
            return Err(Errno::Busy);
        }
        self.dir_mut(p.dir)?.remove(p.name);
        self.inode_mut(p.dir).nlink -= 1;
        self.touch_modified(p.dir);
        self.inode_mut(ino).nlink = 0;
        self.maybe_free(ino);
        Ok(())
    }

    pub fn unlink(&mut self, walk: Walk, start: Ino, path: &str) -> Result<()> {
        let p = self.parent_of(walk, start, path, &mut 0)?;
        if p.is_dot() {
            return Err(Errno::Isdir);
        }
        let ino = self.child(p.dir, p.name)?.ok_or(Errno::Noent)?;
        match self.kind(ino) {
            Kind::Dir => return Err(Errno::Isdir),
            Kind::Symlink if p.slash => {
                // `link/` names what the link points to.
                let target = self.follow(walk, p.dir, ino, &mut 0)?;
                return Err(if self.kind(target) == Kind::Dir {
                    Errno::Isdir
                } else {
                    Errno::Notdir
                });
            }
            _ if p.slash => return Err(Errno::Notdir),
            _ => {}
        }
        if let Some(n) = self.ext_node(p.dir) {
            return self.ext_unlink(n, p.name);
        }
        self.dir_mut(p.dir)?.remove(p.name);
        self.touch_modified(p.dir);
        self.inode_mut(ino).nlink -= 1;
        self.touch_changed(ino);
        self.maybe_free(ino);
        Ok(())
    }

    pub fn symlink(&mut self, target: &str, walk: Walk, start: Ino, path: &str) -> Result<Ino> {
        self.check_path(target)?;
        if target.starts_with('/') && walk.absolute == Absolute::Deny {
            // wasmtime refuses a link that could only point outside.
            return Err(Errno::Perm);
        }
        let p = self.parent_of(walk, start, path, &mut 0)?;
        if p.is_dot() {
            return Err(Errno::Exist);
        }
        if let Some(ino) = self.child(p.dir, p.name)? {
            // `file/` names no directory; `dir/` exists.
            return Err(match self.follow(walk, p.dir, ino, &mut 0) {
                _ if !p.slash => Errno::Exist,
                Ok(t) if self.kind(t) == Kind::Dir => Errno::Exist,
                Ok(_) => Errno::Notdir,
                Err(e) => e,
            });
        }
        if p.slash {
            return Err(Errno::Noent);
        }
        if let Some(n) = self.ext_node(p.dir) {
            return self.ext_symlink(p.dir, n, p.name, target);
        }
        self.new_node(p.dir, p.name, Node::Symlink(target.to_string()))
    }

    pub fn readlink(&self, walk: Walk, start: Ino, path: &str) -> Result<String> {
        let p = self.parent_of(walk, start, path, &mut 0)?;
        let ino = self.lookup_last(walk, &p, false, &mut 0)?;
        if p.slash {
            // `link/` means what it points to: a directory is no symlink
            // (EINVAL), anything else is no directory (ENOTDIR).
            let target = self.follow(walk, p.dir, ino, &mut 0)?;
            return Err(if self.kind(target) == Kind::Dir {
                Errno::Inval
            } else {
                Errno::Notdir
            });
        }
        self.readlink_ino(ino)
    }

    /// A hard link `new` to the file at `old`.
    pub fn link(
        &mut self,
        old: (Walk, Ino, &str),
        follow: bool,
        new: (Walk, Ino, &str),
    ) -> Result<()> {
        let ino = self.lookup(old.0, old.1, old.2, follow)?;
        let p = self.parent_of(new.0, new.1, new.2, &mut 0)?;
        if p.is_dot() || self.child(p.dir, p.name)?.is_some() {
            return Err(Errno::Exist);
        }
        if self.kind(ino) == Kind::Dir {
            return Err(Errno::Perm);
        }
        if p.slash {
            return Err(Errno::Noent);
        }
        if self.mount_of(ino) != self.mount_of(p.dir) {
            return Err(Errno::Xdev);
        }
        if let Some(n) = self.ext_node(p.dir) {
            return self.ext_link(ino, n, p.name);
        }
        if self.inode(p.dir).nlink == 0 {
            return Err(Errno::Noent);
        }
        self.inode_mut(ino).nlink += 1;
        self.touch_changed(ino);
        self.link_into(p.dir, p.name, ino);
        Ok(())
    }

    /// POSIX rename. Every check comes before the first change.
    pub fn rename(&mut self, old: (Walk, Ino, &str), new: (Walk, Ino, &str)) -> Result<()> {
        let from = self.parent_of(old.0, old.1, old.2, &mut 0)?;
        let to = self.parent_of(new.0, new.1, new.2, &mut 0)?;
        if from.is_dot() || to.is_dot() {
            return Err(Errno::Busy);
        }
        let src = self.child(from.dir, from.name)?.ok_or(Errno::Noent)?;
        let src_dir = self.kind(src) == Kind::Dir;
        if !src_dir && (from.slash || to.slash) {
            return Err(Errno::Notdir);
        }
        if self.mount_of(from.dir) != self.mount_of(to.dir) {
            return Err(Errno::Xdev);
        }
        let dst = self.child(to.dir, to.name)?;
        if let Some(n) = self.ext_node(from.dir) {
            for ino in [Some(src), dst].into_iter().flatten() {
                if self.kind(ino) == Kind::Dir && (ino == old.0.root || ino == new.0.root) {
                    return Err(Errno::Busy);
                }
            }
            return self.ext_rename(n, from.name, src, to.dir, to.name);
        }
        if self.ext_node(src).is_some() || dst.is_some_and(|d| self.ext_node(d).is_some()) {
            // A mount point.
            return Err(Errno::Busy);
        }
        if let Some(dst) = dst {
            if dst == src {
                return Ok(());
            }
            match (src_dir, self.kind(dst) == Kind::Dir) {
                (true, false) => return Err(Errno::Notdir),
                (false, true) => return Err(Errno::Isdir),
                (true, true) if !self.dir(dst)?.is_empty() => return Err(Errno::Notempty),
                _ => {}
            }
            if dst == old.0.root || dst == new.0.root || dst == self.root() {
                return Err(Errno::Busy);
            }
        }
        if src_dir {
            if src == old.0.root || src == self.root() {
                return Err(Errno::Busy);
            }
            // A directory cannot move into itself or below itself.
            let mut d = to.dir;
            loop {
                if d == src {
                    return Err(Errno::Inval);
                }
                if d == self.root() {
                    break;
                }
                d = self.parent(d)?;
            }
        }
        if self.inode(to.dir).nlink == 0 {
            return Err(Errno::Noent);
        }
        // Checks done: now change.
        if let Some(dst) = dst {
            self.dir_mut(to.dir)?.remove(to.name);
            if self.kind(dst) == Kind::Dir {
                self.inode_mut(dst).nlink = 0;
                self.inode_mut(to.dir).nlink -= 1;
            } else {
                self.inode_mut(dst).nlink -= 1;
            }
            self.touch_changed(dst);
            self.maybe_free(dst);
        }
        self.dir_mut(from.dir)?.remove(from.name);
        self.touch_modified(from.dir);
        self.link_into(to.dir, to.name, src);
        if src_dir && from.dir != to.dir {
            self.dir_mut(src)?.parent = to.dir;
            self.inode_mut(from.dir).nlink -= 1;
            self.inode_mut(to.dir).nlink += 1;
        }
        self.touch_changed(src);
        Ok(())
    }

    /// The first entry of a directory (either kind), if any.
    fn first_entry(&self, dir: Ino) -> Result<Option<(String, Ino)>> {
        if self.ext_node(dir).is_some() {
            let mut first = None;
            self.readdir(dir, 2, |e| {
                first = Some(e.name.to_string());
                false
            })?;
            return match first {
                Some(name) => Ok(self.child(dir, &name)?.map(|ino| (name, ino))),
                None => Ok(None),
            };
        }
        Ok(self
            .dir(dir)?
            .iter_from(0)
            .next()
            .map(|(_, name, child)| (name.to_string(), child)))
    }

    /// `rm -r`: removes a file, symlink or directory tree. Whatever would
    /// make the final `rmdir` fail is refused before anything is removed:
    /// the root (`/`, `/.`, `/..`: `EBUSY`), a path ending in `.` or `..`
    /// (`EINVAL`), a trailing slash through a symlink (`ENOTDIR`).
    pub fn remove_all(&mut self, walk: Walk, start: Ino, path: &str) -> Result<()> {
        let ino = self.lookup(walk, start, path, false)?;
        if self.kind(ino) != Kind::Dir {
            return self.unlink(walk, start, path);
        }
        if ino == walk.root || ino == self.root() {
            return Err(Errno::Busy);
        }
        let p = self.parent_of(walk, start, path, &mut 0)?;
        if p.is_dot() {
            return Err(Errno::Inval);
        }
        if self.child(p.dir, p.name)? != Some(ino) {
            return Err(Errno::Notdir);
        }
        // Bottom-up without recursion: a guest can make a tree deeper than
        // the core's stack.
        let mut stack = vec![ino];
        while let Some(&dir) = stack.last() {
            let first = self.first_entry(dir)?;
            match first {
                None => {
                    stack.pop();
                }
                Some((_, child))
                    if self.kind(child) == Kind::Dir && self.first_entry(child)?.is_some() =>
                {
                    stack.push(child)
                }
                Some((name, child)) if self.kind(child) == Kind::Dir => {
                    self.rmdir(walk, dir, &name)?
                }
                Some((name, _)) => self.unlink(walk, dir, &name)?,
            }
        }
        self.rmdir(walk, start, path)
    }
}
