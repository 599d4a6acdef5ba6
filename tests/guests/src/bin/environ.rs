//! environ_sizes_get / environ_get with several variables.
use guest::*;

fn main() {
    let (n, size) = ok!("environ_sizes_get", wasi::environ_sizes_get());
    let mut ptrs = vec![std::ptr::null_mut::<u8>(); n];
    let mut buf = vec![0u8; size];
    ok!("environ_get", wasi::environ_get(ptrs.as_mut_ptr(), buf.as_mut_ptr()));
    let mut vars = Vec::new();
    for p in &ptrs {
        let off = (*p as usize).wrapping_sub(buf.as_ptr() as usize);
        if off >= size {
            fail("environ pointer outside buffer");
        }
        let end = buf[off..].iter().position(|&b| b == 0).expect("NUL") + off;
        vars.push(String::from_utf8(buf[off..end].to_vec()).expect("utf8"));
    }
    let total: usize = vars.iter().map(|a| a.len() + 1).sum();
    check_eq!("environ_buf_size", size, total);
    vars.sort();
    check_eq!(
        "variables",
        vars,
        vec![
            "EMPTY=".to_string(),
            "EQUALS=a=b=c".to_string(),
            "FOO=bar".to_string(),
            "UNICODE=żółw 🐢".to_string(),
        ]
    );
    check_eq!("std::env::var FOO", std::env::var("FOO").ok(), Some("bar".to_string()));
    check_eq!("std::env::var EQUALS", std::env::var("EQUALS").ok(), Some("a=b=c".to_string()));
    check_eq!("std::env::var missing", std::env::var("MISSING").ok(), None);
    done("environ");
}
