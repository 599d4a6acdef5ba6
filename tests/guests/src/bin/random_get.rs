//! random_get: zero length, small, large (1 MiB) buffers; output varies.
use guest::*;

fn main() {
    let mut b = [0u8; 1];
    ok!("random_get len 0", wasi::random_get(b.as_mut_ptr(), 0));
    // zero length with a pointer at the very end of memory is fine too
    let end = (core::arch::wasm32::memory_size(0) * 65536) as *mut u8;
    ok!("random_get len 0 at end of memory", wasi::random_get(end, 0));
    let mut a = [0u8; 32];
    let mut c = [0u8; 32];
    ok!("random_get 32", wasi::random_get(a.as_mut_ptr(), a.len()));
    ok!("random_get 32 again", wasi::random_get(c.as_mut_ptr(), c.len()));
    check!("two draws differ", a != c);
    let mut big = vec![0u8; 1 << 20];
    ok!("random_get 1 MiB", wasi::random_get(big.as_mut_ptr(), big.len()));
    // every byte value should occur in 1 MiB of random data
    let mut seen = [false; 256];
    for &x in &big {
        seen[x as usize] = true;
    }
    check!("1 MiB covers all byte values", seen.iter().all(|&s| s));
    let zeros = big.iter().filter(|&&x| x == 0).count();
    check!("1 MiB not mostly zero", zeros < 8192);
    // the tail of a large buffer is filled as well
    check!("tail filled", big[(1 << 20) - 64..].iter().any(|&x| x != 0));
    done("random_get");
}
