//! args_sizes_get / args_get with several arguments (incl. empty and non-ASCII).
use guest::*;

fn main() {
    let (argc, size) = ok!("args_sizes_get", wasi::args_sizes_get());
    let mut ptrs = vec![std::ptr::null_mut::<u8>(); argc];
    let mut buf = vec![0u8; size];
    ok!("args_get", wasi::args_get(ptrs.as_mut_ptr(), buf.as_mut_ptr()));
    check_eq!("argc", argc, 5);
    // Every pointer points into buf and the strings are NUL-terminated, packed.
    let mut args = Vec::new();
    let mut expect_off = 0usize;
    for p in &ptrs {
        let off = (*p as usize).wrapping_sub(buf.as_ptr() as usize);
        if off != expect_off {
            fail(&format!("arg pointer offset {off}, expected {expect_off}"));
        }
        let end = buf[off..].iter().position(|&b| b == 0).expect("NUL") + off;
        args.push(String::from_utf8(buf[off..end].to_vec()).expect("utf8"));
        expect_off = end + 1;
    }
    check_eq!("args packed in buffer", expect_off, size);
    check!("argv[0] ends with .wasm", args[0].ends_with(".wasm"));
    check_eq!("argv[1..]", &args[1..], &["first", "", "with space", "ünïcödé ✓"][..]);
    // std agrees
    let std_args: Vec<String> = std::env::args().collect();
    check_eq!("std::env::args", std_args, args);
    // buffer size counts the terminators
    let total: usize = args.iter().map(|a| a.len() + 1).sum();
    check_eq!("argv_buf_size", size, total);
    done("args");
}
