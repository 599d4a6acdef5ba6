//! Snapshots: a whole `MemFs` as a POSIX tar archive (ustar headers, each
//! preceded by a pax extended header), and back.
//!
//! What an archive keeps: directories, regular files (holes are written as
//! zeros; a restored file stores no all-zero 64 KiB piece, so it is sparse
//! again), symlinks, hard links (a second name of an inode is a tar hard
//! link, `typeflag '1'`, so the restore links the same inode) and atime and
//! mtime in nanoseconds (pax `atime`/`mtime`). A MemFs has no permission
//! bits or owners: the archive says 0644 files, 0755 directories, 0777
//! symlinks, uid/gid 0, and a restore ignores them. ctime becomes the
//! restore time, as when `tar -x` extracts. Files only open (unlinked) are
//! not in the archive, nor are mounts (`mount`): their files are the
//! provider's.
//!
//! Restoring trusts nothing in the archive: every header's checksum is
//! checked, every size against what is left of the input before anything is
//! allocated, every change against the filesystem's limits; names are
//! confined to the root (no absolute name, no `..`, no entry created
//! through a symlink or a file), and a hard link names an entry made
//! earlier. A bad archive is an [`Error`] and restores nothing usable (the
//! caller drops the half-built filesystem).

use super::node::Node;
use super::{Ino, Kind, MemFs, MAX_NAME};
use crate::error::Errno;
use std::collections::HashMap;
use std::fmt;

const BLOCK: usize = 512;
/// A pax extended header, or a GNU long name, that is larger is refused:
/// no allocation is made from a size the archive chose beyond this.
const MAX_META: u64 = 1 << 20;
/// Restored files are copied in pieces of this size (one MemFs chunk), and
/// an all-zero piece is left as a hole.
const PIECE: usize = 64 << 10;

/// Why an archive could not be restored: an errno for the JS error's `code`
/// (`EINVAL` for a malformed archive, `ENOSPC`/`EFBIG`/`ENAMETOOLONG` for one
/// beyond the limits) and what was wrong, naming the entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub errno: Errno,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn bad(message: impl Into<String>) -> Error {
    Error {
        errno: Errno::Inval,
        message: message.into(),
    }
}

/// Where an archive is written: a `Vec` on the host, a JS `Uint8Array` in
/// the bindings, or a counter (to size the output first).
pub trait Sink {
    fn write(&mut self, bytes: &[u8]);
    fn zeros(&mut self, n: u64);
}

impl Sink for Vec<u8> {
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn zeros(&mut self, n: u64) {
        self.resize(self.len() + n as usize, 0);
    }
}

/// Counts what would be written.
#[derive(Default)]
pub struct Count(pub u64);

impl Sink for Count {
    fn write(&mut self, bytes: &[u8]) {
        self.0 += bytes.len() as u64;
    }
    fn zeros(&mut self, n: u64) {
        self.0 += n;
    }
}

/// Where an archive is read from, by offset: a slice, or a JS `Uint8Array`
/// (copied piece by piece, never whole into the core).
pub trait Source {
    fn len(&self) -> u64;
    /// Fills `buf` from `at`; the caller keeps `at + buf.len() <= len()`.
    fn read(&self, at: u64, buf: &mut [u8]);
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Source for [u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }
    fn read(&self, at: u64, buf: &mut [u8]) {
        let at = at as usize;
        buf.copy_from_slice(&self[at..at + buf.len()]);
    }
}

// ---------------------------------------------------------------- writing

/// One pax record, `"LEN key=value\n"`, where LEN counts itself.
fn pax_record(out: &mut Vec<u8>, key: &str, value: &str) {
    let body = key.len() + value.len() + 3; // ' ', '=', '\n'
    let mut len = body + 1;
    while len != body + len.to_string().len() {
        len = body + len.to_string().len();
    }
    out.extend_from_slice(format!("{len} {key}={value}\n").as_bytes());
}

