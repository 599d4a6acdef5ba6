//! wasi:random — secure randomness from `crypto.getRandomValues`, or a
//! seeded generator for deterministic runs.

/// A program's source of random bytes.
#[derive(Clone, Debug)]
pub enum Random {
    Secure,
    /// SplitMix64 from a seed: reproducible, not secure. Only for
    /// deterministic mode (tests, teaching).
    Seeded(u64),
}

impl Random {
    pub fn fill(&mut self, buf: &mut [u8]) {
        match self {
            Random::Secure => fill(buf),
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

#[cfg(target_arch = "wasm32")]
pub fn fill(buf: &mut [u8]) {
    if !buf.is_empty() {
        crate::bindings::host::random_fill(buf.as_mut_ptr() as u32, buf.len() as u32);
    }
}

/// Host builds (tests) use the OS through std's hasher seeds plus a counter.
#[cfg(not(target_arch = "wasm32"))]
pub fn fill(buf: &mut [u8]) {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    for chunk in buf.chunks_mut(8) {
        let mut h = RandomState::new().build_hasher();
        h.write_usize(chunk.as_ptr() as usize);
        let v = h.finish().to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
}
