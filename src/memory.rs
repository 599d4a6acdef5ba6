//! Guest memory access.
//!
//! The guest's linear memory is not ours: on wasm32 it is another instance's
//! `WebAssembly.Memory`, reached through a tiny JS snippet that copies bytes
//! straight between it and the core's memory (one call, no objects per
//! syscall). On the host it is a plain `Vec<u8>`, so the Preview 1 adapter is
//! unit-testable. Every pointer is bounds-checked here before any copy.

use crate::error::{Errno, Result};
use core::cell::{Cell, RefCell};
use core::ops::Deref;

/// Raw copies; callers go through [`Mem`], which checks bounds first. A
/// copy the host could not make (on wasm32: the JS hook threw) is an
/// error, `EFAULT` for the guest: the bytes were not moved.
pub trait GuestMemory {
    /// Size in bytes, possibly cached: memory only grows, so a cached size
    /// is never too large. A pointer past it is checked again after
    /// [`GuestMemory::refresh`].
    fn size(&self) -> u64;
    /// The current size, asking the host (after `memory.grow`).
    fn refresh(&self) -> u64 {
        self.size()
    }
    fn read_raw(&self, ptr: u32, dst: &mut [u8]) -> Result<()>;
    fn write_raw(&self, ptr: u32, src: &[u8]) -> Result<()>;
    fn fill_raw(&self, ptr: u32, len: u32, byte: u8) -> Result<()>;
    /// Stores the low `len` (4 or 8) bytes of `v`, little-endian, at `ptr`:
    /// the ABI's out-values, one per call. A host may store them without
    /// the staging copy `write_raw` needs (on wasm32: one JS call that
    /// writes the bytes, instead of a copy out of the core's memory).
    fn put_raw(&self, ptr: u32, v: u64, len: u32) -> Result<()> {
        self.write_raw(ptr, &v.to_le_bytes()[..len as usize])
    }
}

/// A bounds-checking view of guest memory for the duration of one call.
pub struct Mem<'a> {
    raw: &'a dyn GuestMemory,
    size: Cell<u64>,
}

impl<'a> Mem<'a> {
    pub fn new(raw: &'a dyn GuestMemory) -> Self {
        Mem {
            size: Cell::new(raw.size()),
            raw,
        }
    }

    /// Checks that `len` bytes at `ptr` are in bounds. A zero-length
    /// buffer is never a fault, wherever it points (as in wasmtime).
    pub fn check(&self, ptr: u32, len: u64) -> Result<()> {
        if len == 0 {
            return Ok(());
        }
        let end = (ptr as u64).checked_add(len).ok_or(Errno::Fault)?;
        if end <= self.size.get() {
            return Ok(());
        }
        // The guest may have grown its memory since the size was cached.
        self.size.set(self.raw.refresh());
        if end <= self.size.get() {
            Ok(())
        } else {
            Err(Errno::Fault)
        }
    }

    /// Checks `count` elements of `elem` bytes starting at `ptr`.
    pub fn check_array(&self, ptr: u32, count: u32, elem: u32) -> Result<()> {
        self.check(ptr, count as u64 * elem as u64)
    }

    /// Checks a pointer to an ABI value or struct: aligned to `align` and
    /// in bounds. wasmtime traps on a misaligned one; it is `EFAULT` here.
    /// An empty array is not touched, so it may be anywhere (wasmtime).
    pub fn check_out(&self, ptr: u32, len: u64, align: u32) -> Result<()> {
        if len != 0 && ptr % align != 0 {
            return Err(Errno::Fault);
        }
        self.check(ptr, len)
    }

    pub fn read_into(&self, ptr: u32, dst: &mut [u8]) -> Result<()> {
        self.check(ptr, dst.len() as u64)?;
        if !dst.is_empty() {
            self.raw.read_raw(ptr, dst)?;
        }
        Ok(())
    }

    pub fn write(&self, ptr: u32, src: &[u8]) -> Result<()> {
        self.check(ptr, src.len() as u64)?;
        if !src.is_empty() {
            self.raw.write_raw(ptr, src)?;
        }
        Ok(())
    }

    pub fn fill(&self, ptr: u32, len: u32, byte: u8) -> Result<()> {
        self.check(ptr, len as u64)?;
        if len > 0 {
            self.raw.fill_raw(ptr, len, byte)?;
        }
        Ok(())
    }