/// Nanoseconds since the epoch as pax's decimal seconds.
fn pax_time(ns: u64) -> String {
    format!("{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000)
}

/// A numeric header field: octal digits and a NUL, or base-256 (GNU and
/// star's form, which pax readers accept) when the value does not fit.
fn put_number(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    if digits >= 22 || value < 1u64 << (3 * digits) {
        let s = format!("{value:0digits$o}");
        field[..digits].copy_from_slice(s.as_bytes());
        field[digits] = 0;
    } else {
        field.fill(0);
        let n = field.len();
        for (i, b) in value.to_be_bytes().iter().rev().enumerate() {
            field[n - 1 - i] = *b;
        }
        field[0] |= 0x80;
    }
}

/// `s` cut to at most `max` bytes on a character boundary.
fn cut(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

struct Header<'a> {
    name: &'a str,
    kind: u8,
    mode: u32,
    size: u64,
    mtime_s: u64,
    link: &'a str,
}

fn header(h: &Header) -> [u8; BLOCK] {
    let mut b = [0u8; BLOCK];
    let name = cut(h.name, 100);
    b[..name.len()].copy_from_slice(name.as_bytes());
    put_number(&mut b[100..108], h.mode as u64);
    put_number(&mut b[108..116], 0);
    put_number(&mut b[116..124], 0);
    put_number(&mut b[124..136], h.size);
    put_number(&mut b[136..148], h.mtime_s);
    b[156] = h.kind;
    let link = cut(h.link, 100);
    b[157..157 + link.len()].copy_from_slice(link.as_bytes());
    b[257..263].copy_from_slice(b"ustar\0");
    b[263..265].copy_from_slice(b"00");
    b[148..156].fill(b' ');
    let sum: u32 = b.iter().map(|&x| x as u32).sum();
    let s = format!("{sum:06o}\0 ");
    b[148..156].copy_from_slice(s.as_bytes());
    b
}

fn pad(sink: &mut impl Sink, size: u64) {
    let rem = size % BLOCK as u64;
    if rem != 0 {
        sink.zeros(BLOCK as u64 - rem);
    }
}

impl MemFs {
    /// Writes the whole filesystem to `sink` as a tar archive (see the
    /// module documentation). Directories are listed in creation order, so
    /// the same tree gives the same archive.
    pub fn snapshot(&self, sink: &mut impl Sink) {
        // Inodes already written under a name: a later name is a hard link.
        let mut seen: HashMap<Ino, String> = HashMap::new();
        let mut stack: Vec<(String, Ino)> = vec![(String::new(), self.root())];
        while let Some((path, ino)) = stack.pop() {
            self.snapshot_entry(sink, &path, ino, &mut seen);
            if let Node::Dir(d) = &self.inode(ino).node {
                // Reversed onto the stack: popped in creation order.
                let children: Vec<(String, Ino)> = d
                    .iter_from(0)
                    // A mount's files are the provider's (a host folder), not the MemFs's.
                    .filter(|&(_, _, child)| child < super::EXT_BASE)
                    .map(|(_, name, child)| {
                        let full = if path.is_empty() {
                            name.to_string()
                        } else {
                            format!("{path}/{name}")
                        };
                        (full, child)
                    })
                    .collect();
                stack.extend(children.into_iter().rev());
            }
        }
        // The end of the archive: two zero blocks.
        sink.zeros(2 * BLOCK as u64);
    }

    fn snapshot_entry(
        &self,
        sink: &mut impl Sink,
        path: &str,
        ino: Ino,
        seen: &mut HashMap<Ino, String>,
    ) {
        let i = self.inode(ino);
        let kind = i.kind();
        let name = match kind {
            Kind::Dir if path.is_empty() => "./".to_string(),
            Kind::Dir => format!("{path}/"),
            _ => path.to_string(),
        };
        let earlier = if kind != Kind::Dir && i.nlink > 1 {
            match seen.get(&ino) {
                Some(first) => Some(first.clone()),
                None => {
                    seen.insert(ino, path.to_string());
                    None
                }
            }
        } else {
            None
        };
        let (flag, mode, size, link) = match (&i.node, &earlier) {
            (_, Some(first)) => (b'1', 0o644, 0, first.as_str()),
            (Node::Dir(_), None) => (b'5', 0o755, 0, ""),
            (Node::File(f), None) => (b'0', 0o644, f.size, ""),
            (Node::Symlink(t), None) => (b'2', 0o777, 0, t.as_str()),
        };
        let mut pax = Vec::new();
        if name.len() > 100 {
            pax_record(&mut pax, "path", &name);
        }
        if link.len() > 100 {
            pax_record(&mut pax, "linkpath", link);
        }
        if size >= 1 << 33 {
            pax_record(&mut pax, "size", &size.to_string());
        }
        pax_record(&mut pax, "mtime", &pax_time(i.mtim));
        pax_record(&mut pax, "atime", &pax_time(i.atim));
        let base = path.rsplit('/').next().unwrap_or("");
        let pax_name = format!("PaxHeaders/{}", cut(base, 80));
        sink.write(&header(&Header {
            name: &pax_name,
            kind: b'x',
            mode: 0o644,
            size: pax.len() as u64,
            mtime_s: i.mtim / 1_000_000_000,
            link: "",
        }));
        sink.write(&pax);
        pad(sink, pax.len() as u64);
        sink.write(&header(&Header {
            name: &name,
            kind: flag,
            mode,
            size,
            mtime_s: i.mtim / 1_000_000_000,
            link,
        }));
        if flag == b'0' {
            let mut at = 0u64;
            // A file's chunks: what is not stored reads as zeros.
            let _ = self.chunks(ino, |offset, bytes| {
                sink.zeros(offset - at);
                sink.write(bytes);
                at = offset + bytes.len() as u64;
            });
            sink.zeros(size - at);
            pad(sink, size);
        }
    }
}

// ---------------------------------------------------------------- reading

/// A NUL-terminated header field.
fn field(b: &[u8]) -> &[u8] {
    b.iter().position(|&c| c == 0).map_or(b, |n| &b[..n])
}

fn number(b: &[u8], what: &str) -> Result<u64, Error> {
    if b[0] & 0x80 != 0 {
        if b[0] == 0xff {
            return Err(bad(format!("negative {what}")));
        }
        let mut v: u64 = (b[0] & 0x7f) as u64;
        for &c in &b[1..] {
            v = v
                .checked_mul(256)
                .and_then(|v| v.checked_add(c as u64))
                .ok_or_else(|| bad(format!("{what} out of range")))?;
        }
        return Ok(v);
    }
    let text = field(b);
    let digits = text
        .iter()
        .position(|&c| c != b' ')
        .map_or(&[][..], |s| &text[s..]);
    let end = digits
        .iter()
        .position(|&c| c == b' ')
        .unwrap_or(digits.len());
    let mut v: u64 = 0;
    for &c in &digits[..end] {
        if !(b'0'..=b'7').contains(&c) {
            return Err(bad(format!("bad {what} field")));
        }
        v = v
            .checked_mul(8)
            .and_then(|v| v.checked_add((c - b'0') as u64))
            .ok_or_else(|| bad(format!("{what} out of range")))?;
    }
    Ok(v)
}

fn utf8(b: &[u8], what: &str) -> Result<String, Error> {
    String::from_utf8(b.to_vec()).map_err(|_| bad(format!("{what} is not UTF-8")))
}

/// Pax's decimal seconds (`-12`, `1700000000.5`) as nanoseconds since the
/// epoch; before 1970 becomes 0 (a MemFs time is unsigned).
fn parse_time(v: &str) -> Result<u64, Error> {
    let err = || bad(format!("bad pax time '{v}'"));
    let (neg, v) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v),
    };
    let (secs, frac) = v.split_once('.').unwrap_or((v, ""));
    if secs.is_empty() || !secs.bytes().all(|c| c.is_ascii_digit()) {
        return Err(err());
    }
    if !frac.bytes().all(|c| c.is_ascii_digit()) {
        return Err(err());
    }
    if neg {
        return Ok(0);
    }
    let s: u64 = secs.parse().map_err(|_| err())?;
    let mut ns: u64 = 0;
    for (i, c) in frac.bytes().take(9).enumerate() {
        ns += (c - b'0') as u64 * 10u64.pow(8 - i as u32);
    }
    Ok(s.saturating_mul(1_000_000_000).saturating_add(ns))
}

