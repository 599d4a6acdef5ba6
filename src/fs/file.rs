//! A regular file's contents: chunks of at most [`CHUNK`] bytes, keyed by
//! index, so that
//! - a big file never needs one big allocation (a `Vec` that doubles costs
//!   up to twice the data, and three times while it copies);
//! - a hole costs nothing: a chunk nothing was written to does not exist,
//!   so a file may be sparse up to 2^63 - 1 bytes;
//! - small files stay cheap: the first chunk grows by doubling, so a run of
//!   small appends is amortized O(1) each.
//!
//! A chunk holds the bytes from its start up to the furthest byte written
//! in it (a dense prefix); the rest of it reads as zeros.
//!
//! What a file counts against `max_bytes` is its *charge*: the stored bytes,
//! but a chunk after the first counts at least [`MIN_CHARGE`] (as a native
//! filesystem counts whole blocks), so a guest that writes one byte every
//! 64 KiB cannot make the chunk bookkeeping outgrow its limit.
//! Capacity beyond the stored bytes (slack) is rationed by the caller.

use crate::error::Result;
use std::collections::BTreeMap;

/// Bytes in one chunk.
pub const CHUNK: u64 = 64 << 10;
/// The least a chunk after a file's first counts against `max_bytes`.
pub const MIN_CHARGE: u64 = 4096;
/// The first allocation of a first chunk that grows by appending.
const MIN_GROW: usize = 64;
/// Zeros to extend chunks with, a piece at a time (4 KiB of read-only
/// data: a constant, so the core keeps no `static`).
const ZEROS: &[u8] = &[0; 4096];

/// What chunk `index` holding `len` bytes counts against `max_bytes`.
fn charge(index: u64, len: u64) -> u64 {
    if index == 0 || len == 0 {
        len
    } else {
        len.max(MIN_CHARGE)
    }
}

#[derive(Default)]
pub struct FileData {
    chunks: BTreeMap<u64, Vec<u8>>,
    /// The file's size; every chunk ends at or before it.
    pub size: u64,
    /// Sum of the chunks' charges.
    charged: u64,
    /// Sum of the chunks' capacities: the memory they hold.
    capacity: u64,
}

impl FileData {
    pub fn charged(&self) -> u64 {
        self.charged
    }

    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// The bytes stored in chunk `k` (0 for a hole).
    fn len_of(&self, k: u64) -> u64 {
        self.chunks.get(&k).map_or(0, |c| c.len() as u64)
    }

    /// How much the charge would grow if `offset..end` were stored. Closed
    /// form over the chunks that exist: a range of 2^62 bytes costs no loop.
    pub fn growth(&self, offset: u64, end: u64) -> u64 {
        if end <= offset {
            return 0;
        }
        let first = offset / CHUNK;
        let last = (end - 1) / CHUNK;
        let edge = |k: u64| {
            let want = end.min((k + 1).saturating_mul(CHUNK)) - k * CHUNK;
            let cur = self.len_of(k);
            charge(k, cur.max(want)) - charge(k, cur)
        };
        let mut grow = edge(first);
        if last != first {
            grow += edge(last);
        }
        if last > first + 1 {
            // Every chunk strictly inside becomes full.
            let held: u64 = self
                .chunks
                .range(first + 1..last)
                .map(|(&k, c)| charge(k, c.len() as u64))
                .sum();
            grow += (last - first - 1) * CHUNK - held;
        }
        grow
    }

    /// Extends chunk `k` to hold `want` bytes (new bytes are zeros) and
    /// returns its old length. Capacity beyond `want` (room for later
    /// appends) is taken only while `slack` allows; else it grows exactly.
    fn extend(&mut self, k: u64, want: usize, slack: &mut u64) -> usize {
        let chunk = self.chunks.entry(k).or_default();
        let old = chunk.len();
        if want <= old {
            return old;
        }
        let cap = chunk.capacity();
        if want > cap {
            // The first chunk doubles (small files, appends); a later one
            // is taken whole, since a file that reached it is a big one.
            let target = if k == 0 {
                want.max(cap * 2).max(MIN_GROW)
            } else {
                CHUNK as usize
            }
            .min(CHUNK as usize);
            let over = (target - want) as u64;
            let target = if over <= *slack {
                *slack -= over;
                target
            } else {
                want
            };
            chunk.reserve_exact(target - old);
            self.capacity += (chunk.capacity() - cap) as u64;
        }
        // A copy from zeros is a memcpy even in a debug build (resize is a
        // byte loop there).
        let mut left = want - old;
        while left > 0 {
            let n = left.min(ZEROS.len());
            chunk.extend_from_slice(&ZEROS[..n]);
            left -= n;
        }
        self.charged += charge(k, want as u64) - charge(k, old as u64);
        old
    }

    /// Cuts chunk `k` to `len` bytes (removing it at 0) and gives back
    /// capacity it no longer needs.
    fn cut(&mut self, k: u64, len: usize) {
        let Some(chunk) = self.chunks.get_mut(&k) else {
            return;
        };
        let old = chunk.len();
        if len >= old {
            return;
        }
        self.charged -= charge(k, old as u64) - charge(k, len as u64);
        if len == 0 {
            let c = self.chunks.remove(&k).expect("chunk");
            self.capacity -= c.capacity() as u64;
            return;
        }
        chunk.truncate(len);
        let cap = chunk.capacity();
        chunk.shrink_to_fit();
        self.capacity -= (cap - chunk.capacity()) as u64;
    }

