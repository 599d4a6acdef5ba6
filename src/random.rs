//! wasi:random — secure randomness from the platform, or a seeded generator
//! for deterministic runs.
//!
//! The secure source comes through the context builder: the bindings pass
//! one over `crypto.getRandomValues` (src/bindings/host.rs), host builds and
//! tests [`StdRandom`] or a fake.

use std::fmt;
use std::rc::Rc;

/// A source of cryptographically secure random bytes.
pub trait SecureRandom {
    fn fill(&self, buf: &mut [u8]);
}

/// A program's source of random bytes.
#[derive(Clone)]
pub enum Random {
    Secure(Rc<dyn SecureRandom>),
    /// SplitMix64 from a seed: reproducible, not secure. Only for
    /// deterministic mode (tests, teaching).
    Seeded(u64),
}

impl fmt::Debug for Random {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Random::Secure(_) => f.write_str("Secure"),
            Random::Seeded(state) => f.debug_tuple("Seeded").field(state).finish(),
        }
    }
}

impl Random {
    pub fn fill(&mut self, buf: &mut [u8]) {
        match self {
            Random::Secure(source) => {
                if !buf.is_empty() {
                    source.fill(buf)
                }
            }
            Random::Seeded(state) => {
                for chunk in buf.chunks_mut(8) {
                    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                    let mut z = *state;
                    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                    z ^= z >> 31;
                    chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
                }
            }
        }
    }
}

/// Host builds (tests): the OS's randomness through std's hasher seeds,
/// mixed with a counter. Not for wasm32, where the bindings pass
/// `crypto.getRandomValues`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StdRandom;

impl SecureRandom for StdRandom {
    fn fill(&self, buf: &mut [u8]) {
        use std::collections::hash_map::RandomState;
        use std::hash::{BuildHasher, Hasher};
        for chunk in buf.chunks_mut(8) {
            let mut h = RandomState::new().build_hasher();
            h.write_usize(chunk.as_ptr() as usize);
            let v = h.finish().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Counts its calls and fills with one byte.
    struct Fake(Rc<Cell<u32>>);

    impl SecureRandom for Fake {
        fn fill(&self, buf: &mut [u8]) {
            self.0.set(self.0.get() + 1);
            buf.fill(0xab);
        }
    }

    #[test]
    fn secure_fills_from_the_injected_source_and_skips_empty_buffers() {
        let calls = Rc::new(Cell::new(0));
        let mut r = Random::Secure(Rc::new(Fake(calls.clone())));
        let mut buf = [0u8; 5];
        r.fill(&mut buf);
        assert_eq!(buf, [0xab; 5]);
        r.fill(&mut []);
        assert_eq!(calls.get(), 1);
    }

    #[test]
    fn seeded_is_reproducible_and_seed_dependent() {
        let (mut a, mut b, mut c) = (Random::Seeded(1), Random::Seeded(1), Random::Seeded(2));
        let (mut x, mut y, mut z) = ([0u8; 20], [0u8; 20], [0u8; 20]);
        a.fill(&mut x);
        b.fill(&mut y);
        c.fill(&mut z);
        assert_eq!(x, y);
        assert_ne!(x, z);
        // SplitMix64's first output for seed 1 (state 1 + golden gamma).
        assert_eq!(&x[..8], &0x910a_2dec_8902_5cc1u64.to_le_bytes());
    }
}
