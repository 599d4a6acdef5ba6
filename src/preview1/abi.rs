//! The Preview 1 structs as they sit in guest memory, encoded and decoded
//! field by field.
//!
//! Every ABI struct is laid out by C rules: each field at the next offset
//! aligned to its size, the whole padded to its largest field. [`Encoder`]
//! and [`Decoder`] apply those rules, so a struct is written as its list
//! of fields in WITX order, and the `wasi_unstable` variants (a `u32`
//! `nlink`, an extra `u64` in clock subscriptions) fall out of the same
//! rules instead of a second table of offsets.

use super::types::{event, fstflags, Abi};
use crate::error::{Errno, Result};
use crate::fs::{SetTime, Stat};

/// Writes fields at their natural alignment into a buffer of `N` bytes.
pub struct Encoder<const N: usize> {
    buf: [u8; N],
    at: usize,
    /// The largest alignment seen: the struct's size is a multiple of it.
    align: usize,
}

impl<const N: usize> Default for Encoder<N> {
    fn default() -> Self {
        Encoder {
            buf: [0; N],
            at: 0,
            align: 1,
        }
    }
}

impl<const N: usize> Encoder<N> {
    fn put<const K: usize>(&mut self, bytes: [u8; K]) -> &mut Self {
        self.at = self.at.next_multiple_of(K);
        self.align = self.align.max(K);
        self.buf[self.at..self.at + K].copy_from_slice(&bytes);
        self.at += K;
        self
    }
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.put(v.to_le_bytes())
    }
    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.put(v.to_le_bytes())
    }
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.put(v.to_le_bytes())
    }
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.put(v.to_le_bytes())
    }
    /// Starts a union (or nested struct) aligned to `a`.
    pub fn align(&mut self, a: usize) -> &mut Self {
        self.at = self.at.next_multiple_of(a);
        self.align = self.align.max(a);
        self
    }
    /// The encoded struct, padded to its alignment.
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.at.next_multiple_of(self.align)]
    }
}

/// Reads fields at their natural alignment.
pub struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Decoder<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Decoder { bytes, at: 0 }
    }
    fn take<const K: usize>(&mut self) -> [u8; K] {
        self.at = self.at.next_multiple_of(K);
        let mut b = [0; K];
        b.copy_from_slice(&self.bytes[self.at..self.at + K]);
        self.at += K;
        b
    }
    pub fn u8(&mut self) -> u8 {
        u8::from_le_bytes(self.take())
    }
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take())
    }
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }
    pub fn align(&mut self, a: usize) -> &mut Self {
        self.at = self.at.next_multiple_of(a);
        self
    }
}

/// Decodes `fst_flags` into two timestamp changes.
pub fn decode_fstflags(atim: u64, mtim: u64, flags: u32) -> Result<(SetTime, SetTime)> {
    use fstflags::*;
    // Bits beyond the defined ones (also beyond 16 bits) are EINVAL.
    let Ok(flags) = u16::try_from(flags) else {
        return Err(Errno::Inval);
    };
    if flags & !ALL != 0 || flags & ATIM != 0 && flags & ATIM_NOW != 0 {
        return Err(Errno::Inval);
    }
    if flags & MTIM != 0 && flags & MTIM_NOW != 0 {
        return Err(Errno::Inval);
    }
    let pick = |set, now, t| {
        if flags & now != 0 {
            SetTime::Now
        } else if flags & set != 0 {
            SetTime::At(t)
        } else {
            SetTime::Keep
        }
    };
    Ok((pick(ATIM, ATIM_NOW, atim), pick(MTIM, MTIM_NOW, mtim)))
}

/// `filestat`.
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Filestat {
    pub fn of(s: &Stat, filetype: u8) -> Self {
        Filestat {
            dev: s.dev,
            ino: s.ino,
            filetype,
            nlink: s.nlink,
            size: s.size,
            atim: s.atim,
            mtim: s.mtim,
            ctim: s.ctim,
        }
    }

    /// Size in guest memory: 64 bytes (`wasi_unstable`: 56, its `nlink`
    /// is a `u32`).
    pub fn size(abi: Abi) -> u64 {
        match abi {
            Abi::Preview1 => 64,
            Abi::Unstable => 56,
        }
    }

    pub fn encode(&self, abi: Abi) -> Encoder<64> {
        let mut e = Encoder::default();
        e.u64(self.dev).u64(self.ino).u8(self.filetype);
        match abi {
            Abi::Preview1 => e.u64(self.nlink),
            Abi::Unstable => e.u32(self.nlink.min(u32::MAX as u64) as u32),
        };
        e.u64(self.size)
            .u64(self.atim)
            .u64(self.mtim)
            .u64(self.ctim);
        e
    }
}

/// `fdstat` (24 bytes).
pub struct Fdstat {
    pub filetype: u8,
    pub flags: u16,
    pub base: u64,
    pub inheriting: u64,
}

impl Fdstat {
    pub const SIZE: u64 = 24;

    pub fn encode(&self) -> Encoder<24> {
        let mut e = Encoder::default();
        e.u8(self.filetype)
            .u16(self.flags)
            .u64(self.base)
            .u64(self.inheriting);
        e
    }
}

/// `prestat` of a directory (tag 0, the name's length): 8 bytes.
pub fn encode_prestat_dir(name_len: u32) -> Encoder<8> {
    let mut e = Encoder::default();
    e.u8(0).u32(name_len);
    e
}

/// `dirent`, the 24-byte head before each name `fd_readdir` writes.
pub struct Dirent {
    pub next: u64,
    pub ino: u64,
    pub namlen: u32,
    pub filetype: u8,
}