/// What the pax header before an entry overrides.
#[derive(Default)]
struct Pax {
    path: Option<String>,
    link: Option<String>,
    size: Option<u64>,
    mtime: Option<u64>,
    atime: Option<u64>,
}

fn parse_pax(data: &[u8], pax: &mut Pax) -> Result<(), Error> {
    let mut rest = data;
    while !rest.is_empty() {
        let space = rest
            .iter()
            .position(|&c| c == b' ')
            .ok_or_else(|| bad("bad pax record"))?;
        let len: usize = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("bad pax record length"))?;
        if len <= space + 1 || len > rest.len() || rest[len - 1] != b'\n' {
            return Err(bad("bad pax record length"));
        }
        let record = &rest[space + 1..len - 1];
        rest = &rest[len..];
        let eq = record
            .iter()
            .position(|&c| c == b'=')
            .ok_or_else(|| bad("bad pax record"))?;
        let (key, value) = (&record[..eq], &record[eq + 1..]);
        match key {
            b"path" => pax.path = Some(utf8(value, "a pax path")?),
            b"linkpath" => pax.link = Some(utf8(value, "a pax linkpath")?),
            b"size" => {
                let v = utf8(value, "a pax size")?;
                pax.size = Some(v.parse().map_err(|_| bad(format!("bad pax size '{v}'")))?);
            }
            b"mtime" => pax.mtime = Some(parse_time(&utf8(value, "a pax mtime")?)?),
            b"atime" => pax.atime = Some(parse_time(&utf8(value, "a pax atime")?)?),
            // Others (ctime, uid, uname, vendor keys...) have no place in a MemFs.
            _ => {}
        }
    }
    Ok(())
}

