//! wasi:random — secure randomness from `crypto.getRandomValues`.

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