    /// `len` bytes at `ptr`, read only after `len` is checked against
    /// `max` (`too_long` when over it): the guest picks `len`, up to 4 GiB,
    /// and the core must not allocate that.
    pub fn read_bounded(&self, ptr: u32, len: u32, max: usize, too_long: Errno) -> Result<Vec<u8>> {
        self.check(ptr, len as u64)?;
        if len as usize > max {
            return Err(too_long);
        }
        let mut v = vec![0; len as usize];
        self.read_into(ptr, &mut v)?;
        Ok(v)
    }

    /// A short byte string (tests, small fixed sizes); same as
    /// [`Mem::read_bounded`] with a 64 KiB cap.
    pub fn read_vec(&self, ptr: u32, len: u32) -> Result<Vec<u8>> {
        self.read_bounded(ptr, len, 1 << 16, Errno::Nomem)
    }

    /// A path or other string argument of at most `max` bytes (longer is
    /// `ENAMETOOLONG`, found without reading it); invalid UTF-8 is `EILSEQ`.
    /// Up to [`ArgStr::INLINE`] bytes it is read onto the stack, not the heap.
    pub fn read_path(&self, ptr: u32, len: u32, max: usize) -> Result<ArgStr> {
        self.check(ptr, len as u64)?;
        if len as usize > max {
            return Err(Errno::Nametoolong);
        }
        ArgStr::read(len as usize, |buf| self.read_into(ptr, buf))
    }

