//! wasi:random — random, insecure and insecure-seed, on the context's
//! [`Random`](crate::random::Random) (secure, or seeded in deterministic mode).

use super::Preview2;

/// Most bytes one call returns (the guest asked for more than it can hold).
pub const MAX_RANDOM_BYTES: u64 = 1 << 26;

impl Preview2 {
    pub fn get_random_bytes(&mut self, len: u64) -> Vec<u8> {
        let mut v = vec![0u8; len.min(MAX_RANDOM_BYTES) as usize];
        self.ctx.random.fill(&mut v);
        v
    }

    /// Fills `buf` from the context's source: for answers built piece by
    /// piece outside the core (pieces of a multiple of 8 bytes give the
    /// same bytes as one call in deterministic mode).
    pub fn fill_random(&mut self, buf: &mut [u8]) {
        self.ctx.random.fill(buf);
    }

    pub fn get_random_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.ctx.random.fill(&mut b);
        u64::from_le_bytes(b)
    }

    /// `insecure`: the same source (secure is fine for insecure uses).
    pub fn get_insecure_random_bytes(&mut self, len: u64) -> Vec<u8> {
        self.get_random_bytes(len)
    }

    pub fn get_insecure_random_u64(&mut self) -> u64 {
        self.get_random_u64()
    }

    /// `insecure-seed`: fixed per instance, as the spec asks.
    pub fn insecure_seed(&mut self) -> (u64, u64) {
        if self.seed.is_none() {
            self.seed = Some((self.get_random_u64(), self.get_random_u64()));
        }
        self.seed.unwrap_or_default()
    }
}
