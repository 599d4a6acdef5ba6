//! Guest memory access.
//!
//! The guest's linear memory is not ours: on wasm32 it is another instance's
//! `WebAssembly.Memory`, reached through a tiny JS snippet that copies bytes
//! straight between it and the core's memory (one call, no objects per
//! syscall). On the host it is a plain `Vec<u8>`, so the Preview 1 adapter is
//! unit-testable. Every pointer is bounds-checked here before any copy.

use crate::error::{Errno, Result};
use core::cell::{Cell, RefCell};

/// Raw copies; callers go through [`Mem`], which checks bounds first.
pub trait GuestMemory {
    /// Size in bytes, possibly cached: memory only grows, so a cached size
    /// is never too large. A pointer past it is checked again after
    /// [`GuestMemory::refresh`].
    fn size(&self) -> u64;
    /// The current size, asking the host (after `memory.grow`).
    fn refresh(&self) -> u64 {
        self.size()
    }
    fn read_raw(&self, ptr: u32, dst: &mut [u8]);
    fn write_raw(&self, ptr: u32, src: &[u8]);
    fn fill_raw(&self, ptr: u32, len: u32, byte: u8);
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

    pub fn check(&self, ptr: u32, len: u64) -> Result<()> {
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

    pub fn read_into(&self, ptr: u32, dst: &mut [u8]) -> Result<()> {
        self.check(ptr, dst.len() as u64)?;
        if !dst.is_empty() {
            self.raw.read_raw(ptr, dst);
        }
        Ok(())
    }

    pub fn write(&self, ptr: u32, src: &[u8]) -> Result<()> {
        self.check(ptr, src.len() as u64)?;
        if !src.is_empty() {
            self.raw.write_raw(ptr, src);
        }
        Ok(())
    }

    pub fn fill(&self, ptr: u32, len: u32, byte: u8) -> Result<()> {
        self.check(ptr, len as u64)?;
        if len > 0 {
            self.raw.fill_raw(ptr, len, byte);
        }
        Ok(())
    }

    pub fn read_vec(&self, ptr: u32, len: u32) -> Result<Vec<u8>> {
        self.check(ptr, len as u64)?;
        let mut v = vec![0; len as usize];
        self.read_into(ptr, &mut v)?;
        Ok(v)
    }

    /// A path or other string argument; invalid UTF-8 is `EILSEQ`.
    pub fn read_str(&self, ptr: u32, len: u32) -> Result<String> {
        String::from_utf8(self.read_vec(ptr, len)?).map_err(|_| Errno::Ilseq)
    }

    pub fn u8(&self, ptr: u32) -> Result<u8> {
        let mut b = [0; 1];
        self.read_into(ptr, &mut b)?;
        Ok(b[0])
    }
    pub fn u16(&self, ptr: u32) -> Result<u16> {
        let mut b = [0; 2];
        self.read_into(ptr, &mut b)?;
        Ok(u16::from_le_bytes(b))
    }
    pub fn u32(&self, ptr: u32) -> Result<u32> {
        let mut b = [0; 4];
        self.read_into(ptr, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    pub fn u64(&self, ptr: u32) -> Result<u64> {
        let mut b = [0; 8];
        self.read_into(ptr, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    pub fn put_u8(&self, ptr: u32, v: u8) -> Result<()> {
        self.write(ptr, &[v])
    }
    pub fn put_u16(&self, ptr: u32, v: u16) -> Result<()> {
        self.write(ptr, &v.to_le_bytes())
    }
    pub fn put_u32(&self, ptr: u32, v: u32) -> Result<()> {
        self.write(ptr, &v.to_le_bytes())
    }
    pub fn put_u64(&self, ptr: u32, v: u64) -> Result<()> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// Reads an array of `(ptr, len)` pairs (a p1 iovec / ciovec list).
    pub fn iovecs(&self, ptr: u32, count: u32) -> Result<Iovecs> {
        self.check_array(ptr, count, 8)?;
        let n = count as usize;
        let mut list = if n <= INLINE_IOVECS {
            Iovecs::Inline([(0, 0); INLINE_IOVECS], n)
        } else {
            Iovecs::Heap(vec![(0, 0); n])
        };
        // The usual one or two iovecs are read without touching the heap.
        let mut small = [0u8; INLINE_IOVECS * 8];
        let mut big = Vec::new();
        let raw: &mut [u8] = if n <= INLINE_IOVECS {
            &mut small[..n * 8]
        } else {
            big.resize(n * 8, 0);
            &mut big
        };
        self.read_into(ptr, raw)?;
        for (slot, c) in list.iter_mut().zip(raw.chunks_exact(8)) {
            *slot = (
                u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            );
        }
        for &(p, l) in list.iter() {
            self.check(p, l as u64)?;
        }
        Ok(list)
    }
}

const INLINE_IOVECS: usize = 8;

/// A decoded iovec list: `(pointer, length)` pairs, inline when short.
pub enum Iovecs {
    Inline([(u32, u32); INLINE_IOVECS], usize),
    Heap(Vec<(u32, u32)>),
}

impl Iovecs {
    fn iter_mut(&mut self) -> std::slice::IterMut<'_, (u32, u32)> {
        match self {
            Iovecs::Inline(a, n) => a[..*n].iter_mut(),
            Iovecs::Heap(v) => v.iter_mut(),
        }
    }
}

impl std::ops::Deref for Iovecs {
    type Target = [(u32, u32)];
    fn deref(&self) -> &[(u32, u32)] {
        match self {
            Iovecs::Inline(a, n) => &a[..*n],
            Iovecs::Heap(v) => v,
        }
    }
}

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
    fn read_raw(&self, ptr: u32, dst: &mut [u8]) {
        let p = ptr as usize;
        dst.copy_from_slice(&self.0.borrow()[p..p + dst.len()]);
    }
    fn write_raw(&self, ptr: u32, src: &[u8]) {
        let p = ptr as usize;
        self.0.borrow_mut()[p..p + src.len()].copy_from_slice(src);
    }
    fn fill_raw(&self, ptr: u32, len: u32, byte: u8) {
        let p = ptr as usize;
        self.0.borrow_mut()[p..p + len as usize].fill(byte);
    }
}