/// An archive name as components from the root: `./a//b/` is `[a, b]`.
/// Absolute names and `..` are refused: nothing is made outside the root.
fn components(name: &str) -> Result<Vec<&str>, Error> {
    if name.starts_with('/') {
        return Err(bad(format!("absolute name '{name}'")));
    }
    let mut out = Vec::new();
    for c in name.split('/') {
        match c {
            "" | "." => {}
            ".." => return Err(bad(format!("'..' in name '{name}'"))),
            c if c.len() > MAX_NAME => {
                return Err(Error {
                    errno: Errno::Nametoolong,
                    message: format!("a name longer than {MAX_NAME} bytes in '{name}'"),
                })
            }
            c if c.contains('\0') => return Err(bad("a name with a NUL byte")),
            c => out.push(c),
        }
    }
    Ok(out)
}

fn limit(e: Errno, name: &str) -> Error {
    Error {
        errno: e,
        message: format!("'{name}': {}", e.describe()),
    }
}

impl MemFs {
    /// The directory `comps` names, made if missing. An existing component
    /// that is not a directory (a symlink included: never followed) is an
    /// error.
    fn restore_dir(&mut self, comps: &[&str], name: &str) -> Result<Ino, Error> {
        let mut dir = self.root();
        for c in comps {
            dir = match self.child(dir, c).map_err(|e| limit(e, name))? {
                Some(ino) if self.kind(ino) == Kind::Dir => ino,
                Some(_) => {
                    return Err(bad(format!(
                        "'{name}' goes through '{c}', which is not a directory"
                    )))
                }
                None => self
                    .new_node(dir, c, Node::Dir(super::node::Dir::new(dir)))
                    .map_err(|e| limit(e, name))?,
            };
        }
        Ok(dir)
    }

