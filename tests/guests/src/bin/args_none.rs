//! args_sizes_get / args_get with only argv[0].
use guest::*;

fn main() {
    let (argc, size) = ok!("args_sizes_get", wasi::args_sizes_get());
    check_eq!("argc", argc, 1);
    let mut ptrs = vec![std::ptr::null_mut::<u8>(); argc];
    let mut buf = vec![0u8; size];
    ok!("args_get", wasi::args_get(ptrs.as_mut_ptr(), buf.as_mut_ptr()));
    check_eq!("argv[0] terminated", buf.last().copied(), Some(0u8));
    check_eq!("argv[0] size", size, "args_none.wasm".len() + 1);
    done("args_none");
}