    /// The typed accessors want natural alignment, as the ABI does.
    pub fn u8(&self, ptr: u32) -> Result<u8> {
        let mut b = [0; 1];
        self.read_into(ptr, &mut b)?;
        Ok(b[0])
    }
    pub fn u16(&self, ptr: u32) -> Result<u16> {
        let mut b = [0; 2];
        self.check_out(ptr, 2, 2)?;
        self.read_into(ptr, &mut b)?;
        Ok(u16::from_le_bytes(b))
    }
    pub fn u32(&self, ptr: u32) -> Result<u32> {
        let mut b = [0; 4];
        self.check_out(ptr, 4, 4)?;
        self.read_into(ptr, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    pub fn u64(&self, ptr: u32) -> Result<u64> {
        let mut b = [0; 8];
        self.check_out(ptr, 8, 8)?;
        self.read_into(ptr, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    pub fn put_u8(&self, ptr: u32, v: u8) -> Result<()> {
        self.write(ptr, &[v])
    }
    pub fn put_u16(&self, ptr: u32, v: u16) -> Result<()> {
        self.check_out(ptr, 2, 2)?;
        self.write(ptr, &v.to_le_bytes())
    }
    pub fn put_u32(&self, ptr: u32, v: u32) -> Result<()> {
        self.check_out(ptr, 4, 4)?;
        self.raw.put_raw(ptr, v as u64, 4)
    }
    pub fn put_u64(&self, ptr: u32, v: u64) -> Result<()> {
        self.check_out(ptr, 8, 8)?;
        self.raw.put_raw(ptr, v, 8)
    }

    /// Decodes a p1 iovec / ciovec array as wasmtime treats it: the array
    /// must be in bounds (aligned to 4); empty iovecs are skipped unchecked,
    /// wherever they point; the list ends before the first non-empty iovec
    /// out of bounds (a short transfer), which is `EFAULT` only if it is the
    /// first non-empty one. At most `max_bytes` bytes in all (the last iovec
    /// shortened) and [`MAX_IOVECS`] iovecs are kept, so the host's work and
    /// memory stay bounded whatever the count. They go into `list` (cleared
    /// first): the caller reuses one, so a call allocates nothing.
    pub fn iovecs(
        &self,
        ptr: u32,
        count: u32,
        max_bytes: u32,
        list: &mut Vec<(u32, u32)>,
    ) -> Result<()> {
        self.check_out(ptr, count as u64 * 8, 4)?;
        list.clear();
        let mut left = max_bytes;
        // Read in chunks on the stack: the count may be in the millions.
        // Small, as it is zeroed on every call and most calls have one.
        let mut chunk = [0u8; 16 * 8];
        let mut done = 0u32;
        while done < count && left > 0 && list.len() < MAX_IOVECS {
            let n = (count - done).min(16);
            let raw = &mut chunk[..n as usize * 8];
            self.read_into(ptr + done * 8, raw)?;
            for c in raw.chunks_exact(8) {
                let p = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                let l = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
                if l == 0 {
                    continue;
                }
                if let Err(e) = self.check(p, l as u64) {
                    return if list.is_empty() { Err(e) } else { Ok(()) };
                }
                let l = l.min(left);
                list.push((p, l));
                left -= l;
                if left == 0 || list.len() == MAX_IOVECS {
                    return Ok(());
                }
            }
            done += n;
        }
        Ok(())
    }
}

/// A string argument of one core call (a path, a symlink target), kept in
/// the value itself, so on the shadow stack, when it is at most
/// [`ArgStr::INLINE`] bytes long.
///
/// Why: the core is `panic = "abort"`. A trap inside a call abandons its
/// frames without running a destructor, so a `String` the call owned stays
/// allocated for good (one heap block per trap). The shadow stack is put
/// back after a trap (`js/recovery.js`), so an inline argument costs
/// nothing. Longer ones go to the heap, and a trap during such a call
/// still leaks that block.
pub struct ArgStr {
    len: usize,
    inline: [u8; ArgStr::INLINE],
    heap: String,
}

impl ArgStr {
    /// Longest string kept inline: real paths are far shorter.
    pub const INLINE: usize = 1024;

    /// `len` bytes written by `fill`; they must be UTF-8 (else `EILSEQ`).
    pub fn read(len: usize, fill: impl FnOnce(&mut [u8]) -> Result<()>) -> Result<ArgStr> {
        let mut s = ArgStr::empty();
        if len <= ArgStr::INLINE {
            fill(&mut s.inline[..len])?;
            core::str::from_utf8(&s.inline[..len]).map_err(|_| Errno::Ilseq)?;
            s.len = len;
        } else {
            let mut v = vec![0; len];
            fill(&mut v)?;
            s.heap = String::from_utf8(v).map_err(|_| Errno::Ilseq)?;
            s.len = len;
        }
        Ok(s)
    }

    /// A string whose bytes `fill` writes into the inline buffer, returning
    /// how many; `None` (it did not fit, or is not UTF-8) when it returns `None`.
    pub fn fill_inline(fill: impl FnOnce(&mut [u8]) -> Option<usize>) -> Option<ArgStr> {
        let mut s = ArgStr::empty();
        let n = fill(&mut s.inline).filter(|&n| n <= ArgStr::INLINE)?;
        core::str::from_utf8(&s.inline[..n]).ok()?;
        s.len = n;
        Some(s)
    }

    fn empty() -> ArgStr {
        ArgStr {
            len: 0,
            inline: [0; ArgStr::INLINE],
            heap: String::new(),
        }
    }

    pub fn as_str(&self) -> &str {
        if self.len <= ArgStr::INLINE {
            // Checked when it was filled: this never falls back.
            core::str::from_utf8(&self.inline[..self.len]).unwrap_or_default()
        } else {
            &self.heap
        }
    }
}

impl From<String> for ArgStr {
    fn from(heap: String) -> ArgStr {
        if heap.len() <= ArgStr::INLINE {
            let mut s = ArgStr::empty();
            s.inline[..heap.len()].copy_from_slice(heap.as_bytes());
            s.len = heap.len();
            s
        } else {
            ArgStr {
                len: heap.len(),
                inline: [0; ArgStr::INLINE],
                heap,
            }
        }
    }
}

impl Deref for ArgStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl core::fmt::Debug for ArgStr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.as_str().fmt(f)
    }
}

/// Most non-empty iovecs one call moves (`IOV_MAX` on Linux); the rest of
/// a longer list is a short transfer.
pub const MAX_IOVECS: usize = 1024;

/// Guest memory backed by a `Vec`, for host tests.
#[derive(Default)]
pub struct VecMemory(pub RefCell<Vec<u8>>);

impl VecMemory {
    pub fn new(size: usize) -> Self {
        VecMemory(RefCell::new(vec![0; size]))
    }
}

impl GuestMemory for VecMemory {
    fn size(&self) -> u64 {
        self.0.borrow().len() as u64
    }
    fn read_raw(&self, ptr: u32, dst: &mut [u8]) -> Result<()> {
        let p = ptr as usize;
        dst.copy_from_slice(&self.0.borrow()[p..p + dst.len()]);
        Ok(())
    }
    fn write_raw(&self, ptr: u32, src: &[u8]) -> Result<()> {
        let p = ptr as usize;
        self.0.borrow_mut()[p..p + src.len()].copy_from_slice(src);
        Ok(())
    }
    fn fill_raw(&self, ptr: u32, len: u32, byte: u8) -> Result<()> {
        let p = ptr as usize;
        self.0.borrow_mut()[p..p + len as usize].fill(byte);
        Ok(())
    }
}