    /// The entry `comps` names, without following symlinks.
    fn restore_lookup(&self, comps: &[&str]) -> Option<Ino> {
        let mut ino = self.root();
        for c in comps {
            if self.kind(ino) != Kind::Dir {
                return None;
            }
            ino = self.child(ino, c).ok()??;
        }
        Some(ino)
    }

    /// Restores `src`, a tar archive (pax, ustar, GNU long names, or old
    /// v7), into this filesystem, which should be empty: entries that exist
    /// already are refused (directories excepted). See the module
    /// documentation for what is checked.
    pub fn restore(&mut self, src: &(impl Source + ?Sized)) -> Result<(), Error> {
        let len = src.len();
        let mut at: u64 = 0;
        let mut pax = Pax::default();
        let mut gnu_name: Option<String> = None;
        let mut gnu_link: Option<String> = None;
        // Directory times are set last: adding entries changes them.
        let mut dir_times: Vec<(Ino, u64, u64)> = Vec::new();
        let mut piece = Vec::new();
        loop {
            if at + BLOCK as u64 > len {
                return Err(bad(if at == len {
                    "truncated: the end-of-archive blocks are missing".to_string()
                } else {
                    format!("truncated: a header at byte {at} is cut short")
                }));
            }
            let mut b = [0u8; BLOCK];
            src.read(at, &mut b);
            at += BLOCK as u64;
            if b.iter().all(|&c| c == 0) {
                // The end (a second zero block, or data after it, is not read).
                break;
            }
            let stored = number(&b[148..156], "checksum")?;
            let sum: u64 = b
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    if (148..156).contains(&i) {
                        32
                    } else {
                        c as u64
                    }
                })
                .sum();
            if stored != sum {
                return Err(bad(format!(
                    "not a tar archive (bad header checksum at byte {})",
                    at - BLOCK as u64
                )));
            }
            let flag = b[156];
            let size = match pax.size {
                Some(s) if !matches!(flag, b'x' | b'g') => s,
                _ => number(&b[124..136], "size")?,
            };
            let data_at = at;
            let padded = size.div_ceil(BLOCK as u64).saturating_mul(BLOCK as u64);
            if size > len - at {
                return Err(bad(format!(
                    "truncated: the data of an entry at byte {} needs {size} bytes, {} are left",
                    at - BLOCK as u64,
                    len - at
                )));
            }
            at = at.saturating_add(padded).min(len);
            // Metadata entries: read (bounded), then on to the entry they describe.
            if matches!(flag, b'x' | b'g' | b'L' | b'K') {
                if size > MAX_META {
                    return Err(bad(format!("a {size}-byte metadata header")));
                }
                let mut data = vec![0u8; size as usize];
                src.read(data_at, &mut data);
                match flag {
                    b'x' => parse_pax(&data, &mut pax)?,
                    // Global headers hold defaults this restore has no use for.
                    b'g' => {}
                    b'L' => gnu_name = Some(utf8(field(&data), "a GNU long name")?),
                    _ => gnu_link = Some(utf8(field(&data), "a GNU long link name")?),
                }
                continue;
            }
            let ustar = &b[257..262] == b"ustar";
            let name = match (pax.path.take(), gnu_name.take()) {
                (Some(p), _) | (None, Some(p)) => p,
                _ => {
                    let base = utf8(field(&b[0..100]), "a name")?;
                    let prefix = if ustar {
                        utf8(field(&b[345..500]), "a name prefix")?
                    } else {
                        String::new()
                    };
                    if prefix.is_empty() {
                        base
                    } else {
                        format!("{prefix}/{base}")
                    }
                }
            };
            let link = match (pax.link.take(), gnu_link.take()) {
                (Some(l), _) | (None, Some(l)) => l,
                _ => utf8(field(&b[157..257]), "a link name")?,
            };
            let mtime = match pax.mtime.take() {
                Some(t) => t,
                None => number(&b[136..148], "mtime")?.saturating_mul(1_000_000_000),
            };
            let atime = pax.atime.take().unwrap_or(mtime);
            pax = Pax::default();
            let comps = components(&name)?;
            let is_dir = flag == b'5' || (matches!(flag, b'0' | 0) && name.ends_with('/'));
            let Some((last, parents)) = comps.split_last() else {
                if !is_dir {
                    return Err(bad("an entry for the root that is not a directory"));
                }
                dir_times.push((self.root(), atime, mtime));
                continue;
            };
            let dir = self.restore_dir(parents, &name)?;
            let existing = self.child(dir, last).map_err(|e| limit(e, &name))?;
            if is_dir {
                let ino = match existing {
                    Some(ino) if self.kind(ino) == Kind::Dir => ino,
                    Some(_) => return Err(bad(format!("'{name}' appears twice"))),
                    None => self
                        .new_node(dir, last, Node::Dir(super::node::Dir::new(dir)))
                        .map_err(|e| limit(e, &name))?,
                };
                dir_times.push((ino, atime, mtime));
                continue;
            }
            if existing.is_some() {
                return Err(bad(format!("'{name}' appears twice")));
            }
            match flag {
                b'0' | 0 | b'7' => {
                    let ino = self
                        .new_node(dir, last, Node::File(Default::default()))
                        .map_err(|e| limit(e, &name))?;
                    if size > self.limits.max_file_size {
                        return Err(limit(Errno::Fbig, &name));
                    }
                    // Each piece is checked against maxBytes before it is
                    // stored (`write_with`), so the limits bound what a
                    // hostile archive makes the core allocate.
                    let mut off = 0u64;
                    while off < size {
                        let n = (size - off).min(PIECE as u64) as usize;
                        piece.resize(n, 0);
                        src.read(data_at + off, &mut piece);
                        if piece.iter().any(|&c| c != 0) {
                            self.write(ino, off, &piece).map_err(|e| limit(e, &name))?;
                        }
                        off += n as u64;
                    }
                    if self.size(ino) != size {
                        self.set_size(ino, size).map_err(|e| limit(e, &name))?;
                    }
                    self.with_file(ino, |f| f.trim());
                    let i = self.inode_mut(ino);
                    (i.atim, i.mtim) = (atime, mtime);
                }
                b'2' => {
                    if link.len() > self.limits.max_path {
                        return Err(limit(Errno::Nametoolong, &name));
                    }
                    if link.is_empty() || link.contains('\0') {
                        return Err(bad(format!("'{name}': an empty symlink target")));
                    }
                    let ino = self
                        .new_node(dir, last, Node::Symlink(link))
                        .map_err(|e| limit(e, &name))?;
                    let i = self.inode_mut(ino);
                    (i.atim, i.mtim) = (atime, mtime);
                }
                b'1' => {
                    let target = components(&link)?;
                    let ino = self.restore_lookup(&target).ok_or_else(|| {
                        bad(format!(
                            "'{name}' links to '{link}', not in the archive before it"
                        ))
                    })?;
                    if self.kind(ino) == Kind::Dir {
                        return Err(bad(format!("'{name}' is a hard link to a directory")));
                    }
                    self.inode_mut(ino).nlink += 1;
                    self.link_into(dir, last, ino);
                }
                other => {
                    return Err(bad(format!(
                        "'{name}': entry type '{}' (devices, FIFOs...) has no place in a MemFS",
                        other as char
                    )))
                }
            }
        }
        for (ino, atime, mtime) in dir_times {
            let i = self.inode_mut(ino);
            (i.atim, i.mtim) = (atime, mtime);
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod tests;