    /// Stores `offset..offset + len`: every chunk it touches is extended to
    /// cover it, then `fill(done, piece)` copies the bytes from `done` on
    /// into `piece`, chunk by chunk. The caller checked the limits. If `fill`
    /// fails, every chunk is cut back to its old length and the size is
    /// unchanged (bytes already copied over old ones stay).
    pub fn write(
        &mut self,
        offset: u64,
        len: u64,
        slack: &mut u64,
        mut fill: impl FnMut(u64, &mut [u8]) -> Result<()>,
    ) -> Result<()> {
        let end = offset + len;
        let mut pos = offset;
        // Old lengths, to undo; a write within one chunk allocates nothing.
        let mut first: Option<(u64, usize)> = None;
        let mut more: Vec<(u64, usize)> = Vec::new();
        while pos < end {
            let k = pos / CHUNK;
            let start = k * CHUNK;
            let stop = end.min(start + CHUNK);
            let old = self.extend(k, (stop - start) as usize, slack);
            if first.is_none() {
                first = Some((k, old));
            } else {
                more.push((k, old));
            }
            let chunk = self.chunks.get_mut(&k).expect("extended chunk");
            let piece = &mut chunk[(pos - start) as usize..(stop - start) as usize];
            if let Err(e) = fill(pos - offset, piece) {
                for (k, old) in first.into_iter().chain(more) {
                    self.cut(k, old);
                }
                return Err(e);
            }
            pos = stop;
        }
        self.size = self.size.max(end);
        Ok(())
    }

    /// Calls `sink(bytes, zeros)` for `offset..offset + len` (clipped at the
    /// size), in order: stored bytes, then how many hole zeros follow them.
    /// Returns the bytes covered.
    pub fn read(
        &self,
        offset: u64,
        len: u64,
        mut sink: impl FnMut(&[u8], u64) -> Result<()>,
    ) -> Result<u64> {
        let end = self.size.min(offset.saturating_add(len));
        if offset >= end {
            return Ok(0);
        }
        let mut pos = offset;
        let mut pending: &[u8] = &[];
        for (&k, chunk) in self.chunks.range(offset / CHUNK..) {
            let start = k * CHUNK;
            if start >= end {
                break;
            }
            let stop = end.min(start + chunk.len() as u64);
            if stop <= pos {
                continue;
            }
            let from = pos.max(start);
            if !pending.is_empty() || from > pos {
                sink(pending, from - pos)?;
            }
            pending = &chunk[(from - start) as usize..(stop - start) as usize];
            pos = stop;
        }
        sink(pending, end - pos)?;
        Ok(end - offset)
    }

    /// Sets the size: growing adds a hole, shrinking drops what is past it.
    pub fn set_size(&mut self, size: u64) {
        if size < self.size {
            let gone = self.chunks.split_off(&size.div_ceil(CHUNK));
            for (k, c) in gone {
                self.charged -= charge(k, c.len() as u64);
                self.capacity -= c.capacity() as u64;
            }
            let k = size / CHUNK;
            let keep = (size - k * CHUNK) as usize;
            self.cut(k, keep);
        }
        self.size = size;
    }

    /// Gives back capacity beyond the stored bytes (when nothing has the
    /// file open, so no append is coming).
    pub fn trim(&mut self) {
        for chunk in self.chunks.values_mut() {
            let cap = chunk.capacity();
            if cap > chunk.len() {
                chunk.shrink_to_fit();
                self.capacity -= (cap - chunk.capacity()) as u64;
            }
        }
    }

    /// The file's bytes `0..size` into `out` (which holds zeros).
    pub fn copy_out(&self, out: &mut [u8]) {
        for (&k, chunk) in &self.chunks {
            let start = (k * CHUNK) as usize;
            out[start..start + chunk.len()].copy_from_slice(chunk);
        }
    }

    /// Calls `f(offset, bytes)` for each chunk's stored bytes, in order.
    pub fn for_each_chunk(&self, mut f: impl FnMut(u64, &[u8])) {
        for (&k, chunk) in &self.chunks {
            f(k * CHUNK, chunk);
        }
    }

    /// Checks the bookkeeping; for `check_invariants`.
    pub fn check(&self) -> std::result::Result<(), String> {
        let (mut charged, mut capacity) = (0u64, 0u64);
        for (&k, c) in &self.chunks {
            let len = c.len() as u64;
            if len == 0 || len > CHUNK {
                return Err(format!("chunk {k} holds {len} bytes"));
            }
            if k * CHUNK + len > self.size {
                return Err(format!(
                    "chunk {k} ends at {} past size {}",
                    k * CHUNK + len,
                    self.size
                ));
            }
            charged += charge(k, len);
            capacity += c.capacity() as u64;
        }
        if charged != self.charged || capacity != self.capacity {
            return Err(format!(
                "charged {} capacity {} but chunks hold {charged} and {capacity}",
                self.charged, self.capacity
            ));
        }
        Ok(())
    }

    /// Each chunk's index and capacity (tests count reallocations).
    #[cfg(test)]
    pub fn chunk_capacities(&self) -> Vec<(u64, usize)> {
        self.chunks
            .iter()
            .map(|(&k, c)| (k, c.capacity()))
            .collect()
    }
}
