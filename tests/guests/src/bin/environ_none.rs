//! environ_sizes_get / environ_get with an empty environment.
use guest::*;

fn main() {
    let (n, size) = ok!("environ_sizes_get", wasi::environ_sizes_get());
    check_eq!("count", n, 0);
    check_eq!("size", size, 0);
    let mut ptr = std::ptr::null_mut::<u8>();
    let mut b = 0u8;
    ok!("environ_get", wasi::environ_get(&mut ptr, &mut b));
    check_eq!("std::env::vars empty", std::env::vars().count(), 0);
    done("environ_none");
}