impl Dirent {
    pub fn encode(&self) -> Encoder<24> {
        let mut e = Encoder::default();
        e.u64(self.next)
            .u64(self.ino)
            .u32(self.namlen)
            .u8(self.filetype)
            .align(8);
        e
    }
}

/// What a subscription waits for.
pub enum SubscriptionKind {
    Clock {
        id: u32,
        timeout: u64,
        flags: u16,
    },
    /// `fd_read` (`read`) or `fd_write`.
    Fd {
        fd: u32,
        read: bool,
    },
}

/// A `subscription`: 48 bytes (`wasi_unstable`: 56, a clock has an
/// extra `identifier` first).
pub struct Subscription {
    pub userdata: u64,
    /// The raw tag, echoed in the event.
    pub tag: u8,
    pub kind: SubscriptionKind,
}

impl Subscription {
    pub fn size(abi: Abi) -> u32 {
        match abi {
            Abi::Preview1 => 48,
            Abi::Unstable => 56,
        }
    }

    /// Decodes one; an unknown tag is `EINVAL`.
    pub fn decode(bytes: &[u8], abi: Abi) -> Result<Self> {
        let mut d = Decoder::new(bytes);
        let userdata = d.u64();
        let tag = d.u8();
        d.align(8);
        let kind = match tag {
            event::CLOCK => {
                if abi == Abi::Unstable {
                    let _identifier = d.u64();
                }
                let id = d.u32();
                let timeout = d.u64();
                let _precision = d.u64();
                let flags = d.u16();
                SubscriptionKind::Clock { id, timeout, flags }
            }
            event::FD_READ | event::FD_WRITE => SubscriptionKind::Fd {
                fd: d.u32(),
                read: tag == event::FD_READ,
            },
            _ => return Err(Errno::Inval),
        };
        Ok(Subscription {
            userdata,
            tag,
            kind,
        })
    }
}

/// An `event` (32 bytes).
pub struct Event {
    pub userdata: u64,
    pub error: Errno,
    pub tag: u8,
    /// For fd events: bytes available (0 for clocks).
    pub nbytes: u64,
}

impl Event {
    pub const SIZE: u32 = 32;

    pub fn encode(&self) -> Encoder<32> {
        let mut e = Encoder::default();
        e.u64(self.userdata)
            .u16(self.error.raw())
            .u8(self.tag)
            .align(8)
            // fd_readwrite: nbytes, then flags (none: no hangup to report).
            .u64(self.nbytes)
            .u16(0);
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_match_the_witx_sizes_and_offsets() {
        let s = Filestat {
            dev: 1,
            ino: 2,
            filetype: 3,
            nlink: 4,
            size: 5,
            atim: 6,
            mtim: 7,
            ctim: 8,
        };
        let p1 = s.encode(Abi::Preview1);
        let b = p1.bytes();
        assert_eq!(b.len(), 64);
        assert_eq!((b[16], b[24], b[32], b[56]), (3, 4, 5, 8));
        let un = s.encode(Abi::Unstable);
        let b = un.bytes();
        assert_eq!(b.len(), 56);
        assert_eq!((b[16], b[20], b[24], b[48]), (3, 4, 5, 8));

        let f = Fdstat {
            filetype: 4,
            flags: 0x0102,
            base: 9,
            inheriting: 10,
        }
        .encode();
        assert_eq!(f.bytes()[..4], [4, 0, 2, 1]);
        assert_eq!((f.bytes().len(), f.bytes()[8], f.bytes()[16]), (24, 9, 10));

        let d = Dirent {
            next: 1,
            ino: 2,
            namlen: 3,
            filetype: 4,
        }
        .encode();
        assert_eq!((d.bytes().len(), d.bytes()[16], d.bytes()[20]), (24, 3, 4));

        let p = encode_prestat_dir(7);
        assert_eq!(p.bytes(), [0, 0, 0, 0, 7, 0, 0, 0]);

        let e = Event {
            userdata: 5,
            error: Errno::Badf,
            tag: 1,
            nbytes: 6,
        }
        .encode();
        let b = e.bytes();
        assert_eq!((b.len(), b[0], b[8], b[10], b[16]), (32, 5, 8, 1, 6));
    }

    #[test]
    fn subscriptions_decode_in_both_abis() {
        let mut p1 = [0u8; 48];
        p1[0] = 9;
        p1[8] = event::CLOCK;
        p1[16] = 1; // clock id
        p1[24] = 50; // timeout
        p1[40] = 1; // flags
        let s = Subscription::decode(&p1, Abi::Preview1).unwrap();
        assert_eq!((s.userdata, s.tag), (9, event::CLOCK));
        assert!(matches!(
            s.kind,
            SubscriptionKind::Clock {
                id: 1,
                timeout: 50,
                flags: 1
            }
        ));
        let mut un = [0u8; 56];
        un[8] = event::CLOCK;
        un[16] = 77; // identifier, ignored
        un[24] = 1;
        un[32] = 50;
        un[48] = 1;
        let s = Subscription::decode(&un, Abi::Unstable).unwrap();
        assert!(matches!(
            s.kind,
            SubscriptionKind::Clock {
                id: 1,
                timeout: 50,
                flags: 1
            }
        ));
        let mut fd = [0u8; 48];
        fd[8] = event::FD_WRITE;
        fd[16] = 4;
        let s = Subscription::decode(&fd, Abi::Preview1).unwrap();
        assert!(matches!(
            s.kind,
            SubscriptionKind::Fd { fd: 4, read: false }
        ));
        fd[8] = 3;
        assert!(matches!(
            Subscription::decode(&fd, Abi::Preview1),
            Err(Errno::Inval)
        ));
    }
}
